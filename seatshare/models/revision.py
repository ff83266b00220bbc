"""The server refuses to start on a database never migrated, or migrated to
an older revision than its code's: started before ``db upgrade``, it would
answer the requests that need what the migrations add with 500s.

Without alembic: the server reads the migrations' own header lines and the
database's ``alembic_version`` row itself. Importing alembic for this one
check at start kept some 11 MB of its modules in every server process for
good (the benchmark's memory target is 150 MB).
"""
import functools
import logging
import pathlib
import re

from pyramid.exceptions import ConfigurationError
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from .engine import first_line

log = logging.getLogger(__name__)

# Where the migrations live when an ini file has no [alembic] section.
SCRIPT_LOCATION = "seatshare:alembic"
VERSIONS = pathlib.Path(__file__).resolve().parent.parent / "alembic" / "versions"
# A migration's identifiers, as alembic writes them at the top of its file.
HEADER_LINE = re.compile(r"""^(revision|down_revision) = (?:'([^']*)'|"([^"]*)"|None)\s*$""",
                         re.MULTILINE)


@functools.cache
def migrations() -> tuple[frozenset, str]:
    """This code's revisions, and its head: the one no other revises
    (tests/test_migrations.py checks there is one, and that alembic agrees)."""
    revisions, revised = set(), set()
    for path in VERSIONS.glob("*.py"):
        header = {m.group(1): m.group(2) or m.group(3) for m in
                  HEADER_LINE.finditer(path.read_text(encoding="utf-8"))}
        revisions.add(header["revision"])
        if header.get("down_revision"):
            revised.add(header["down_revision"])
    (head,) = revisions - revised
    return frozenset(revisions), head


def head_revision() -> str:
    return migrations()[1]


def knows(revision: str) -> bool:
    """Whether ``revision`` is one of this code's migrations (not a newer
    release's)."""
    return revision in migrations()[0]


def behind_code(revision: str) -> str:
    """The database is at ``revision``, a migration of this code's before its head."""
    return f"the database is at revision {revision}, this SeatShare needs {head_revision()}"


def migrated_by_newer(revision: str) -> str:
    """The database is at ``revision``, which this code does not know."""
    return (f"the database is at revision {revision}, which this SeatShare does not know "
            f"(its newest is {head_revision()}): a newer SeatShare migrated it")


def database_revision(connection) -> str | None:
    """The revision alembic recorded in the database (None: none)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_revision(engine, config_file: str) -> None:
    """Raise when the database has no tables at all, or an older revision
    than this code's head. A database that does not answer now is left to
    the requests (503 until it is back); one with the tables but without
    alembic's (built from the models) or at a revision this code does not
    know (a newer release's, during a rolling deploy) starts."""
    try:
        with engine.connect() as connection:
            current = database_revision(connection)
            empty = current is None and not inspect(connection).has_table("users")
    except SQLAlchemyError as exc:
        # Not a reason to refuse to start (the database may be down for a
        # moment), but the only sign an operator gets of a wrong host or
        # password before the requests' 503s.
        log.warning("could not check the database's revision at start: %s", first_line(exc))
        return
    if empty:
        raise ConfigurationError(
            f"the database has no SeatShare tables yet: run `seatshare {config_file} db "
            "upgrade` before starting the server"
        )
    if current is None or current == head_revision():
        return
    if knows(current):
        raise ConfigurationError(
            f"{behind_code(current)}: run `seatshare {config_file} db upgrade` before "
            "starting the server"
        )
