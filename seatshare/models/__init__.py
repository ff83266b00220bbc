"""The models, and the database plumbing every caller imports from here:
the engine (``engine.py``), the session factory and ``request.dbsession``
(``session.py``).

Importing this package imports every model so that ``meta.metadata`` is
complete for alembic and for the tests.
"""
import pyramid_retry
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import configure_mappers

from ..settings import number
from .engine import get_engine
from .entity import Entity, Event
from .group import Group, GroupInvitation, GroupRemoval, Membership, Role
from .meta import Base, by_code_point, metadata, this_second, utcnow
from .oauth import (
    Application,
    Approval,
    AuthorizationCode,
    SignInAttempt,
    Token,
)
from .revision import judge_on_first_connection
from .session import (
    READ_ONLY,
    get_session_factory,
    get_tm_session,
    mark_changed,
    on_postgresql,
    read_only_bind,
    request_dbsession,
)
from .ticket import (
    HistoryAction,
    RequestStatus,
    Ticket,
    TicketHistory,
    TicketRequest,
)
from .triggers import create_with
from .user import EmailChangeUndo, User, UserAlias

configure_mappers()
# The triggers that keep a ticket's event one of its group's entity's.
create_with(Ticket.__table__)


def includeme(config):
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    # pyramid_tm would look the user up before the exception views are in
    # place, so a database outage there could not become a 503.
    settings["tm.annotate_user"] = False
    settings.setdefault("retry.attempts", 3)
    number(settings, "retry.attempts")

    config.include("pyramid_tm")
    config.include("pyramid_retry")

    engine = config.registry.get("dbengine") or get_engine(settings, serving=True)
    config.registry["dbengine"] = engine
    session_factory = get_session_factory(engine)
    config.registry["dbsession_factory"] = session_factory

    config.add_request_method(dbsession_judging_revision, "dbsession", reify=True)

    # Two requests raced to insert the same unique row: the retry sees the
    # winner's row and answers accordingly. PostgreSQL serialization failures
    # and deadlocks (SQLSTATE 40xxx) are already retryable: zope.sqlalchemy
    # reports them to pyramid_tm, which tags them for pyramid_retry.
    pyramid_retry.mark_error_retryable(IntegrityError)


def dbsession_judging_revision(request):
    """``request.dbsession`` (``request_dbsession``), which judges the
    database's revision when it first connects while that is unknown
    (``revision.judge_on_first_connection``)."""
    return judge_on_first_connection(request_dbsession(request), request.registry)


# What callers import from here, the models and the plumbing alike.
__all__ = [
    "Application", "Approval", "AuthorizationCode", "Base", "EmailChangeUndo", "Entity",
    "Event", "Group", "GroupInvitation", "GroupRemoval", "HistoryAction", "Membership", "READ_ONLY",
    "RequestStatus", "Role", "SignInAttempt", "Ticket", "TicketHistory", "TicketRequest",
    "Token", "User", "UserAlias", "by_code_point", "get_engine", "get_session_factory",
    "get_tm_session", "includeme", "mark_changed", "metadata", "on_postgresql",
    "read_only_bind", "request_dbsession", "this_second", "utcnow",
]
