"""``schedule import --entity-id ID FILE``: an entity's events from .csv or .ics."""
from sqlalchemy import select

from ..models import READ_ONLY, Entity
from ..schemas.types import MAX_ID
from ..services.schedule import (
    ScheduleError,
    ScheduleFaults,
    import_events,
    parse_schedule,
    schedule_format,
)
from .base import CommandError, Outcome, ProgressLine

# A season is a few kilobytes, a thousand events some 50 kB: a larger file
# is another file (a disk image, /dev/zero), not to be read into memory whole.
MAX_FILE_BYTES = 64 * 2**20
# From this size (some 20,000 events) checking the file takes a second or
# more, and a line on stderr says what is going on.
LARGE_FILE_BYTES = 2**20
NO_ENTITY = "no entity with id {} (entity list shows every one)"


FILE_FORMATS = """\
A .csv file has a header row; fields separated by commas, or by semicolons
as Excel saves them where the comma is the decimal separator. Columns:
  name         required
  start_time   required; ISO 8601 with an offset or Z:
               2025-04-01T19:05:00-04:00, 2025-04-01T23:05:00Z
               (a week date with its day too: 2025-W14-2T23:05:00Z)
  description  optional
  date_tba     optional; true or false (blank: false)
  time_tba     optional; true or false (blank: false)
  key          optional; matches the event on the next import
               (without it, or blank, the key is the start time in UTC:
               a game moved to another time is then a new event;
               a file imported so, then with keys, updates its events)
  (no name)    ignored when every value under it is blank, as in the
               empty columns a spreadsheet saves
An .ics file: each VEVENT needs UID (its key), SUMMARY and DTSTART, with a
TZID or Z, or floating in the calendar's X-WR-TIMEZONE (an IANA name), or
an all-day date (time to be announced); DESCRIPTION is optional; recurring
events (RRULE, RDATE) are refused; one with STATUS:CANCELLED is not
imported (one imported before is left as it is).
The whole file (UTF-8, at most 64 MiB) is checked first: a fault anywhere
imports nothing, and every row or event at fault is named with its line
(the first 100)."""


def register(groups):
    commands = groups.add_group("schedule", help="an entity's schedule of events")
    import_parser = commands.add_command(
        "import",
        import_schedule,
        "create or update an entity's events from a .csv or .ics file "
        "(matched by key: importing again never duplicates)",
        epilog=FILE_FORMATS,
    )
    import_parser.add_argument(
        "--entity-id", type=int, required=True, metavar="ID",
        help="the entity's id, as entity create printed it (entity list shows every one)",
    )
    import_parser.add_argument("file", metavar="FILE", help="a .csv or .ics file")


def import_schedule(args, env):
    try:
        schedule_format(args.file)  # before reading: /dev/zero never ends
        with open(args.file, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except ScheduleError as exc:
        raise CommandError(f"{args.file}: {exc}; nothing was imported") from None
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {exc.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise CommandError(
            f"{args.file} is larger than {MAX_FILE_BYTES // 2**20} MiB, which no "
            "schedule is; nothing was imported"
        )
    entity_name = named_entity(env.dbsession, args.entity_id)
    # The whole file is checked before the first write: seconds for a large one.
    if len(data) >= LARGE_FILE_BYTES:
        print(f"Checking {args.file} ({len(data) / 2**20:.1f} MiB) before importing "
              "anything…", file=env.stderr, flush=True)
    try:
        events = parse_schedule(args.file, data)
    except ScheduleFaults as exc:
        at_fault = "events" if schedule_format(args.file) == "ics" else "rows"
        raise CommandError(
            f"{args.file}: {len(exc.errors)} {at_fault} at fault; nothing was imported:"
            + exc.listing()
        ) from None
    except ScheduleError as exc:
        raise CommandError(f"{args.file}: {exc}; nothing was imported") from None
    with ProgressLine(env.stderr, f"Importing into {entity_name}", "events") as progress:
        result = import_events(env.dbsession, args.entity_id, events, progress=progress)
    text = (
        f"{entity_name}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )
    if result.cancelled:
        text += (f" {result.cancelled} cancelled in the file (STATUS:CANCELLED) and not "
                 "imported; one imported before is left as it is.")
    return Outcome({"created": result.created, "updated": result.updated}, text)


def named_entity(dbsession, entity_id) -> str:
    """The entity's name, asked before the file is checked (seconds for a
    large one), in a read-only transaction ended at once: on SQLite a
    transaction that may write holds the write lock, and the server's
    writers would wait for the check."""
    # An id no record can have is not sent: SQLite's driver cannot bind it.
    if not 1 <= entity_id <= MAX_ID:
        raise CommandError(NO_ENTITY.format(entity_id))
    dbsession.connection(execution_options={READ_ONLY: True})
    name = dbsession.scalar(select(Entity.name).where(Entity.id == entity_id))
    dbsession.rollback()
    if name is None:
        raise CommandError(NO_ENTITY.format(entity_id))
    return name
