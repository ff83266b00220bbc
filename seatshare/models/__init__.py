"""Database plumbing: the engine, the session factory and ``request.dbsession``.

Importing this package imports every model so that ``meta.metadata`` is
complete for alembic and for the tests.
"""
import logging

import pyramid_retry
from zope.sqlalchemy.datamanager import ZopeTransactionEvents
from sqlalchemy import engine_from_config, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError
from sqlalchemy.orm import Session, configure_mappers, sessionmaker
from sqlalchemy.sql.expression import UpdateBase

from ..paths import never_writes
from ..settings import DEFAULTS, as_bool, seconds
from .entity import Entity, Event  # noqa: F401
from .group import Group, GroupInvitation, GroupRemoval, Membership, Role  # noqa: F401
from .meta import Base, by_code_point, metadata, utcnow  # noqa: F401
from .oauth import (  # noqa: F401
    Application,
    Approval,
    AuthorizationCode,
    SignInAttempt,
    Token,
)
from .ticket import (  # noqa: F401
    HistoryAction,
    RequestStatus,
    Ticket,
    TicketHistory,
    TicketRequest,
)
from .user import User, UserAlias  # noqa: F401

configure_mappers()

log = logging.getLogger(__name__)

# Execution option of a session whose transaction never writes.
READ_ONLY = "seatshare_read_only"

def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _setup_sqlite(engine, busy_timeout_ms=30000):
    """Make SQLite behave like a server database (and PostgreSQL) under
    concurrent writers.

    lower() as PostgreSQL's, foreign keys on, WAL so readers never block the
    writer, a busy timeout so a writer waits for the lock instead of failing,
    and BEGIN IMMEDIATE so a transaction takes the write lock up front: two
    transactions that read and then write cannot deadlock on the upgrade from
    a shared lock.
    """
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not pysqlite, emit BEGIN.
        dbapi_connection.isolation_level = None
        # SQLite's own lower() changes only A-Z: "élan" would not find
        # "Élan". Python's is PostgreSQL's (on a UTF-8 database) but for a
        # few letters ("İ", a final "Σ"): lower both sides in SQL.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN DEFERRED")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


READ_ONLY_WRITE = "a read-only request tried to write to the database"


@event.listens_for(Session, "before_flush")
def _refuse_read_only_writes(session, flush_context, instances):
    """A read-only session must not write: on SQLite its DEFERRED transaction
    could fail with "database is locked" instead of waiting for the lock, and
    on PostgreSQL, in autocommit, each write would commit on its own."""
    if not session.execution_options.get(READ_ONLY):
        return
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        raise RuntimeError(READ_ONLY_WRITE)


def _refuse_autocommit_writes(conn, clauseelement, multiparams, params, options):
    """The same, on PostgreSQL, for an INSERT, UPDATE or DELETE sent through
    Core (on ``dbsession.connection()``), which no flush sees: in autocommit
    it would commit at once, whatever the request did next, and a retried
    request would make it twice."""
    if isinstance(clauseelement, UpdateBase):
        raise RuntimeError(READ_ONLY_WRITE)


# zope.sqlalchemy's listeners, registered once on the Session class: each
# session's own ``ZopeTransactionEvents`` (its request's transaction manager)
# is in its ``info``. zope.sqlalchemy.register(session) would add seven event
# listeners to every request's session, which costs more than the lookups.
ZOPE_EVENTS = "seatshare_zope_events"


def _zope_listener(name, session_of):
    """A Session-class listener that hands the event to the session's own
    ``ZopeTransactionEvents`` method ``name``, if the session has one."""
    def listener(*args):
        ext = session_of(args[0]).info.get(ZOPE_EVENTS)
        if ext is not None:
            getattr(ext, name)(*args)
    return listener


def _session_itself(session):
    return session


def _session_of_context(context):
    return context.session


# The events and methods of zope.sqlalchemy.register.
for _name, _session_of in (
    ("after_begin", _session_itself),
    ("after_attach", _session_itself),
    ("after_flush", _session_itself),
    ("after_bulk_update", _session_of_context),
    ("after_bulk_delete", _session_of_context),
    ("before_commit", _session_itself),
    ("do_orm_execute", _session_of_context),
):
    event.listen(Session, _name, _zope_listener(_name, _session_of))


def mark_changed(dbsession) -> None:
    """Tell the request's transaction that ``dbsession`` wrote through Core
    on its connection (which zope.sqlalchemy does not watch), so that
    pyramid_tm commits it rather than rolling it back."""
    events = dbsession.info.get(ZOPE_EVENTS)
    if events is not None:
        events.mark_changed(dbsession)


