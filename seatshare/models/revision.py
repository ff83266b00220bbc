"""The server refuses to start on a database never migrated, or migrated to
an older revision than its code's: started before ``db upgrade``, it would
answer the requests that need what the migrations add with 500s."""
from alembic import util as alembic_util
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pyramid.exceptions import ConfigurationError
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

# Where the migrations live when an ini file has no [alembic] section.
SCRIPT_LOCATION = "seatshare:alembic"


def script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return ScriptDirectory.from_config(config)


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
            current = MigrationContext.configure(connection).get_current_revision()
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
