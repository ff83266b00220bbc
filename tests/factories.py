"""Factories for every model: ``make_user()``, ``make_ticket(...)``...

Each builds a valid row with sensible defaults, flushes it through the bound
test session and returns it. Bind with ``factories.bind(session)`` (the
``dbsession`` fixture does it), or write committed rows with
``with factories.committed(engine):``.
"""
import contextlib
import datetime
import decimal
import itertools
import uuid

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from seatshare import models
from seatshare.models import utcnow
from seatshare.services import group_invitations
from seatshare.tokens import hash_token, new_token

_session = None
_counter = itertools.count(1)
# Cheap parameters: tests hash many passwords; production uses the defaults.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
DEFAULT_PASSWORD = "correct horse battery staple"


def bind(session):
    global _session
    _session = session


@contextlib.contextmanager
def committed(engine):
    """A session on ``engine`` the factories write with, committed at the
    end (not on an error); the factories are unbound after it either way."""
    with Session(engine, expire_on_commit=False) as session:
        bind(session)
        try:
            yield session
        finally:
            bind(None)
        session.commit()


def _add(obj):
    _session.add(obj)
    _session.flush()
    return obj


def n():
    return next(_counter)


def make_user(password=DEFAULT_PASSWORD, **kw):
    i = n()
    kw.setdefault("email", f"user{i}-{uuid.uuid4().hex[:6]}@example.com")
    kw.setdefault("first_name", f"First{i}")
    kw.setdefault("last_name", f"Last{i}")
    kw.setdefault("calendar_nonce", uuid.uuid4().hex)
    if password is not None:
        kw.setdefault("password_hash", FAST_HASHER.hash(password))
    return _add(models.User(**kw))


def make_alias(user=None, **kw):
    user = user or make_user()
    kw.setdefault("first_name", f"Alias{n()}")
    kw.setdefault("last_name", "Guest")
    return _add(models.UserAlias(user_id=user.id, **kw))


def make_entity(**kw):
    kw.setdefault("name", f"Team {n()} {uuid.uuid4().hex[:6]}")
    return _add(models.Entity(**kw))


def make_event(entity=None, start_time=None, **kw):
    entity = entity or make_entity()
    i = n()
    if start_time is None:
        start_time = utcnow().replace(microsecond=0) + datetime.timedelta(days=i)
    kw.setdefault("name", f"Game {i}")
    kw.setdefault("key", f"key-{i}-{uuid.uuid4().hex[:6]}")
    return _add(models.Event(entity_id=entity.id, start_time=start_time, **kw))


# The test settings' (tests/conftest.py): a group's standing code derives from it.
SESSION_SECRET = "test-session-secret"


def standing_code(group) -> str:
    """``group``'s standing invitation code, as the test app shows it."""
    return group_invitations.standing_code({"seatshare.session_secret": SESSION_SECRET}, group)


def make_group(entity=None, creator=None, active=True, **kw):
    """A group; its creator (made if not given) becomes its administrator."""
    entity = entity or make_entity()
    creator = creator or make_user()
    kw.setdefault("name", f"Group {n()}")
    group = _add(
        models.Group(entity_id=entity.id, creator_id=creator.id, active=active, **kw)
    )
    make_membership(group, creator, role=models.Role.ADMIN)
    return group


def make_membership(group, user=None, role=models.Role.MEMBER):
    user = user or make_user()
    return _add(models.Membership(group_id=group.id, user_id=user.id, role=role))


def make_invitation(group, code=None, **kw):
    """A single-use invitation to ``group``; its code (``code``, or a fresh
    one) is stored hashed, as the API stores it."""
    kw.setdefault("email", f"invitee{n()}@example.com")
    kw.setdefault("code_hash", hash_token(code or new_token()))
    return _add(models.GroupInvitation(group_id=group.id, **kw))


def make_ticket(group=None, event=None, owner=None, assignee=None, alias=None, **kw):
    group = group or make_group()
    if event is None:
        event = make_event(entity=_session.get(models.Entity, group.entity_id))
    if owner is None:
        owner = make_user()
        make_membership(group, owner)
    kw.setdefault("section", "101")
    kw.setdefault("row", "A")
    kw.setdefault("seat", str(n()))
    kw.setdefault("cost", decimal.Decimal("45.00"))
    return _add(
        models.Ticket(
            group_id=group.id,
            event_id=event.id,
            owner_id=owner.id,
            assignee_id=assignee.id if assignee else None,
            alias_id=alias.id if alias else None,
            **kw,
        )
    )


def make_ticket_request(ticket, requester=None, **kw):
    requester = requester or make_user()
    return _add(models.TicketRequest(ticket_id=ticket.id, requester_id=requester.id, **kw))


def make_application(
    redirect_uris=("https://client.example.com/callback",),
    confidential=True,
    **kw,
):
    """An application and its plain client secret (None for a public client)."""
    secret = new_token() if confidential else None
    kw.setdefault("name", f"App {n()}")
    app = _add(
        models.Application(
            client_id=uuid.uuid4().hex,
            client_secret_hash=hash_token(secret) if secret else None,
            redirect_uris=list(redirect_uris),
            confidential=confidential,
            **kw,
        )
    )
    return app, secret


def make_token(user=None, application=None, scopes="read write", expires_in=3600, **kw):
    """A token row and its plain access token value."""
    user = user or make_user()
    application = application or make_application()[0]
    value = new_token()
    refresh = kw.pop("refresh_token", None) or new_token()
    token = _add(
        models.Token(
            access_token_hash=hash_token(value),
            refresh_token_hash=hash_token(refresh),
            application_id=application.id,
            user_id=user.id,
            scopes=scopes,
            family=kw.pop("family", uuid.uuid4().hex),
            expires_at=utcnow() + datetime.timedelta(seconds=expires_in),
            refresh_expires_at=utcnow() + datetime.timedelta(days=30),
            **kw,
        )
    )
    return token, value
