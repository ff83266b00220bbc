"""How API reads and writes meet the database, against a real engine (the
other tests bind requests to their own rolled-back connection instead).

An API GET never writes: on SQLite its transaction begins DEFERRED, so reads
never wait for the write lock; on PostgreSQL it runs in autocommit, with no
BEGIN or ROLLBACK round trip, and psycopg keeps its prepared statements (a
ROLLBACK would drop them). Every other request is one transaction.
"""
import contextlib

import pytest
import sqlalchemy as sa
import transaction
from webtest import TestApp

from seatshare import main
from seatshare.models import User, get_tm_session, meta, read_only_bind
from tests import factories
from tests.conftest import create_database, make_settings


@contextlib.contextmanager
def app_on_new_database(backend, tmp_path, **settings):
    url, drop = create_database(backend, str(tmp_path))
    engine = sa.create_engine(url)
    meta.metadata.create_all(engine)
    engine.dispose()
    wsgi = main({}, **make_settings(url, **settings))
    try:
        yield wsgi
    finally:
        wsgi.registry["dbengine"].dispose()
        drop()


def committed_token_headers(wsgi):
    """The bearer header of a new user Ada's token, committed."""
    with factories.committed(wsgi.registry["dbengine"]):
        user = factories.make_user(first_name="Ada")
        _, token = factories.make_token(user=user)
    return {"Authorization": f"Bearer {token}"}


def prepared_statements_after_reads(wsgi, headers):
    """The statements PostgreSQL holds prepared after six identical reads
    (psycopg prepares on the fifth use; serial requests share the pool's one
    connection)."""
    testapp = TestApp(wsgi)
    for _ in range(6):
        testapp.get("/api/v1/users/me", headers=headers)
    with wsgi.registry["dbengine"].connect() as connection:
        return connection.exec_driver_sql(
            "SELECT statement FROM pg_prepared_statements").scalars().all()


@pytest.fixture
def real_app(backend, tmp_path):
    with app_on_new_database(backend, tmp_path) as wsgi:
        yield wsgi


@pytest.fixture
def token_headers(real_app):
    return committed_token_headers(real_app)


@pytest.fixture
def statements(real_app):
    """Each statement the app sends: (SQL, whether the DBAPI connection is in
    autocommit)."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        dbapi = conn.connection.dbapi_connection
        autocommit = getattr(dbapi, "autocommit", None)
        seen.append((statement.strip(), autocommit))

    engine = real_app.registry["dbengine"]
    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def test_api_read_never_takes_a_write_transaction(backend, real_app, token_headers, statements):
    testapp = TestApp(real_app)
    assert testapp.get("/api/v1/users/me", headers=token_headers).json["first_name"] == "Ada"
    assert statements, "the read made no statement"
    if backend == "postgresql":
        assert all(autocommit for _, autocommit in statements), statements
    else:
        begins = [sql for sql, _ in statements if sql.startswith("BEGIN")]
        assert begins == ["BEGIN DEFERRED"]


def test_api_write_is_one_transaction(backend, real_app, token_headers, statements):
    testapp = TestApp(real_app)
    testapp.put_json("/api/v1/users/me", {"first_name": "Grace"}, headers=token_headers)
    assert any(sql.startswith("UPDATE users") for sql, _ in statements)
    if backend == "postgresql":
        assert not any(autocommit for _, autocommit in statements), statements
    else:
        begins = [sql for sql, _ in statements if sql.startswith("BEGIN")]
        assert begins == ["BEGIN IMMEDIATE"]
    # Committed: a new read sees it.
    assert testapp.get("/api/v1/users/me", headers=token_headers).json["first_name"] == "Grace"


def test_postgresql_reads_keep_their_prepared_statements(backend, real_app, token_headers):
    if backend != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    prepared = prepared_statements_after_reads(real_app, token_headers)
    assert any("FROM oauth_tokens" in sql for sql in prepared), prepared


def test_prepared_statements_can_be_turned_off(backend, tmp_path):
    """For a pooler that cannot keep them (PgBouncer in transaction mode)."""
    if backend != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    settings = {"seatshare.db_prepared_statements": "false"}
    with app_on_new_database(backend, tmp_path, **settings) as wsgi:
        assert prepared_statements_after_reads(wsgi, committed_token_headers(wsgi)) == []


def test_a_migration_that_changes_a_result_type_does_not_break_reads(
    backend, real_app, token_headers
):
    """PostgreSQL refuses a prepared statement whose result type a migration
    changed ("cached plan must not change result type"), on every use. Reads
    never roll back, so nothing else would drop it: the server must, and
    answer the request anyway."""
    if backend != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    testapp = TestApp(real_app)
    for _ in range(6):  # psycopg prepares on the fifth use
        testapp.get("/api/v1/users/me", headers=token_headers)
    # As a running server meets `seatshare db upgrade`: another connection
    # changes the type of a column the prepared statements return. (Not one
    # of the app's pool: its return to the pool would roll back, which drops
    # the prepared statements this test is about.)
    url = real_app.registry["dbengine"].url.render_as_string(hide_password=False)
    other = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with other.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE users ALTER COLUMN first_name TYPE text")
    other.dispose()
    assert testapp.get("/api/v1/users/me", headers=token_headers).json["first_name"] == "Ada"
    response = testapp.put_json("/api/v1/users/me", {"first_name": "Grace"},
                                headers=token_headers)
    assert response.json["first_name"] == "Grace"
    assert testapp.get("/api/v1/users/me", headers=token_headers).json["first_name"] == "Grace"


@pytest.fixture
def read_only_session(session_factory):
    """A session as an API GET gets it (``request.dbsession``)."""
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    session = get_tm_session(session_factory, manager, read_only=True)
    yield session
    manager.abort()


def test_a_read_only_request_cannot_write_through_the_orm(dbsession, read_only_session):
    user = factories.make_user(first_name="Ada")
    found = read_only_session.get(User, user.id)
    found.first_name = "Grace"
    with pytest.raises(RuntimeError, match="read-only request tried to write"):
        read_only_session.flush()


def test_a_read_in_autocommit_cannot_write_through_core(backend, real_app, token_headers):
    """On PostgreSQL an API read runs in autocommit, where a write would
    commit at once (and a retried request would make it twice): the read's
    engine refuses one; the engine of requests that may write does not."""
    if backend != "postgresql":
        pytest.skip("SQLite reads are transactions")
    engine = real_app.registry["dbengine"]
    update = sa.update(User).where(User.first_name == "Ada").values(first_name="Grace")
    with read_only_bind(engine).connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(User)).scalar() == 1
        with pytest.raises(RuntimeError, match="read-only request tried to write"):
            connection.execute(update)
    with engine.begin() as connection:
        assert connection.execute(update).rowcount == 1


def test_a_request_that_may_write_writes_through_core(dbsession, session_factory):
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    session = get_tm_session(session_factory, manager)
    user = factories.make_user(first_name="Ada")
    session.connection().execute(
        sa.update(User).where(User.id == user.id).values(first_name="Grace"))
    assert session.scalar(sa.select(User.first_name).where(User.id == user.id)) == "Grace"
    manager.abort()
