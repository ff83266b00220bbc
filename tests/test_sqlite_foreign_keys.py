"""SQLite enforces foreign keys only on a connection that asks: the app's
and the command line's connections do (``models.engine._setup_sqlite``);
the migrations turn them off for their table copies and check them before
each commits (``alembic/env.py``, tests/test_migrations.py)."""
import io

import pytest
import sqlalchemy as sa

from seatshare.cli.base import Environment


def foreign_keys_on(connection) -> bool:
    return connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL always enforces foreign keys")


def test_the_apps_connections_enforce_foreign_keys(sqlite_only, engine):
    with engine.connect() as conn:
        assert foreign_keys_on(conn)
        conn.rollback()
        with pytest.raises(sa.exc.IntegrityError):
            with conn.begin():
                conn.exec_driver_sql(
                    "INSERT INTO memberships (group_id, user_id, role, created_at)"
                    " VALUES (999999, 999999, 'member', '2026-11-30 19:00:00')")


def test_the_command_lines_connections_enforce_foreign_keys(sqlite_only, database_url):
    env = Environment("site.ini", {"sqlalchemy.url": database_url}, io.StringIO())
    try:
        assert foreign_keys_on(env.dbsession.connection())
    finally:
        env.close()
