"""The server refuses to start on a database never migrated, or migrated to
an older revision than its code's: started before ``db upgrade``, it would
answer the requests that need what the migrations add with 500s."""
import logging

# alembic sets up its plugins when first imported, one INFO line each: news
# to nobody reading a server's log, which imports it here once started.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

from alembic import util as alembic_util  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
from pyramid.exceptions import ConfigurationError  # noqa: E402
from sqlalchemy import inspect  # noqa: E402
from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

# Where the migrations live when an ini file has no [alembic] section.
SCRIPT_LOCATION = "seatshare:alembic"


def script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return ScriptDirectory.from_config(config)


def database_revision(connection) -> str | None:
    """The revision alembic recorded in the database (None: none), read
    without alembic's INFO lines about which kind of database it found,
    which would otherwise open every server's log and command's output."""
    migration_log = logging.getLogger("alembic.runtime.migration")
    level = migration_log.level
    migration_log.setLevel(logging.WARNING)
    try:
        return MigrationContext.configure(connection).get_current_revision()
    finally:
        migration_log.setLevel(level)


def knows(script: ScriptDirectory, revision: str) -> bool:
    """Whether ``revision`` is one of this code's migrations (not a newer
    release's)."""
    try:
        script.get_revision(revision)
    except alembic_util.CommandError:
        return False
    return True


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
    except SQLAlchemyError:
        return
    if empty:
        raise ConfigurationError(
            f"the database has no SeatShare tables yet: run `seatshare {config_file} db "
            "upgrade` before starting the server"
        )
    script = script_directory()
    head = script.get_current_head()
    if current is None or current == head:
        return
    if knows(script, current):
        raise ConfigurationError(
            f"the database is at revision {current}, this SeatShare needs {head}: run "
            f"`seatshare {config_file} db upgrade` before starting the server"
        )
