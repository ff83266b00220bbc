"""``db upgrade`` (alembic to head) and ``db demo`` (the demo data set)."""
from alembic import command
from alembic import util as alembic_util
from alembic.config import Config
from sqlalchemy.exc import SQLAlchemyError

from ..models import READ_ONLY
from ..models.revision import (
    SCRIPT_LOCATION,
    behind_code,
    database_revision,
    head_revision,
    is_behind,
    knows,
    migrated_by_newer,
)
from ..oauth.applications import register_application
from ..passwords import password_problem, passwords_from_settings
from ..services import demo
from .base import CommandError, Interrupted, Outcome


def register(groups):
    commands = groups.add_group("db", help="the database: migrations, demo data")
    commands.add_command("upgrade", upgrade, "migrate the database to the newest schema")
    demo_parser = commands.add_command(
        "demo", load_demo, "load the demo data set into an empty database"
    )
    demo_parser.add_argument(
        "--password", help="the demo users' password, never printed back "
             "(default: a random one, printed)"
    )


def alembic_config(env) -> Config:
    # alembic's env.py reads the same ini file (and SEATSHARE_DATABASE_URL).
    config = Config(env.config_file)
    # Asked of the parsed file: alembic's get_main_option raises without
    # an [alembic] section; set_main_option adds one.
    if not config.file_config.get(
        config.config_ini_section, "script_location", fallback=None
    ):
        config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def upgrade(args, env):
    # First, so that a missing or unusable sqlalchemy.url is a one-line error.
    dbsession = env.dbsession
    config = alembic_config(env)
    previous = current_revision(dbsession)
    dbsession.rollback()  # the read ends before the migrations begin
    if previous == head_revision():
        # Nothing to run: not even alembic's checks before a migration
        # (on SQLite, every foreign key of every row), which `make run`
        # would pay at each start.
        return Outcome({"revision": previous, "previous": previous},
                       f"The database is at revision {previous} (head).")
    try:
        command.upgrade(config, "head")
    except KeyboardInterrupt:
        # alembic commits each migration (on PostgreSQL, the whole upgrade) itself.
        head = head_revision()
        raise Interrupted(
            f"interrupted; the database is at revision {current_revision(dbsession) or 'none'} "
            f"(head: {head}), each migration whole or not at all: "
            f"run `seatshare {env.config_uri} db upgrade` again to finish"
        ) from None
    except alembic_util.CommandError as exc:
        if previous is not None and not knows(previous):
            raise CommandError(migrated_by_newer(previous)
                               + "; run that version, not this one") from None
        # A migration refused (env.py's foreign key check): it rolled back.
        raise CommandError(f"the upgrade stopped: {exc}") from None
    revision = current_revision(dbsession)
    record = {"revision": revision, "previous": previous}
    if previous == revision:
        return Outcome(record, f"The database is at revision {revision} (head).")
    start = f"revision {previous}" if previous else "an empty schema"
    return Outcome(record, f"Migrated the database from {start} to {revision} (head).")


def schema_mismatch(env) -> str | None:
    """Why a command's SQL may have failed, asked after it did: the database
    is at another revision than the code's head. Behind it, a migration was
    not run (``db upgrade``); at a revision this code does not know, a newer
    SeatShare migrated it, and ``db upgrade`` cannot help. None when they
    agree, when the database was never migrated by alembic, or when it does
    not answer."""
    try:
        env.dbsession.rollback()
        current = current_revision(env.dbsession)
    except SQLAlchemyError:
        return None
    if is_behind(current):
        return f"{behind_code(current)}: run: seatshare {env.config_uri} db upgrade"
    if current in (None, head_revision()):
        return None
    return migrated_by_newer(current)


def current_revision(dbsession):
    # Read-only: on SQLite a transaction that may write begins IMMEDIATE and
    # waits for the write lock, which after Ctrl-C another process may still
    # hold (waiting for it is what the upgrade was doing); a reader does not.
    return database_revision(dbsession.connection(execution_options={READ_ONLY: True}))


def load_demo(args, env):
    # The demo users sign in with it: the sign-up page's rules apply.
    problem = args.password is not None and password_problem(args.password)
    if problem:
        raise CommandError(f"--password: {problem}")
    summary = demo.load(
        env.dbsession,
        passwords_from_settings(env.settings),
        password=args.password,
        register_application=register_application,
        progress=lambda line: print(line, file=env.stderr, flush=True),
    )
    if summary is None:
        return Outcome(
            {"loaded": False, "reason": "the database already has users"},
            "The database already has users: demo data not loaded.",
        )
    return Outcome({"loaded": True, **summary}, demo.describe(summary))
