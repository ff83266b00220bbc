"""The session: ``request.dbsession`` joined to the request's transaction,
and the guards that keep a read-only session from writing."""
from zope.sqlalchemy.datamanager import ZopeTransactionEvents
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.expression import UpdateBase

from ..paths import never_writes

# Execution option of a session whose transaction never writes.
READ_ONLY = "seatshare_read_only"

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


def get_session_factory(engine):
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_tm_session(session_factory, transaction_manager, request=None, read_only=False):
    """A session joined to ``transaction_manager``: pyramid_tm commits or aborts it.

    ``read_only``: the session never writes, so on SQLite its transaction may
    begin DEFERRED (see ``engine._setup_sqlite``), and on PostgreSQL its statements
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
