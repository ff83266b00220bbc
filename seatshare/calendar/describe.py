"""Events, seats and people in words: shared by the calendar feeds and the mail."""
import datetime
import zoneinfo

UTC = datetime.UTC
TIME_TBA = "time to be announced"


def person_name(user) -> str:
    """``Ana Lopez``; the address when the user gave no name."""
    return f"{user.first_name} {user.last_name}".strip() or user.email


def alias_name(alias) -> str:
    """``Carla Guest``: the person without an account a seat is for."""
    return f"{alias.first_name} {alias.last_name}".strip()


def seat_label(ticket) -> str:
    """``Section 101, Row A, Seat 5``, leaving out the blank parts."""
    parts = [
        f"{label} {value}"
        for label, value in (("Section", ticket.section), ("Row", ticket.row), ("Seat", ticket.seat))
        if value and value.strip()
    ]
    return ", ".join(parts) or "Seat not specified"


def user_zone(timezone_name: str) -> datetime.tzinfo:
    """The user's IANA zone; UTC when it is blank or unknown."""
    try:
        return zoneinfo.ZoneInfo(timezone_name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def local_start(event, zone: datetime.tzinfo) -> datetime.datetime:
    """The event's start (stored as naive UTC) in ``zone``."""
    return event.start_time.replace(tzinfo=UTC).astimezone(zone)


# The time ``schedule import`` (and the demo data) stores for an .ics
# all-day date, its time to be announced: noon UTC, which the API shows as
# its start_time. Such a placeholder means its UTC date, which no reader's
# zone may move (noon UTC is the next day from UTC+12, in New Zealand, and
# the day before at UTC-12).
ALL_DAY_TIME = datetime.time(12)


def event_day(event, zone: datetime.tzinfo) -> datetime.date:
    """The date of an event whose time is to be announced: an .ics all-day
    date's own date, else its placeholder's date in ``zone``."""
    if event.start_time.time() == ALL_DAY_TIME:
        return event.start_time.date()
    return local_start(event, zone).date()


def describe_when(event, timezone_name: str) -> str:
    """``Friday 10 April 2026 at 19:05 EDT``, in the reader's time zone."""
    if event.date_tba:
        return "Date to be announced"
    if event.time_tba:
        day = event_day(event, user_zone(timezone_name))
        return f"{day:%A} {day.day} {day:%B %Y}, {TIME_TBA}"
    start = local_start(event, user_zone(timezone_name))
    day = f"{start:%A} {start.day} {start:%B %Y}"
    return f"{day} at {start:%H:%M %Z}"
