"""Fixtures in the style of warehouse and the Pyramid cookiecutter.

* The suite runs on SQLite; with ``SEATSHARE_TEST_DATABASE_URL`` set it runs
  again, whole, on a throwaway PostgreSQL database created for the run.
* Each test runs inside one outer transaction that is rolled back at the end.
  Requests get their own session on that connection, joined through a
  SAVEPOINT, so pyramid_tm commits and aborts exactly as in production while
  nothing outlives the test.
* ``query_counter`` counts the SQL statements a request makes.
"""
import os
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker
from webtest import TestApp

from seatshare import main
from seatshare.errors.views import OUTAGE_REPEATS
from seatshare.models import meta
from seatshare.models.engine import create_sqlite_file
from seatshare.views.health import LAST_503

from . import factories

HERE = os.path.dirname(__file__)
PG_ENV = "SEATSHARE_TEST_DATABASE_URL"


def _backends():
    backends = ["sqlite"]
    if os.environ.get(PG_ENV):
        backends.append("postgresql")
    return backends


def pytest_configure(config):
    config.addinivalue_line("markers", "live: serves the app on a loopback port")
    config.addinivalue_line("markers", "postgresql_only: needs PostgreSQL")
    config.addinivalue_line("markers", "slow: long-running; run by make fuzz / CI")


def _pg_url(name=None):
    """The PostgreSQL URL from the environment, with the psycopg 3 driver."""
    url = sa.engine.make_url(os.environ[PG_ENV])
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if name:
        url = url.set(database=name)
    return url


# A test database on PostgreSQL sorts text as production clusters usually do
# (initdb takes the host's locale, en_US.UTF-8 say), not as the C locale of
# a container's cluster, where an order that depends on the collation would
# agree with SQLite's by chance.
PG_LINGUISTIC_COLLATION = (
    "TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
)


def create_database(backend, tmp_dir):
    """A fresh, empty database URL for ``backend`` (and a function that drops it)."""
    if backend == "sqlite":
        path = os.path.join(tmp_dir, f"test-{uuid.uuid4().hex[:8]}.sqlite")
        create_sqlite_file(path)  # empty, as PostgreSQL's new database: the server
        return f"sqlite:///{path}", lambda: None  # refuses a file that does not exist
    name = f"seatshare_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(_pg_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        try:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" {PG_LINGUISTIC_COLLATION}')
        except sa.exc.DBAPIError:
            # A server without ICU (or older than PostgreSQL 15): its own.
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            )
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()

    return _pg_url(name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session", params=_backends())
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory):
    url, drop = create_database(backend, str(tmp_path_factory.mktemp("db")))
    engine = sa.create_engine(url)
    meta.metadata.create_all(engine)
    engine.dispose()
    yield url
    drop()


def make_settings(database_url, **overrides):
    settings = {
        "sqlalchemy.url": database_url,
        "seatshare.session_secret": factories.SESSION_SECRET,
        "seatshare.calendar_secret": "test-calendar-secret",
        "mail.default_sender": "SeatShare <no-reply@seatshare.invalid>",
        "mail.mailer": "testing",
        "testing": "true",
        "seatshare.password_hash_fast": "true",
    }
    settings.update(overrides)
    return settings


@pytest.fixture(scope="session")
def app_settings(database_url):
    return make_settings(database_url)


@pytest.fixture(scope="session")
def app(app_settings):
    return main({}, **app_settings)


@pytest.fixture(scope="session")
def engine(app):
    return app.registry["dbengine"]


@pytest.fixture
def connection(engine):
    """One connection and one outer transaction per test, rolled back after it."""
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection):
    return sessionmaker(
        bind=connection,
        expire_on_commit=False,
        join_transaction_mode="create_savepoint",
    )


@pytest.fixture
def dbsession(session_factory):
    """The test's own session: factories flush through it; requests see its rows."""
    session = session_factory()
    factories.bind(session)
    yield session
    factories.bind(None)
    session.close()


@pytest.fixture
def testapp(app, session_factory, dbsession, monkeypatch):
    """A webtest TestApp whose requests run on the test's connection.

    Each request gets a fresh session bound to the connection in a SAVEPOINT,
    registered with the request's transaction manager as in production.
    """
    monkeypatch.setitem(app.registry, "dbsession_factory", session_factory)
    # What the session's app remembers of the log lines it sent (sent once
    # a minute, or when a state changes): each test starts with none sent.
    for key in (OUTAGE_REPEATS, LAST_503):
        monkeypatch.delitem(app.registry, key, raising=False)
    testapp = TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    yield testapp
    dbsession.expire_all()


@pytest.fixture(scope="module")
def configured_app(request, app_settings):
    """An app with the test module's ``APP_OVERRIDES`` to the test settings."""
    app = main({}, **{**app_settings, **request.module.APP_OVERRIDES})
    yield app
    app.registry["dbengine"].dispose()


@pytest.fixture
def make_client(configured_app, session_factory, dbsession, monkeypatch):
    """``make_client(app=configured_app, **environ)``: a TestApp on
    ``configured_app`` (or a middleware around it) whose requests run on the
    test's connection, as ``testapp``'s do."""
    monkeypatch.setitem(configured_app.registry, "dbsession_factory", session_factory)

    def make_client(app=configured_app, **environ):
        return TestApp(app, extra_environ={"HTTP_HOST": "example.com", **environ})

    return make_client


class QueryCounter:
    """Counts the SQL statements sent, leaving out savepoint bookkeeping."""

    IGNORED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")

    def __init__(self):
        self.statements = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(self.IGNORED):
            self.statements.append(statement)

    @property
    def count(self):
        return len(self.statements)

    def reset(self):
        self.statements.clear()


@pytest.fixture
def query_counter(engine):
    counter = QueryCounter()
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture
def auth_headers(dbsession):
    """``auth_headers(user, scopes="read write")``: a live bearer token's header."""

    def make(user, scopes="read write", **kw):
        token, value = factories.make_token(user=user, scopes=scopes, **kw)
        return {"Authorization": f"Bearer {value}"}

    return make


@pytest.fixture
def outbox(app):
    """The mail committed during this test (``mail.mailer = testing``), in order.

    Each item has ``.to``, ``.subject``, ``.body`` and ``.message``.
    """
    from seatshare.mail import outbox as mail_outbox

    sent = mail_outbox(app.registry)
    sent.clear()
    yield sent
    sent.clear()


def record_revision(url, revision):
    """The database records ``revision`` as its own: alembic's table, made
    when missing."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS alembic_version "
                                 "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
            conn.exec_driver_sql("DELETE FROM alembic_version")
            conn.execute(sa.text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
    finally:
        engine.dispose()
