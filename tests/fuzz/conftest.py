"""The fuzzing target: the real WSGI app on a database of its own, with a
member's data in every table, each generated request in a transaction that
is rolled back afterwards (so every example starts from the same data).
"""
import base64
import contextlib
import dataclasses
import datetime
import decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from seatshare import main, models
from seatshare.models import meta, utcnow
from seatshare.tokens import hash_token, new_token
from tests import factories as f
from tests.conftest import create_database, make_settings


@dataclasses.dataclass
class FuzzTarget:
    app: object
    member_token: str
    client_id: str
    client_secret: str
    ids: dict

    def headers_for(self, path: str) -> dict:
        """The member's bearer token on the API; the client's Basic
        credentials on the OAuth endpoints that authenticate clients."""
        if path.startswith("/api/"):
            return {"Authorization": f"Bearer {self.member_token}"}
        if path in ("/oauth/token", "/oauth/revoke", "/oauth/introspect"):
            pair = f"{self.client_id}:{self.client_secret}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        return {}

    @contextlib.contextmanager
    def rolled_back(self):
        """Requests inside run on one connection whose outer transaction is
        rolled back at the end (each request commits to a SAVEPOINT)."""
        registry = self.app.registry
        original = registry["dbsession_factory"]
        connection = registry["dbengine"].connect()
        outer = connection.begin()
        registry["dbsession_factory"] = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        try:
            yield
        finally:
            registry["dbsession_factory"] = original
            outer.rollback()
            connection.close()


def seed(session) -> dict:
    """A member (the caller) with rows in every table: the values a
    FuzzTarget needs (their token, an application's credentials, ids)."""
    f.bind(session)
    try:
        entity = f.make_entity()
        future = f.make_event(entity=entity)
        past = f.make_event(entity=entity, start_time=utcnow() - datetime.timedelta(days=30))
        member = f.make_user(first_name="Fuzz", last_name="Member")
        admin, other = f.make_user(), f.make_user()
        f.make_user()  # an outsider
        group = f.make_group(entity=entity, creator=admin, name="Season")
        f.make_membership(group, member)
        f.make_membership(group, other)
        own_group = f.make_group(entity=entity, creator=member, name="Mine")
        f.make_membership(own_group, other)
        f.make_group(active=False, creator=member, name="Gone")
        alias = f.make_alias(member)
        f.make_alias(other)
        mine = f.make_ticket(group=group, event=future, owner=member, note="mine")
        theirs = f.make_ticket(group=group, event=past, owner=other, assignee=member, alias=alias)
        f.make_ticket(group=own_group, event=future, owner=member, assignee=other)
        f.make_ticket_request(mine, other, message="may I?")
        f.make_ticket_request(theirs, member, message="please")
        for ticket in (mine, theirs):
            f._add(models.TicketHistory(ticket_id=ticket.id, group_id=ticket.group_id,
                                        actor_id=ticket.owner_id, action="created", changes={}))
        f._add(models.GroupInvitation(group_id=own_group.id, email="friend@example.com",
                                      code_hash=hash_token(new_token()), inviter_id=member.id))
        application, client_secret = f.make_application()
        f._add(models.Approval(user_id=member.id, application_id=application.id,
                               scopes="read write"))
        f._add(models.AuthorizationCode(
            code_hash=hash_token(new_token()), application_id=application.id, user_id=member.id,
            redirect_uri="https://client.example.com/callback", scopes="read write",
            expires_at=utcnow() + datetime.timedelta(minutes=10)))
        f._add(models.SignInAttempt(key="account:nobody@example.com", created_at=utcnow()))
        _, token = f.make_token(user=member, application=application)
        ids = {"ticket": mine.id, "group": group.id, "own_group": own_group.id,
               "event": future.id, "alias": alias.id, "user": other.id, "member": member.id}
    finally:
        f.bind(None)
    session.commit()
    return {"member_token": token, "client_id": application.client_id,
            "client_secret": client_secret, "ids": ids}


@pytest.fixture(scope="module")
def fuzz_target(backend, tmp_path_factory):
    url, drop = create_database(backend, str(tmp_path_factory.mktemp("fuzz")))
    engine = sa.create_engine(url)
    meta.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        seeded = seed(session)
    engine.dispose()
    app = main({}, **make_settings(url))
    yield FuzzTarget(app, **seeded)
    app.registry["dbengine"].dispose()
    drop()
