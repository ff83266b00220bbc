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
import threading
from functools import partial

from pyramid.exceptions import ConfigurationError
from sqlalchemy import event, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

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


def is_behind(revision: str | None) -> bool:
    """Whether a database at ``revision`` (None: none recorded) is behind
    this code: one of its migrations before its head."""
    return revision not in (None, head_revision()) and knows(revision)


def behind_code(revision: str) -> str:
    """The database is at ``revision``, a migration of this code's before its head."""
    return f"the database is at revision {revision}, this SeatShare needs {head_revision()}"


def migrated_by_newer(revision: str) -> str:
    """The database is at ``revision``, which this code does not know."""
    return (f"the database is at revision {revision}, which this SeatShare does not know "
            f"(its newest is {head_revision()}): a newer SeatShare migrated it")


REVISION_QUERY = text("SELECT version_num FROM alembic_version")
NO_TABLES = "the database has no SeatShare tables yet"


def database_revision(connection) -> str | None:
    """The revision alembic recorded in the database (None: none)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(REVISION_QUERY).scalar()


def revision_state(connection) -> tuple[str | None, bool]:
    """The database's revision (``database_revision``), and whether it has
    no SeatShare tables at all (never migrated). Asks the catalogue which
    tables exist rather than fail on a missing one: on PostgreSQL, that
    error would abort the transaction it ran in."""
    current = database_revision(connection)
    return current, current is None and not inspect(connection).has_table("users")


def is_missing_table(exc) -> bool:
    """A table the statement needs does not exist: a database never migrated.
    PostgreSQL says so with SQLSTATE 42P01 (undefined_table), SQLite in words."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) == "42P01" or str(orig).startswith("no such table")


def check_revision(engine, config_file: str, database: str = "the database") -> bool | None:
    """Raise when the database has no tables at all, or an older revision
    than this code's head. A database that does not answer now is left to
    the requests (503 until it is back); one with the tables but without
    alembic's (built from the models) or at a revision this code does not
    know (a newer release's, during a rolling deploy) starts, the latter
    with a warning.

    Returns whether the database records its revision (None: it did not
    answer), which ``/healthz`` goes on checking (``schema_behind``).
    ``database`` says which setting named it (``settings.database_named``)."""
    try:
        with engine.connect() as connection:
            current, empty = revision_state(connection)
    except SQLAlchemyError as exc:
        # Not a reason to refuse to start (the database may be down for a
        # moment), but the only sign an operator gets of a wrong host or
        # password before the requests' 503s.
        log.warning("could not check the database's revision at start: %s (%s); starting "
                    "anyway, /healthz checks it once it answers", first_line(exc), database)
        return None
    reason = cannot_serve(current, empty)
    if reason is not None:
        raise ConfigurationError(
            f"{reason}: run `seatshare {config_file} db upgrade` before starting the server")
    warn_if_newer(current, "starting")
    return current is not None


def cannot_serve(current: str | None, empty: bool) -> str | None:
    """Why this code cannot serve a database at revision ``current``
    (``empty``: without any SeatShare table), which ``db upgrade`` mends:
    it was never migrated, or its revision is behind the code's. None when
    it can, a newer release's revision included (``warn_if_newer``). The
    one judgement of the start (``check_revision``) and of ``/healthz``
    (``schema_behind``)."""
    if empty:
        return NO_TABLES
    if is_behind(current):
        return behind_code(current)
    return None


def warn_if_newer(current: str | None, doing: str) -> None:
    """A database a newer release migrated (a rollback of the code, a
    server forgotten in the upgrade) is served, as in a rolling deploy, but
    nothing else would tell the operator that requests may fail on what its
    migrations changed. ``doing``: "starting", or "serving" when it is
    first judged after the start."""
    if current is not None and not knows(current):
        log.warning("%s; %s anyway, but replace this server with the newer release: "
                    "what its migrations changed may fail here", migrated_by_newer(current), doing)


# The registry's key for whether the database records its revision: what
# ``check_revision`` found at start, or, when the database did not answer
# then (None), what the first request's session that connects finds
# (``judge_on_first_connection``).
RECORDS_REVISION = "seatshare.database_records_revision"
UPGRADE = "run `seatshare CONFIG_URI db upgrade`"
# Held while a request's session claims the judgement of a revision unknown
# until then: one request judges it, however many connect at once.
JUDGING = threading.Lock()


def judge_on_first_connection(dbsession, registry):
    """``dbsession``, which, while the database's revision is unknown (it did
    not answer at start), judges it when it first connects, whatever the
    request (``judge_revision``). Once it is known, nothing is added."""
    if registry.get(RECORDS_REVISION, False) is None:
        event.listen(dbsession, "after_begin", partial(judge_revision, registry), once=True)
    return dbsession


def judge_revision(registry, session, transaction, connection) -> None:
    """The database, unknown at start, judged as ``check_revision`` would
    have judged it, once: whether it records its revision is kept in the
    ``registry``, and a newer release's revision is logged
    (``warn_if_newer``), by the first request to claim it. A database
    without any SeatShare table is judged again on the next connection,
    until ``db upgrade`` has run (``schema_behind`` answers 503 meanwhile)."""
    current, empty = revision_state(connection)
    if empty:
        return
    with JUDGING:
        if registry.get(RECORDS_REVISION, False) is not None:
            return  # another request judged it first
        registry[RECORDS_REVISION] = current is not None
    warn_if_newer(current, "serving")


def schema_behind(dbsession, registry) -> dict | None:
    """Why the running code cannot serve this database, for ``/healthz``,
    in one statement: its revision is one of this code's migrations before
    its head (a database restored from an older backup, or one that did not
    answer when the server started, before ``db upgrade``). None when it
    can: at the head, or a newer release's revision (a rolling deploy
    upgraded it; this code's servers are still needed until they are
    replaced). A database that records no revision (built from the
    models, as the tests' and the benchmarks' are) is only asked SELECT 1.

    A database that did not answer at start is judged by the first request
    whose session connects once it does (``judge_on_first_connection``),
    this one's included: one without any SeatShare table is behind until
    ``db upgrade`` has run (judged again on each call until then).

    ``{"detail", "database_revision", "code_revision"}``."""
    dbsession.connection()  # judges a revision unknown until now
    records_revision = registry.get(RECORDS_REVISION, False)
    if records_revision is False:
        dbsession.execute(text("SELECT 1"))
        return None
    head = head_revision()
    if records_revision is None:
        return {"detail": f"{NO_TABLES}: {UPGRADE}", "database_revision": None,
                "code_revision": head}
    try:
        current = dbsession.execute(REVISION_QUERY).scalar()
    except (OperationalError, ProgrammingError) as exc:
        if not is_missing_table(exc):
            raise
        # alembic's table went away under the running server (another
        # database put in its place): judged again on the next connection.
        registry[RECORDS_REVISION] = None
        return {"detail": f"the database no longer records its revision: {UPGRADE}",
                "database_revision": None, "code_revision": head}
    reason = cannot_serve(current, False)
    if reason is None:
        return None
    return {"detail": f"{reason}: {UPGRADE}", "database_revision": current, "code_revision": head}