def on_postgresql(dbsession) -> bool:
    """Whether ``dbsession`` runs on PostgreSQL (where row locks and
    data-modifying WITH clauses exist; SQLite has neither)."""
    return dbsession.get_bind().dialect.name == "postgresql"


ENCODE_SPECIALS = "percent-encode an @, : or / in the user name or password"
# The databases SeatShare runs on, each with the driver it installs.
DRIVERS = {"postgresql": "psycopg", "sqlite": "pysqlite"}


def parse_url(url: str):
    """The database URL, or an ArgumentError that repeats none of it. A
    password with an "@" left unencoded ends at that "@", and the rest of it
    reads as the host name (``postgresql://u:pass@word@db/x``), which the
    driver's "cannot resolve host" would quote, or as the port
    (``postgresql://u:p@ss:word@db/x``), which SQLAlchemy's own ValueError
    quotes."""
    try:
        parsed = make_url(url)
    except ValueError:
        raise ArgumentError(
            f"the database URL's port is not a number ({ENCODE_SPECIALS})") from None
    if "@" in (parsed.host or ""):
        raise ArgumentError(f"the database URL's host name has an @ ({ENCODE_SPECIALS})")
    backend, _, driver = parsed.drivername.partition("+")
    if backend not in DRIVERS:
        raise ArgumentError("SeatShare runs on PostgreSQL (postgresql+psycopg://) or SQLite "
                            f"(sqlite:///), not {backend}")
    if driver and driver != DRIVERS[backend]:
        raise ArgumentError(f"SeatShare connects with {DRIVERS[backend]}, not {driver}: use "
                            f"{backend}+{DRIVERS[backend]}://")
    return parsed


def get_engine(settings, prefix="sqlalchemy.", serving=False):
    """The engine for ``sqlalchemy.url``.

    ``serving``: the engine answers web requests, whose statements on
    PostgreSQL give up after ``seatshare.db_statement_timeout`` seconds (a
    503), and which on SQLite wait that long for the write lock, so that a
    lock held elsewhere cannot hold every worker thread; the command line's
    (a migration, a large import) wait as long as it takes on PostgreSQL, and
    30 seconds for SQLite's lock.

    A pooled connection that died (the database restarted, a proxy dropped
    it) fails the statement that finds out; SQLAlchemy then replaces every
    connection of the pool, and ``_retry_after_disconnect`` has the request
    run again on a fresh one. That costs nothing while connections live,
    where ``pool_pre_ping`` would add a round trip to every request.
    """
    url = settings[f"{prefix}url"]
    parse_url(url)
    # hide_parameters: SQL logging (sqlalchemy.engine at INFO) and database
    # errors never show parameter values, which carry submitted codes.
    engine = engine_from_config(
        settings,
        prefix,
        hide_parameters=True,
        **_engine_kwargs(url, settings, serving),
    )
    event.listen(engine, "handle_error", _retry_after_disconnect)
    if engine.dialect.name == "sqlite":
        # A web request waits for the write lock as long as a PostgreSQL
        # statement may run (then 503), the command line 30 seconds.
        statement_timeout = _statement_timeout(settings) if serving else 0
        _setup_sqlite(engine, statement_timeout * 1000 or 30000)
    return engine


def _retry_after_disconnect(context):
    """A statement failed because its connection was gone: the transaction
    died with it, so pyramid_retry may safely run the request again. Not a
    failed COMMIT (no statement): whether that one committed is unknown.

    A connection whose prepared statements a migration made stale is as
    good as gone: PostgreSQL refuses such a statement on every use, and
    only a ROLLBACK, which reads in autocommit never send, would make
    psycopg forget it. Every pooled connection holds the same statements,
    so the pool is replaced, as after a disconnect, and the request runs
    again on a fresh connection.
    """
    if is_stale_prepared_statement(context.original_exception):
        context.is_disconnect = True
    if context.is_disconnect and context.statement is not None:
        if context.sqlalchemy_exception is not None:
            pyramid_retry.mark_error_retryable(context.sqlalchemy_exception)


def is_stale_prepared_statement(error) -> bool:
    """PostgreSQL's "cached plan must not change result type": a prepared
    statement whose result columns changed type since it was prepared. Told
    by the server function that raises it, which no locale translates."""
    diag = getattr(error, "diag", None)
    return (
        getattr(error, "sqlstate", None) == "0A000"
        and diag is not None
        and diag.source_function == "RevalidateCachedQuery"
    )


