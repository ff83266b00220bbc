"""An entity's schedule from a ``.csv`` or ``.ics`` file, upserted by key.

Parsing reads and checks the whole file before anything is written, so a
malformed file changes nothing; every complaint names the line it is about,
and every row (or event) at fault is named, not only the first: a fault in
the file's structure (its header, its quoting, its BEGIN/END) stops there.
Importing matches events by their key (a CSV ``key`` column, the event's
``start_time`` without one, or an iCalendar ``UID``), so importing the same
file again updates events in place and never duplicates them.

One part a module: ``scheduled`` (the parsed event, its faults, and the
checks both formats share), ``csv_file``, ``ics_file``, and ``upsert`` (the
database write). This module picks the parser by the file's name.
"""
import re

from .csv_file import CSV_OPTIONAL, CSV_REQUIRED, parse_csv
from .ics_file import parse_ics
from .scheduled import ScheduledEvent, ScheduleError, ScheduleFaults
from .upsert import ImportResult, import_events

__all__ = [
    "CSV_OPTIONAL", "CSV_REQUIRED", "ImportResult", "ScheduleError", "ScheduleFaults",
    "ScheduledEvent", "import_events", "parse_csv", "parse_ics", "parse_schedule",
    "schedule_format",
]


def parse_schedule(filename: str, data: bytes) -> list[ScheduledEvent]:
    """Every event of the file, or ScheduleError naming what is at fault."""
    file_format = schedule_format(filename)
    if file_format == "ics":
        data = _mended_folds(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Excel's plain "CSV" is in the Windows code page.
        hint = ' (in Excel, save it as "CSV UTF-8")' if file_format == "csv" else ""
        raise ScheduleError(line, f"the file is not UTF-8 text{hint}") from None
    return parse_csv(text) if file_format == "csv" else parse_ics(text)


# A line folded inside a UTF-8 character: the fold (CRLF or LF, then a space
# or tab), then the character's continuation bytes.
_FOLD_INSIDE_A_CHARACTER = re.compile(rb"(\r?\n[ \t])([\x80-\xbf]+)")


def _mended_folds(data: bytes) -> bytes:
    """RFC 5545 §3.1: a simple exporter may fold a line in the middle of a
    UTF-8 character, and a reader must restore it. The continuation bytes
    move before the fold, so the file decodes and keeps its line numbers."""
    return _FOLD_INSIDE_A_CHARACTER.sub(rb"\2\1", data)


def schedule_format(filename: str) -> str:
    """``"csv"`` or ``"ics"``, from the file's name; else ScheduleError."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in ("csv", "ics"):
        raise ScheduleError(None, "the schedule must be a .csv or .ics file")
    return suffix
