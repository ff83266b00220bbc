"""An entity's schedule from a ``.csv`` or ``.ics`` file, upserted by key.

Parsing reads and checks the whole file before anything is written, so a
malformed file changes nothing; every complaint names the line it is about,
and every row (or event) at fault is named, not only the first: a fault in
the file's structure (its header, its quoting, its BEGIN/END) stops there.
Importing matches events by their key (a CSV ``key`` column, the event's
``start_time`` without one, or an iCalendar ``UID``), so importing the same
file again updates events in place and never duplicates them.
"""
import csv
import dataclasses
import datetime
import io
import re
import zoneinfo

import icalendar
from sqlalchemy import insert, select

from ..calendar.describe import ALL_DAY_TIME
from ..models import Event
from ..schemas.users import iana_timezones
from ..text import has_control_characters

MAX_NAME_LENGTH = 255
MAX_KEY_LENGTH = 255
CSV_REQUIRED = ("name", "start_time")
CSV_OPTIONAL = ("description", "date_tba", "time_tba", "key")
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", ""})
# The control characters a name or key (TAB) or a description may contain.
TAB = "\t"
MULTILINE = "\t\r\n"
# Characters of a value that an error message quotes.
SHOWN_LENGTH = 40
# Keys looked up per SELECT: well under every backend's bound-parameter limit.
LOOKUP_BATCH = 500
# Events written between two progress reports.
PROGRESS_BATCH = 100
# Rows at fault that a message names; it counts the others.
FAULTS_SHOWN = 100


class ScheduleError(ValueError):
    """The file cannot be imported; ``line`` is 1-based, or None for the file."""

    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message

    @property
    def faults(self) -> list[tuple[int | None, str]]:
        return [(self.line, self.message)]


class ScheduleFaults(ScheduleError):
    """Several rows or events at fault: each with its line, in file order."""

    def __init__(self, errors):
        first = errors[0]
        super().__init__(first.line, first.message)
        self.errors = errors

    @property
    def faults(self):
        return [(error.line, error.message) for error in self.errors]

    def __str__(self):
        return f"{len(self.errors)} rows or events at fault:{self.listing()}"

    def listing(self) -> str:
        """One indented line per fault (the first FAULTS_SHOWN), each after a newline."""
        shown = "".join(f"\n  {error}" for error in self.errors[:FAULTS_SHOWN])
        more = len(self.errors) - FAULTS_SHOWN
        return shown + (f"\n  and {more} more" if more > 0 else "")


def _raise_faults(errors):
    """Nothing when ``errors`` is empty; else the one error, or all of them."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ScheduleFaults(sorted(errors, key=lambda error: error.line or 0))


@dataclasses.dataclass(frozen=True)
class ScheduledEvent:
    line: int
    key: str
    name: str
    start_time: datetime.datetime  # naive UTC, like every timestamp we store
    description: str = ""
    date_tba: bool = False
    time_tba: bool = False
    # An .ics event with STATUS:CANCELLED: checked like the others, but not
    # imported (and one imported before is left as it is: its tickets stay).
    cancelled: bool = False
    # A CSV row's key had it no key column: the event an import of the file
    # without keys created, which the row takes over (and re-keys).
    keyless_key: str | None = None


@dataclasses.dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    cancelled: int = 0


def parse_schedule(filename: str, data: bytes) -> list[ScheduledEvent]:
    """Every event of the file, or ScheduleError naming what is at fault."""
    file_format = schedule_format(filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Excel's plain "CSV" is in the Windows code page.
        hint = ' (in Excel, save it as "CSV UTF-8")' if file_format == "csv" else ""
        raise ScheduleError(line, f"the file is not UTF-8 text{hint}") from None
    return parse_csv(text) if file_format == "csv" else parse_ics(text)


def schedule_format(filename: str) -> str:
    """``"csv"`` or ``"ics"``, from the file's name; else ScheduleError."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in ("csv", "ics"):
        raise ScheduleError(None, "the schedule must be a .csv or .ics file")
    return suffix


def _checked_events(parsed):
    """The events of ``parsed`` (each a ScheduledEvent, or the ScheduleError
    of its row), or ScheduleError naming every row at fault: those, and
    every key used a second time."""
    errors = [item for item in parsed if isinstance(item, ScheduleError)]
    events = [item for item in parsed if not isinstance(item, ScheduleError)]
    first_line = {}
    for event in events:
        if event.key in first_line:
            errors.append(ScheduleError(
                event.line,
                f"key {_shown(event.key)} is already used on line {first_line[event.key]}",
            ))
        else:
            first_line[event.key] = event.line
    _raise_faults(errors)
    return events


def _row(make, *args):
    """``make(*args)``, or the ScheduleError that refuses the row."""
    try:
        return make(*args)
    except ScheduleError as error:
        return error