def _statement_timeout(settings) -> int:
    """``seatshare.db_statement_timeout``, whole seconds (0: no limit)."""
    key = "seatshare.db_statement_timeout"
    # PostgreSQL keeps statement_timeout in milliseconds, in 32 bits: a
    # longer one is refused at connect, and every request would be a 503.
    return seconds({key: DEFAULTS[key], **settings}, key,
                   zero_means="no limit on PostgreSQL, 30 seconds on SQLite",
                   maximum=(2**31 - 1) // 1000)


def _engine_kwargs(url, settings, serving=False):
    if url.startswith("postgresql"):
        # A server that cannot reach PostgreSQL answers 503 quickly rather than
        # hanging on connect.
        key = "seatshare.db_connect_timeout"
        # libpq reads it as a C int.
        timeout = seconds({key: DEFAULTS[key], **settings}, key, maximum=2**31 - 1)
        connect_args = {"connect_timeout": timeout}
        statement_timeout = _statement_timeout(settings)
        if serving and statement_timeout > 0:
            # A statement that waits on a lock held elsewhere (a long
            # transaction, a migration) or runs away is cancelled: the
            # request answers 503 rather than hold its worker thread, and
            # with it, once every thread waits, the whole server.
            connect_args["options"] = f"-c statement_timeout={statement_timeout * 1000}"
        if not as_bool(settings.get("seatshare.db_prepared_statements", "true")):
            # psycopg prepares a statement on its fifth use on a connection.
            connect_args["prepare_threshold"] = None
        return {"connect_args": connect_args}
    return {}


def get_session_factory(engine):
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_tm_session(session_factory, transaction_manager, request=None, read_only=False):
    """A session joined to ``transaction_manager``: pyramid_tm commits or aborts it.

    ``read_only``: the session never writes, so on SQLite its transaction may
    begin DEFERRED (see ``_setup_sqlite``), and on PostgreSQL its statements
    run in autocommit (see ``read_only_bind``).
    """
    info = {
        "request": request,
        ZOPE_EVENTS: ZopeTransactionEvents(transaction_manager=transaction_manager),
    }
    if read_only:
        bind = read_only_bind(session_factory.kw.get("bind"))
        return session_factory(info=info, bind=bind, execution_options={READ_ONLY: True})
    return session_factory(info=info)


def read_only_bind(bind):
    """What a read-only session runs on: for a PostgreSQL engine, the same
    pool in autocommit.

    A read needs no BEGIN and no ROLLBACK, two round trips fewer; and psycopg
    forgets its prepared statements on every ROLLBACK, so only without one do
    the API's statements stay prepared on their connection (planned once, not
    on every request). Each statement still sees one consistent snapshot; a
    read's statements (identity, then its rows) need no common one. A
    connection, as in the tests (which roll back their outer transaction), is
    left as it is.
    """
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
        return bind
    autocommit = bind.__dict__.get("_seatshare_autocommit")
    if autocommit is None:
        autocommit = bind.execution_options(isolation_level="AUTOCOMMIT")
        # Its own listener: the engine's other users may write.
        event.listen(autocommit, "before_execute", _refuse_autocommit_writes)
        bind._seatshare_autocommit = autocommit
    return autocommit


def request_dbsession(request):
    """``request.dbsession``. The factory is read from the registry on each
    request so that tests can bind requests to their own connection."""
    return get_tm_session(
        request.registry["dbsession_factory"],
        request.tm,
        request=request,
        # Should one of these ever write, _refuse_read_only_writes and
        # _refuse_autocommit_writes (above) fail it rather than let each
        # write commit on its own.
        read_only=never_writes(request),
    )


def includeme(config):
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    # pyramid_tm would look the user up before the exception views are in
    # place, so a database outage there could not become a 503.
    settings["tm.annotate_user"] = False
    settings.setdefault("retry.attempts", 3)

    config.include("pyramid_tm")
    config.include("pyramid_retry")

    engine = config.registry.get("dbengine") or get_engine(settings, serving=True)
    config.registry["dbengine"] = engine
    session_factory = get_session_factory(engine)
    config.registry["dbsession_factory"] = session_factory

    config.add_request_method(request_dbsession, "dbsession", reify=True)

    # Two requests raced to insert the same unique row: the retry sees the
    # winner's row and answers accordingly. PostgreSQL serialization failures
    # and deadlocks (SQLSTATE 40xxx) are already retryable: zope.sqlalchemy
    # reports them to pyramid_tm, which tags them for pyramid_retry.
    pyramid_retry.mark_error_retryable(IntegrityError)


__all__ = [
    "get_engine", "get_session_factory", "get_tm_session", "includeme", "mark_changed",
    "on_postgresql",
]
