"""A schedule's ``.ics`` file: one event a VEVENT, keyed by its ``UID``;
every event at fault is named with its line."""
import dataclasses
import datetime
import re
import zoneinfo

import icalendar

from ...calendar.describe import ALL_DAY_TIME
from ...schemas.users import iana_timezones
from .scheduled import (
    MULTILINE,
    ScheduledEvent,
    ScheduleError,
    checked_events,
    checked_key,
    checked_name,
    checked_text,
    event_or_error,
    naive_utc,
    shown,
)

# NAME, then ";" parameters or ":" value (RFC 5545 §3.1).
CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+[;:]")


@dataclasses.dataclass
class _EventLines:
    """Where a VEVENT and each of its own properties sit in the file."""

    begin: int
    properties: dict = dataclasses.field(default_factory=dict)
    # A property RFC 5545 allows once, given again: where it came back.
    repeated: dict = dataclasses.field(default_factory=dict)


# The VEVENT properties read here that RFC 5545 §3.6.1 allows at most once
# (icalendar would hand over a list, and a key such as "[vText('a'), ...]").
ONCE_PER_EVENT = frozenset({"UID", "SUMMARY", "DESCRIPTION", "DTSTART", "STATUS"})


def parse_ics(text: str) -> list[ScheduledEvent]:
    located = _scan_ics(text)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        raise ScheduleError(None, f"not a valid iCalendar file ({exc})") from None
    components = list(calendar.walk("VEVENT"))
    if len(components) != len(located):
        raise ScheduleError(None, "not a valid iCalendar file (unbalanced VEVENTs)")
    # Apple's and Google's exports name the calendar's zone here and may
    # write its times floating (RFC 7986 drafts; no TZID, no Z).
    calendar_zone = calendar.get("X-WR-TIMEZONE")
    if isinstance(calendar_zone, list):
        raise ScheduleError(None, "X-WR-TIMEZONE is given more than once in the calendar")
    return checked_events(
        [event_or_error(_ics_event, c, lines, calendar_zone)
         for c, lines in zip(components, located)]
    )


def _scan_ics(text):
    """Check the file's structure line by line; locate every VEVENT.

    icalendar reports faults without line numbers, so the structure is
    checked here first, where each line's number is known.
    """
    open_components = []  # (name, line)
    events = []
    logical_name = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t"):  # a folded continuation line
            if logical_name is None:
                raise ScheduleError(number, "a continuation line with nothing before it")
            continue
        if not raw.strip():
            continue
        if not CONTENT_LINE.match(raw) or ":" not in raw:
            raise ScheduleError(number, f"not an iCalendar content line: {shown(raw)}")
        name = re.split(r"[;:]", raw, maxsplit=1)[0].upper()
        logical_name = name
        value = raw.split(":", 1)[1].strip().upper()
        if not open_components and name != "BEGIN":
            raise ScheduleError(number, "the file must start with BEGIN:VCALENDAR")
        if name == "BEGIN":
            if not open_components and value != "VCALENDAR":
                raise ScheduleError(number, "the file must start with BEGIN:VCALENDAR")
            parent = open_components[-1][0] if open_components else None
            if value == "VEVENT" and parent != "VCALENDAR":
                raise ScheduleError(
                    number, f"BEGIN:VEVENT inside {parent} (is END:{parent} missing?)"
                )
            open_components.append((value, number))
            if value == "VEVENT":
                events.append(_EventLines(number))
        elif name == "END":
            expected = open_components[-1][0]
            if value != expected:
                raise ScheduleError(number, f"END:{value} where END:{expected} was expected")
            open_components.pop()
        elif open_components[-1][0] == "VEVENT":
            event = events[-1]
            if name in ONCE_PER_EVENT and name in event.properties:
                event.repeated.setdefault(name, number)
            event.properties.setdefault(name, number)
    if open_components:
        name, number = open_components[-1]
        raise ScheduleError(number, f"BEGIN:{name} is never closed")
    if not events and logical_name is None:
        raise ScheduleError(1, "the file is empty")
    return events


def _calendar_time_zone(line, name):
    """The zone X-WR-TIMEZONE names, for a floating DTSTART: an IANA name,
    as a user's ``timezone`` is (not the server's "localtime")."""
    name = str(name).strip()
    if name not in iana_timezones():
        raise ScheduleError(
            line,
            f"DTSTART has no time zone and the calendar's X-WR-TIMEZONE {shown(name)} "
            "is not an IANA name",
        )
    return zoneinfo.ZoneInfo(name)


def _ics_event(component, lines, calendar_zone=None):
    for prop, number in lines.repeated.items():
        raise ScheduleError(
            number, f"{prop} is given twice in the event (first on line {lines.properties[prop]})"
        )
    broken = dict(component.errors)
    for prop in ("UID", "SUMMARY", "DTSTART"):
        if prop not in lines.properties:
            raise ScheduleError(lines.begin, f"the event has no {prop}")
        if prop in broken:
            raise ScheduleError(lines.properties[prop], f"{prop}: {broken[prop]}")
    for prop in ("RRULE", "RDATE"):
        if prop in lines.properties:
            raise ScheduleError(
                lines.properties[prop],
                "recurring events are not supported: list each event on its own",
            )
    dtstart = component.get("DTSTART")
    start = dtstart.dt
    start_line = lines.properties["DTSTART"]
    if not isinstance(start, datetime.date):  # a datetime is a date too
        # icalendar also reads a time, a duration or a period here.
        raise ScheduleError(start_line, "DTSTART must be a date, or a date and time")
    if dtstart.params.get("VALUE", "").upper() == "DATE" and isinstance(start, datetime.datetime):
        # A date with a TZID, which RFC 5545 forbids and some exporters
        # write: icalendar reads midnight in that zone. The date is meant.
        if start.time() != datetime.time():
            raise ScheduleError(start_line, "DTSTART is VALUE=DATE but holds a time")
        start = start.date()
    time_tba = not isinstance(start, datetime.datetime)
    if time_tba:
        # An all-day event: the day is known, the time is not.
        start_time = datetime.datetime.combine(start, ALL_DAY_TIME)
    elif start.tzinfo is None and "TZID" in dtstart.params:
        # icalendar leaves the time floating when it cannot resolve the TZID.
        raise ScheduleError(
            start_line,
            f"DTSTART's time zone {shown(dtstart.params['TZID'])} is unknown: "
            "the file has no VTIMEZONE for it and it is not an IANA name",
        )
    elif start.tzinfo is None and calendar_zone is None:
        raise ScheduleError(
            start_line, "DTSTART needs a time zone (a TZID, a Z or the calendar's X-WR-TIMEZONE)"
        )
    elif start.tzinfo is None:
        start_time = naive_utc(
            start_line, start.replace(tzinfo=_calendar_time_zone(start_line, calendar_zone))
        )
    else:
        start_time = naive_utc(start_line, start)
    return ScheduledEvent(
        line=lines.begin,
        key=checked_key(lines.properties["UID"], str(component.get("UID"))),
        name=checked_name(lines.properties["SUMMARY"], str(component.get("SUMMARY"))),
        start_time=start_time,
        description=checked_text(
            lines.properties.get("DESCRIPTION", lines.begin),
            "description",
            str(component.get("DESCRIPTION", "")),
            MULTILINE,
        ),
        time_tba=time_tba,
        cancelled=str(component.get("STATUS", "")).strip().upper() == "CANCELLED",
    )