def _shown(value, limit=SHOWN_LENGTH):
    """A value quoted in a message: cut short, so that a huge one does not
    flood the operator's terminal."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"


# --- CSV -------------------------------------------------------------------


def parse_csv(text: str) -> list[ScheduledEvent]:
    # Strict: a quote left open is an error at the end of the file, where a
    # lenient reader would swallow every row after it into one field.
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_csv_delimiter(text), strict=True
    )
    # csv counts physical lines; a quoted field may span several, so a
    # record starts on the line after the previous record ended.
    next_line = 1
    try:
        header = next(reader, None)
        if header is None:
            raise ScheduleError(1, "the file is empty; it needs a header row")
        columns = _csv_columns(header)
    except csv.Error as exc:
        raise _csv_fault(exc, reader, next_line) from None
    parsed = []
    next_line = reader.line_num + 1
    try:
        for row in reader:
            line, next_line = next_line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                parsed.append(ScheduleError(
                    line, f"expected {len(columns)} fields, found {len(row)}"
                ))
                continue
            parsed.append(_row(_csv_event, line, columns, row))
    except csv.Error as exc:
        # The rows after it cannot be told apart: name it, and those before.
        parsed.append(_csv_fault(exc, reader, next_line))
    return _checked_events(parsed)


def _csv_delimiter(text):
    """A comma; or a semicolon, as Excel saves CSV where the comma is the
    decimal separator (most of Europe): the header (two columns at least,
    none named with either) then has semicolons and no comma."""
    header = text.split("\n", 1)[0]
    return ";" if ";" in header and "," not in header else ","


def _csv_fault(exc, reader, next_line):
    """The ScheduleError for a CSV syntax error; ``next_line`` is where the
    record being read began."""
    if str(exc) == "unexpected end of data":
        return ScheduleError(next_line, "a quote opened in this record is never closed")
    return ScheduleError(reader.line_num, f"not valid CSV ({exc})")


def _csv_columns(header):
    columns = [name.strip().lower() for name in header]
    known = CSV_REQUIRED + CSV_OPTIONAL
    for name in columns:
        if not name:  # a spreadsheet's blank column: its values must be blank too
            continue
        if name not in known:
            raise ScheduleError(
                1, f"unknown column {_shown(name)} (known: {', '.join(known)})"
            )
        if columns.count(name) > 1:
            raise ScheduleError(1, f"column {_shown(name)} appears twice")
    for name in CSV_REQUIRED:
        if name not in columns:
            raise ScheduleError(1, f"the header has no {name!r} column")
    return columns


def _csv_values(line, columns, row):
    """The row's values by column name; none in a column without one."""
    for number, (name, value) in enumerate(zip(columns, row), 1):
        if not name and value.strip():
            raise ScheduleError(
                line, f"{_shown(value.strip())} is in column {number}, which the header "
                "does not name"
            )
    return {name: value for name, value in zip(columns, row) if name}


def _csv_event(line, columns, row):
    values = _csv_values(line, columns, row)
    exact = _parse_start_time(line, values["start_time"])
    # Without a key, the start time as written, to the fraction: the key an
    # earlier import gave it, so importing the file again updates it.
    keyless_key = exact.isoformat() + "Z"
    key = values.get("key", "").strip() or keyless_key
    return ScheduledEvent(
        line=line,
        key=_checked_key(line, key),
        keyless_key=keyless_key if key != keyless_key else None,
        name=_checked_name(line, values["name"]),
        # To the second: the API shows whole seconds, and a fraction it does
        # not show would still order events and decide ``?show=``.
        start_time=exact.replace(microsecond=0),
        description=_checked_text(
            line, "description", values.get("description", ""), MULTILINE
        ),
        date_tba=_parse_bool(line, "date_tba", values.get("date_tba", "")),
        time_tba=_parse_bool(line, "time_tba", values.get("time_tba", "")),
    )


def _parse_start_time(line, value):
    value = value.strip()
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ScheduleError(
            line, f"start_time {_shown(value)} is not an ISO 8601 date and time"
        ) from None
    if moment.tzinfo is None:
        raise ScheduleError(
            line,
            f"start_time {_shown(value)} needs an offset or Z "
            "(e.g. 2025-04-01T19:05:00-04:00)",
        )
    return _naive_utc(line, moment)


def _parse_bool(line, field, value):
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ScheduleError(line, f"{field} {_shown(value)} is not true or false")


def _checked_name(line, name):
    name = _checked_text(line, "name", name)
    if not name:
        raise ScheduleError(line, "the event has no name")
    if len(name) > MAX_NAME_LENGTH:
        raise ScheduleError(line, f"the name is longer than {MAX_NAME_LENGTH} characters")
    return name


def _checked_key(line, key):
    key = _checked_text(line, "key", key)
    if len(key) > MAX_KEY_LENGTH:
        raise ScheduleError(line, f"the key is longer than {MAX_KEY_LENGTH} characters")
    return key


def _checked_text(line, field, value, allowed=TAB):
    """Stripped, and without control characters (PostgreSQL refuses NUL)."""
    value = value.strip()
    if has_control_characters(value, allowed):
        raise ScheduleError(line, f"the {field} contains control characters")
    return value


