"""API.md §4: GET /authorizations (the applications you approved) and
DELETE /authorizations/ID (revoke every token of that application for you)."""
import datetime

from pyramid.authorization import ACLHelper, Authenticated, Everyone

from seatshare import principals as p
from seatshare.models import Approval, AuthorizationCode, Token, utcnow
from seatshare.permissions import Permission
from seatshare.resources.authorizations import AuthorizationContext
from seatshare.tokens import new_token

from .. import factories as f

API = "/api/v1"


def approve(dbsession, user, application, scopes="read write", days_ago=0):
    approval = Approval(user_id=user.id, application_id=application.id, scopes=scopes,
                        created_at=utcnow() - datetime.timedelta(days=days_ago))
    dbsession.add(approval)
    dbsession.flush()
    return approval


def test_lists_applications_with_an_approval_or_a_live_token(testapp, world, dbsession):
    me = world.member
    caller_token, value = f.make_token(user=me, scopes="read")
    approved, _ = f.make_application(name="Approved only")
    approve(dbsession, me, approved, "read write", days_ago=3)
    tokened, _ = f.make_application(name="Token only")
    f.make_token(user=me, application=tokened, scopes="read write",
                 created_at=utcnow() - datetime.timedelta(days=2))
    expired, _ = f.make_application(name="Expired")
    f.make_token(user=me, application=expired, expires_in=-60, refresh_used_at=utcnow())
    revoked, _ = f.make_application(name="Revoked")
    f.make_token(user=me, application=revoked, revoked_at=utcnow())
    theirs, _ = f.make_application(name="Someone else's")
    approve(dbsession, world.owner, theirs)
    res = testapp.get(f"{API}/authorizations", headers={"Authorization": f"Bearer {value}"})
    assert [(a["name"], a["scopes"]) for a in res.json] == [
        ("Approved only", "read write"),
        ("Token only", "read write"),
        (caller_token.application.name, "read"),
    ]
    assert set(res.json[0]) == {"id", "name", "client_id", "scopes", "approved_at"}
    assert res.json[0]["id"] == approved.id and res.json[0]["client_id"] == approved.client_id
    assert res.headers["X-Total-Count"] == "3"


def test_an_expired_access_token_whose_refresh_still_works_counts(testapp, world, dbsession):
    application, _ = f.make_application(name="Refreshable")
    f.make_token(user=world.member, application=application, expires_in=-60)
    res = testapp.get(f"{API}/authorizations", headers=world.headers("member"))
    assert "Refreshable" in [a["name"] for a in res.json]


def test_a_narrowed_refresh_lists_what_its_refresh_token_can_still_get(testapp, world):
    """A refresh may narrow the access token's scopes, never the refresh
    token's (RFC 6749 §6): an application holding such a pair can get
    "write" back at its next refresh, so the list says it has "write"
    (without an approval to show it, as for a trusted application)."""
    application, _ = f.make_application(name="Narrowed", trusted=True)
    f.make_token(user=world.member, application=application, scopes="read",
                 refresh_scopes="read write")
    res = testapp.get(f"{API}/authorizations", headers=world.headers("member"))
    [entry] = [a for a in res.json if a["name"] == "Narrowed"]
    assert entry["scopes"] == "read write"


def test_approval_and_tokens_of_one_application_are_one_entry(testapp, world, dbsession):
    application, _ = f.make_application(name="Both")
    approve(dbsession, world.member, application, "read", days_ago=5)
    f.make_token(user=world.member, application=application, scopes="read write")
    res = testapp.get(f"{API}/authorizations", headers=world.headers("member"))
    [entry] = [a for a in res.json if a["name"] == "Both"]
    assert entry["scopes"] == "read write"


def test_revoke_revokes_every_token_and_forgets_the_approval(testapp, world, dbsession):
    me = world.member
    application, _ = f.make_application(name="Scoreboard")
    approve(dbsession, me, application)
    tokens = [f.make_token(user=me, application=application)[0] for _ in range(2)]
    others = f.make_token(user=world.owner, application=application)[0]
    code = AuthorizationCode(code_hash="c" * 64, application_id=application.id, user_id=me.id,
                             redirect_uri="https://client.example.com/callback",
                             scopes="read write", expires_at=utcnow())
    dbsession.add(code)
    dbsession.flush()
    testapp.delete(f"{API}/authorizations/{application.id}", headers=world.headers("member"),
                   status=204)
    dbsession.expire_all()
    assert all(dbsession.get(Token, t.id).revoked_at is not None for t in tokens)
    assert dbsession.get(Token, others.id).revoked_at is None
    assert dbsession.query(Approval).filter_by(user_id=me.id,
                                               application_id=application.id).count() == 0
    assert dbsession.query(AuthorizationCode).filter_by(user_id=me.id).count() == 0
    listed = testapp.get(f"{API}/authorizations", headers=world.headers("member")).json
    assert application.id not in [a["id"] for a in listed]


def test_revoked_token_no_longer_works(testapp, world):
    token, value = f.make_token(user=world.member)
    headers = {"Authorization": f"Bearer {value}"}
    testapp.delete(f"{API}/authorizations/{token.application_id}", headers=headers, status=204)
    testapp.get(f"{API}/users/me", headers=headers, status=401)


def test_only_your_own_authorizations_others_are_404(testapp, world, dbsession):
    application, _ = f.make_application()
    approve(dbsession, world.owner, application)
    testapp.get(f"{API}/authorizations/{application.id}", headers=world.headers("member"),
                status=404)
    testapp.delete(f"{API}/authorizations/{application.id}", headers=world.headers("member"),
                   status=404)
    dbsession.expire_all()
    assert dbsession.query(Approval).filter_by(application_id=application.id).count() == 1


def test_revoking_needs_the_write_scope(testapp, world, dbsession):
    application, _ = f.make_application()
    approve(dbsession, world.member, application)
    testapp.delete(f"{API}/authorizations/{application.id}",
                   headers=world.auth_headers(world.member, scopes="read"), status=403)


def test_revoked_refresh_tokens_no_longer_refresh(testapp, world):
    application, secret = f.make_application()
    refresh = new_token()
    f.make_token(user=world.member, application=application, refresh_token=refresh)
    grant = {"grant_type": "refresh_token", "refresh_token": refresh}
    testapp.delete(f"{API}/authorizations/{application.id}", headers=world.headers("member"),
                   status=204)
    testapp.authorization = ("Basic", (application.client_id, secret))
    res = testapp.post("/oauth/token", grant, status=400)
    assert res.json["error"] == "invalid_grant"


def test_an_authorizations_own_acl_admits_only_the_user_it_was_loaded_for():
    """Through HTTP the context is only ever loaded for the caller (the
    SQL filter by user id answers 404 to anyone else); its ACL says the
    same, should it ever be built for someone else."""
    context = AuthorizationContext(None, "1", None, row=None, user_id=7)
    for permission in (Permission.VIEW, Permission.DELETE):
        assert ACLHelper().permits(context, [Everyone, Authenticated, p.user(7)], permission)
        assert not ACLHelper().permits(context, [Everyone, Authenticated, p.user(8)], permission)
