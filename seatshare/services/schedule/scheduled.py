"""What parsing a schedule yields: a ``ScheduledEvent`` per row or VEVENT,
or the ``ScheduleError`` naming the line at fault; and the checks of a
name, a key, a text and a time that both file formats make."""
import dataclasses
import datetime

from ... import text

MAX_NAME_LENGTH = 255
MAX_KEY_LENGTH = 255
# The control characters a name or key (TAB) or a description may contain.
TAB = "\t"
MULTILINE = "\t\r\n"
# Characters of a value that an error message quotes.
SHOWN_LENGTH = 40
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


def checked_events(parsed):
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
                f"key {shown(event.key)} is already used on line {first_line[event.key]}",
            ))
        else:
            first_line[event.key] = event.line
    _raise_faults(errors)
    return events


def event_or_error(make, *args):
    """``make(*args)``, or the ScheduleError that refuses the row."""
    try:
        return make(*args)
    except ScheduleError as error:
        return error


def shown(value, limit=SHOWN_LENGTH):
    """A value quoted in a message: cut short, so that a huge one does not
    flood the operator's terminal."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"


def checked_name(line, name):
    """The event's name, trimmed as an API name is (``seatshare.text``)."""
    return _checked(line, name, MAX_NAME_LENGTH, "name")


def checked_key(line, key):
    """The event's key, trimmed so (a CSV's "k1\u200b" is "k1")."""
    return _checked(line, key, MAX_KEY_LENGTH, "key")


def _checked(line, value, max_length, field):
    try:
        return text.checked_name(value, max_length, field, allowed=TAB)
    except ValueError as error:
        raise ScheduleError(line, str(error)) from None


def checked_text(line, field, value, allowed=TAB):
    """Trimmed as a name is (``seatshare.text``: U+200B, U+FEFF, … too),
    and without control characters (PostgreSQL refuses NUL)."""
    value = text.trimmed(value)
    if text.has_control_characters(value, allowed):
        raise ScheduleError(line, f"the {field} contains control characters")
    return value


def naive_utc(line, moment):
    """In UTC, without tzinfo (an .ics time has no fraction; a CSV's is
    dropped from the stored time, ``csv_file._csv_event``)."""
    try:
        return moment.astimezone(datetime.UTC).replace(tzinfo=None)
    except OverflowError:
        raise ScheduleError(line, f"{moment.isoformat()} is out of range") from None
