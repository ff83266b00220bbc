"""Alembic's entry point: migrations run against the app's own database.

The URL comes from the ini file's ``[app:main]`` settings, with the
``SEATSHARE_DATABASE_URL`` override applied exactly as the app applies it, so
``seatshare production.ini db upgrade`` and the running servers always agree
on which database they mean. Tests may hand over a connection instead
(``config.attributes["connection"]``) or set ``sqlalchemy.url`` on the config.
"""
from alembic import context, util
from pyramid.paster import get_appsettings, setup_logging

from seatshare.models import get_engine, metadata
from seatshare.settings import apply_environment

config = context.config


def database_settings():
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return {"sqlalchemy.url": url}
    if config.config_file_name is None:
        raise RuntimeError("alembic needs an ini file or sqlalchemy.url")
    setup_logging(config.config_file_name)
    return apply_environment(dict(get_appsettings(config.config_file_name)))


def configure(**kw):
    # SQLite cannot ALTER most things in place: batch mode copies the table.
    context.configure(
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        **kw,
    )


def run_migrations_offline():
    configure(url=database_settings()["sqlalchemy.url"], literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations_on(connection)
        return
    # A SQLite file that does not exist is created private (0600), however
    # the migrations are run: `seatshare CONFIG db upgrade` or alembic's own.
    engine = get_engine(database_settings(), creates=True)
    try:
        with engine.connect() as connection:
            run_migrations_on(connection)
    finally:
        engine.dispose()


def run_migrations_on(connection):
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        sqlite_foreign_keys(connection, "OFF")
    try:
        if sqlite:
            refuse_dangling_rows(connection)
        configure(connection=connection,
                  on_version_apply=check_foreign_keys if sqlite else ())
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:
            # Each migration committed its own transaction (or rolled it
            # back): what is left open only read. Foreign keys back on, for
            # a connection handed over goes on being used.
            if connection.in_transaction():
                connection.rollback()
            sqlite_foreign_keys(connection, "ON")


def sqlite_foreign_keys(connection, state):
    """SQLite copies a table to change it (batch mode) and drops the old
    one, which with foreign keys on runs every ON DELETE of the tables
    referring to it: CASCADE would delete their rows. The pragma is a no-op
    inside a transaction: set on the DBAPI connection, before the
    migrations' transaction begins (the app's connections turn it on).
    A connection handed over inside a transaction cannot: refused."""
    driver_connection = connection.connection.driver_connection
    driver_connection.execute(f"PRAGMA foreign_keys={state}")
    if driver_connection.execute("PRAGMA foreign_keys").fetchone()[0] != (state == "ON"):
        raise util.CommandError(f"cannot turn SQLite's foreign keys {state}: hand over a "
                                "connection outside a transaction")


def refuse_dangling_rows(connection):
    """Rows whose foreign keys dangle before any migration runs were
    written while SQLite did not enforce them (a connection without the
    pragma, a database older than SeatShare's engine): every migration's
    check below would refuse them, blaming itself. Said first, naming
    them, with nothing migrated."""
    broken = connection.connection.driver_connection.execute(
        "PRAGMA foreign_key_check").fetchall()
    if broken:
        raise util.CommandError(
            "the database has rows whose foreign keys dangle, written while SQLite did not "
            f"enforce them: {dangling(broken)}; nothing was migrated: delete those rows or "
            "fix their keys, then upgrade again")


def check_foreign_keys(ctx, step, **kw):
    """With foreign keys off, nothing checks them: run after each migration,
    inside its transaction (SQLite runs each in its own), so one that left
    a dangling reference rolls back, as it would have failed with them on."""
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise util.CommandError(f"after migration {step.up_revision_id}, rows whose foreign keys "
                                f"dangle: {dangling(broken)}; rolled back")


def dangling(broken, shown=20) -> str:
    """``PRAGMA foreign_key_check``'s rows (table, rowid, parent, key), in words."""
    text = ", ".join(f"{table} row {rowid} (no such {parent} row)"
                     for table, rowid, parent, _key in broken[:shown])
    return text + (f" and {len(broken) - shown} more" if len(broken) > shown else "")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