def _calendar_time_zone(line, name):
    """The zone X-WR-TIMEZONE names, for a floating DTSTART: an IANA name,
    as a user's ``timezone`` is (not the server's "localtime")."""
    name = str(name).strip()
    if name not in iana_timezones():
        raise ScheduleError(
            line,
            f"DTSTART has no time zone and the calendar's X-WR-TIMEZONE {_shown(name)} "
            "is not an IANA name",
        )
    return zoneinfo.ZoneInfo(name)


def _naive_utc(line, moment):
    """In UTC, without tzinfo (an .ics time has no fraction; a CSV's is
    dropped from the stored time, ``_csv_event``)."""
    try:
        return moment.astimezone(datetime.UTC).replace(tzinfo=None)
    except OverflowError:
        raise ScheduleError(line, f"{moment.isoformat()} is out of range") from None


# --- iCalendar ---------------------------------------------------------------

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
    return _checked_events(
        [_row(_ics_event, c, lines, calendar_zone) for c, lines in zip(components, located)]
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
            raise ScheduleError(number, f"not an iCalendar content line: {_shown(raw)}")
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
            f"DTSTART's time zone {_shown(dtstart.params['TZID'])} is unknown: "
            "the file has no VTIMEZONE for it and it is not an IANA name",
        )
    elif start.tzinfo is None and calendar_zone is None:
        raise ScheduleError(
            start_line, "DTSTART needs a time zone (a TZID, a Z or the calendar's X-WR-TIMEZONE)"
        )
    elif start.tzinfo is None:
        start_time = _naive_utc(
            start_line, start.replace(tzinfo=_calendar_time_zone(start_line, calendar_zone))
        )
    else:
        start_time = _naive_utc(start_line, start)
    return ScheduledEvent(
        line=lines.begin,
        key=_checked_key(lines.properties["UID"], str(component.get("UID")).strip()),
        name=_checked_name(lines.properties["SUMMARY"], str(component.get("SUMMARY"))),
        start_time=start_time,
        description=_checked_text(
            lines.properties.get("DESCRIPTION", lines.begin),
            "description",
            str(component.get("DESCRIPTION", "")),
            MULTILINE,
        ),
        time_tba=time_tba,
        cancelled=str(component.get("STATUS", "")).strip().upper() == "CANCELLED",
    )


# --- Import ------------------------------------------------------------------


def import_events(dbsession, entity_id, events, progress=None) -> ImportResult:
    """Create or update the entity's events by key; ``progress(done, total)``."""
    existing = _events_by_key(dbsession, entity_id, [e.key for e in events])
    keyless = _keyless_events(dbsession, entity_id, events, existing)
    created = updated = cancelled = 0
    total = len(events)
    new_rows = []
    for done, scheduled in enumerate(events, start=1):
        event = existing.get(scheduled.key) or keyless.pop(scheduled.keyless_key, None)
        if scheduled.cancelled:
            cancelled += 1
        elif event is None:
            new_rows.append({"entity_id": entity_id, **_fields(scheduled)})
            created += 1
        elif _apply(event, scheduled):
            updated += 1
        if done % PROGRESS_BATCH == 0 or done == total:
            # Written batch by batch, so the progress shown is work done. A
            # batch's new events are one INSERT: added as ORM objects, each
            # would be an INSERT of its own on SQLite (to read its id back),
            # and nothing here needs their ids.
            if new_rows:
                dbsession.execute(insert(Event), new_rows)
                new_rows = []
            dbsession.flush()
            if progress:
                progress(done, total)
    dbsession.flush()
    return ImportResult(
        created, updated, total - created - updated - cancelled, cancelled
    )


def _events_by_key(dbsession, entity_id, keys):
    found = {}
    for start in range(0, len(keys), LOOKUP_BATCH):
        batch = keys[start : start + LOOKUP_BATCH]
        query = select(Event).where(Event.entity_id == entity_id, Event.key.in_(batch))
        found.update((event.key, event) for event in dbsession.scalars(query))
    return found


def _keyless_events(dbsession, entity_id, events, existing):
    """The events keyed by their start time (imported from a file without
    keys) that rows now giving a key take over: a season's file imported
    again with a key column is not a second season. Not those a row of the
    file still keys by its start time, nor rows whose key exists."""
    keys = {e.key for e in events}
    wanted = [e.keyless_key for e in events
              if e.keyless_key and e.key not in existing and e.keyless_key not in keys]
    return _events_by_key(dbsession, entity_id, wanted)


def _fields(scheduled):
    fields = dataclasses.asdict(scheduled)
    del fields["line"], fields["cancelled"], fields["keyless_key"]
    return fields


def _apply(event, scheduled):
    """Copy the scheduled values onto the event; True when something changed."""
    changed = False
    for name, value in _fields(scheduled).items():
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed = True
    return changed
