"""A schedule's ``.csv`` file: a header row naming the columns, then one
event a row; every row at fault is named with its line."""
import csv
import datetime
import io
import re

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
from ...text import is_blank

CSV_REQUIRED = ("name", "start_time")
CSV_OPTIONAL = ("description", "date_tba", "time_tba", "key")
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", ""})
# Between the date and the time of a start time, as RFC 3339 allows them.
DATE_TIME_SEPARATORS = frozenset("Tt ")
# The date of a start time: a whole calendar date (2025-04-01, 20250401) or
# week date (2025-W14-2, 2025W142), as ISO 8601 lets a time follow one. The
# first digit after it is the time's, never the date's: Python's own reading
# guesses where a week date ends, and took 2025W14219:05Z for 2025-W14 with
# "2" between date and time.
ISO_DATE = re.compile(r"\d{4}(?:-\d{2}-\d{2}|\d{4}|-W\d{2}-\d|W\d{3})")
# A week without its day, which ISO 8601 does not let a time follow.
ISO_WEEK_WITHOUT_DAY = re.compile(r"\d{4}-?W\d{2}(?![\d-])")


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
            parsed.append(event_or_error(_csv_event, line, columns, row))
    except csv.Error as exc:
        # The rows after it cannot be told apart: name it, and those before.
        parsed.append(_csv_fault(exc, reader, next_line))
    return checked_events(parsed)


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
                1, f"unknown column {shown(name)} (known: {', '.join(known)})"
            )
        if columns.count(name) > 1:
            raise ScheduleError(1, f"column {shown(name)} appears twice")
    for name in CSV_REQUIRED:
        if name not in columns:
            raise ScheduleError(1, f"the header has no {name!r} column")
    return columns


def _csv_values(line, columns, row):
    """The row's values by column name; none in a column without one."""
    for number, (name, value) in enumerate(zip(columns, row), 1):
        if not name and value.strip():
            raise ScheduleError(
                line, f"{shown(value.strip())} is in column {number}, which the header "
                "does not name"
            )
    return {name: value for name, value in zip(columns, row) if name}


def _csv_event(line, columns, row):
    values = _csv_values(line, columns, row)
    exact = _parse_start_time(line, values["start_time"])
    # Without a key, the start time as written, to the fraction: the key an
    # earlier import gave it, so importing the file again updates it.
    keyless_key = exact.isoformat() + "Z"
    written_key = values.get("key", "")
    key = keyless_key if is_blank(written_key) else checked_key(line, written_key)
    return ScheduledEvent(
        line=line,
        key=key,
        keyless_key=keyless_key if key != keyless_key else None,
        name=checked_name(line, values["name"]),
        # To the second: the API shows whole seconds, and a fraction it does
        # not show would still order events and decide ``?show=``.
        start_time=exact.replace(microsecond=0),
        description=checked_text(
            line, "description", values.get("description", ""), MULTILINE
        ),
        date_tba=_parse_bool(line, "date_tba", values.get("date_tba", "")),
        time_tba=_parse_bool(line, "time_tba", values.get("time_tba", "")),
    )


def _parse_start_time(line, value):
    value = value.strip()
    # RFC 3339 allows a lower-case t and z, which Python refuses.
    date_part = ISO_DATE.match(value.upper())
    if date_part is None:
        raise ScheduleError(line, _not_a_date_and_time(value))
    try:
        day = datetime.date.fromisoformat(date_part.group())
    except ValueError:
        raise ScheduleError(line, _not_a_date_and_time(value)) from None
    date_length = date_part.end()
    if date_length == len(value):
        # Python reads a date alone as its midnight, which nobody meant.
        raise ScheduleError(
            line,
            f"start_time {shown(value)} is a date without a time: give the time and "
            "its offset (e.g. 2025-04-01T19:05:00-04:00), and time_tba true when the "
            "time is not known yet",
        )
    separator = value[date_length]
    if separator.isdigit():
        raise ScheduleError(
            line,
            f"start_time {shown(value)} has nothing between its date "
            f"{value[:date_length]} and its time: put T between them "
            "(e.g. 2025-04-01T19:05:00-04:00)",
        )
    if separator not in DATE_TIME_SEPARATORS:
        # Python takes any one character there; RFC 3339 only T (or t, or a
        # space by its note), and a stray one is more likely a typo.
        raise ScheduleError(
            line,
            f"start_time {shown(value)} separates its date and time with "
            f"{shown(separator)}: use T (e.g. 2025-04-01T19:05:00-04:00)",
        )
    try:
        time = datetime.time.fromisoformat(value[date_length + 1:].upper())
    except ValueError:
        raise ScheduleError(line, _not_a_date_and_time(value)) from None
    if time.tzinfo is None:
        raise ScheduleError(
            line,
            f"start_time {shown(value)} needs an offset or Z "
            "(e.g. 2025-04-01T19:05:00-04:00)",
        )
    return naive_utc(line, datetime.datetime.combine(day, time))


def _not_a_date_and_time(value):
    """Why ``value`` has no date that a time may follow."""
    week = ISO_WEEK_WITHOUT_DAY.match(value.upper())
    if week is not None:
        # Python reads it as the week's Monday, which nobody meant either.
        monday = week.group() + ("-1" if "-" in week.group() else "1")
        return (f"start_time {shown(value)} names the week {week.group()} without its "
                f"day: add the day of the week, 1 (Monday) to 7, as in {monday} "
                "(or write the calendar date)")
    return f"start_time {shown(value)} is not an ISO 8601 date and time"


def _parse_bool(line, field, value):
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ScheduleError(line, f"{field} {shown(value)} is not true or false")
