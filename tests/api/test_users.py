"""API.md §3 Users."""
import zoneinfo
from types import SimpleNamespace

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from sqlalchemy import select

from seatshare import principals as p
from seatshare.models import Application, Token, User
from seatshare.openapi import document
from seatshare.permissions import Permission
from seatshare.resources.membership import load_active_group_ids
from seatshare.resources.users import CurrentUserContext
from seatshare.schemas.users import iana_timezones

from .. import factories as f

API = "/api/v1"
PUBLIC = {"id", "first_name", "last_name", "email", "timezone", "bio", "location", "created_at"}


def test_users_lists_mutual_members_ordered_by_last_first_id(testapp, world):
    twin = f.make_user(last_name="Miller", first_name=world.member.first_name)
    f.make_membership(world.group, twin)
    stranger = f.make_user(last_name="Aaron")  # in no group of the caller's
    res = testapp.get(f"{API}/users", headers=world.headers("member"))
    ids = [u["id"] for u in res.json]
    expected = sorted(
        [world.admin, world.member, world.owner, world.assignee, world.alias_owner, twin],
        key=lambda u: (u.last_name, u.first_name, u.id),
    )
    assert ids == [u.id for u in expected]
    assert stranger.id not in ids and world.outsider.id not in ids
    assert set(res.json[0]) == PUBLIC


def test_users_of_an_inactive_group_are_not_mutual_members(testapp, world):
    old = f.make_group(creator=world.member, active=False)
    former = f.make_user()
    f.make_membership(old, former)
    ids = [u["id"] for u in testapp.get(f"{API}/users", headers=world.headers("member")).json]
    assert former.id not in ids


def test_users_by_group_lists_that_groups_members(testapp, world):
    other = f.make_group(creator=world.member)
    res = testapp.get(f"{API}/users?group_id={other.id}", headers=world.headers("member"))
    assert [u["id"] for u in res.json] == [world.member.id]


def test_non_member_gets_403_on_users_by_group(testapp, world):
    res = testapp.get(
        f"{API}/users?group_id={world.group.id}", headers=world.headers("non_member"), status=403
    )
    assert res.json["code"] == 403


def test_users_by_missing_or_inactive_group_is_404(testapp, world):
    old = f.make_group(creator=world.member, active=False)
    headers = world.headers("member")
    testapp.get(f"{API}/users?group_id=999999", headers=headers, status=404)
    testapp.get(f"{API}/users?group_id={old.id}", headers=headers, status=404)


def test_me_adds_mobile_and_sms_notify(testapp, world):
    res = testapp.get(f"{API}/users/me", headers=world.headers("member"))
    assert set(res.json) - {"calendar_url"} == PUBLIC | {"mobile", "sms_notify"}
    assert res.json["id"] == world.member.id


def test_put_me_updates_every_writable_field(testapp, world, dbsession):
    body = {
        "first_name": "Ann",
        "last_name": "Lee",
        "email": "ANN@Example.COM",
        "timezone": "America/Chicago",
        "bio": "Goes to every game",
        "location": "Chicago",
        "mobile": "+1 312 555 0100",
        "sms_notify": True,
    }
    res = testapp.put_json(f"{API}/users/me", body, headers=world.headers("member"))
    assert res.json == {**res.json, **body, "email": "ann@example.com"}
    dbsession.expire_all()
    user = dbsession.get(User, world.member.id)
    assert (user.email, user.timezone, user.sms_notify) == ("ann@example.com", "America/Chicago", True)


def test_changing_your_email_tells_the_old_address(testapp, world, outbox, dbsession):
    """Any application with the write scope may change the account's email,
    and a password-reset link then goes to the new address: whoever holds
    such a token can take the account. The old address is told which
    application changed it, and to what, with a link to undo it
    (tests/oauth/test_email_undo.py)."""
    old = world.member.email
    headers = world.headers("member")
    token = dbsession.scalars(select(Token).where(Token.user_id == world.member.id)).one()
    app_name = dbsession.get(Application, token.application_id).name
    testapp.put_json(f"{API}/users/me", {"email": "New@Example.com"}, headers=headers)
    [message] = outbox
    assert old in message.to and "new@example.com" not in message.to
    assert message.subject == "Your SeatShare email address was changed"
    assert f"from {old} to new@example.com" in " ".join(message.body.split())
    assert app_name in message.body and "http://example.com/email-undo/" in message.body
    # Keeping it, or changing anything else, mails nothing.
    testapp.put_json(f"{API}/users/me", {"email": "new@example.com", "bio": "x"},
                     headers=headers)
    assert len(outbox) == 1


def test_put_me_is_partial(testapp, world):
    headers = world.headers("member")
    before = testapp.get(f"{API}/users/me", headers=headers).json
    res = testapp.put_json(f"{API}/users/me", {"bio": "hi"}, headers=headers)
    assert res.json == {**before, "bio": "hi"}


def test_put_me_with_a_taken_email_is_400(testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/users/me",
        {"email": world.admin.email.upper(), "bio": "changed"},
        headers=world.headers("member"),
        status=400,
    )
    assert res.json["fields"] == {"email": "is already taken"}
    dbsession.expire_all()
    assert dbsession.get(User, world.member.id).bio == ""


def test_put_me_keeping_your_own_email_is_fine(testapp, world):
    testapp.put_json(
        f"{API}/users/me", {"email": world.member.email}, headers=world.headers("member")
    )


def test_put_me_timezone_must_be_an_iana_name(testapp, world):
    for bad in ("Mars/Olympus", "EST5EDT ", "", 5):
        res = testapp.put_json(
            f"{API}/users/me", {"timezone": bad}, headers=world.headers("member"), status=400
        )
        assert "timezone" in res.json["fields"]


# "localtime" is a file in Debian's /usr/share/zoneinfo (zoneinfo listed it
# there, and only there); "posix/" and "right/" are system directories.
def test_put_me_timezone_is_refused_when_it_names_no_iana_zone(testapp, world, dbsession):
    before = (world.member.timezone, world.member.bio)
    for bad in ("localtime", "posixrules", "posix/UTC", "right/UTC", "zone.tab"):
        res = testapp.put_json(f"{API}/users/me", {"timezone": bad, "bio": "changed"},
                               headers=world.headers("member"), status=400)
        assert res.json["fields"] == {
            "timezone": 'must be an IANA time zone name such as "America/Chicago"'}
    dbsession.expire_all()
    user = dbsession.get(User, world.member.id)
    assert (user.timezone, user.bio) == before


def test_timezones_are_the_same_on_a_host_without_zone_files():
    """With no system zone directory, zoneinfo falls back to the tzdata
    package: the same names are accepted, and each of them loads."""
    names = iana_timezones()
    try:
        zoneinfo.reset_tzpath(to=())
        for name in names:
            zoneinfo.ZoneInfo.no_cache(name)
    finally:
        zoneinfo.reset_tzpath()
    for name in names:
        zoneinfo.ZoneInfo.no_cache(name)
    assert {"America/Chicago", "UTC", "Europe/London"} <= names


def test_the_document_lists_the_accepted_timezones():
    schema = document()["paths"]["/api/v1/users/me"]["put"]["requestBody"]
    timezone = schema["content"]["application/json"]["schema"]["properties"]["timezone"]
    assert timezone["enum"] == sorted(iana_timezones())


def test_put_me_email_must_be_an_address(testapp, world):
    for bad in ("not an email", "a.@example.com", "a@example", "a@example.com\n", "@example.com",
                "a" * 65 + "@example.com"):
        res = testapp.put_json(
            f"{API}/users/me", {"email": bad}, headers=world.headers("member"), status=400
        )
        assert res.json["fields"] == {"email": "must be an email address"}


def test_put_me_email_local_part_may_have_64_characters(testapp, world):
    email = "a" * 64 + "@example.com"
    res = testapp.put_json(f"{API}/users/me", {"email": email}, headers=world.headers("member"))
    assert res.json["email"] == email


def test_put_me_ignores_read_only_fields(testapp, world):
    res = testapp.put_json(
        f"{API}/users/me",
        {"id": 1, "created_at": "2000-01-01T00:00:00Z", "updated_at": "x", "bio": "b"},
        headers=world.headers("member"),
    )
    assert res.json["id"] == world.member.id and res.json["bio"] == "b"


def test_put_me_name_must_not_be_blank(testapp, world, dbsession):
    """Sign-up asks for both names; members, mails and feeds show them."""
    for name in ("first_name", "last_name"):
        for blank in ("", "  \t"):
            res = testapp.put_json(f"{API}/users/me", {name: blank, "bio": "changed"},
                                   headers=world.headers("member"), status=400)
            assert res.json["fields"] == {name: "must not be blank"}
    dbsession.expire_all()
    member = dbsession.get(User, world.member.id)
    assert member.first_name and member.last_name and member.bio != "changed"


def test_put_me_names_are_stored_without_the_spaces_around_them(testapp, world, dbsession):
    """As the sign-up page stores them."""
    res = testapp.put_json(f"{API}/users/me", {"first_name": " Mary Ann ", "last_name": "\tLee\n"},
                           headers=world.headers("member"))
    assert (res.json["first_name"], res.json["last_name"]) == ("Mary Ann", "Lee")
    dbsession.expire_all()
    member = dbsession.get(User, world.member.id)
    assert (member.first_name, member.last_name) == ("Mary Ann", "Lee")


def test_put_me_null_for_a_string_is_400(testapp, world):
    res = testapp.put_json(
        f"{API}/users/me", {"bio": None}, headers=world.headers("member"), status=400
    )
    assert res.json["fields"] == {"bio": "must not be null"}


def test_mutual_member_can_view_user(testapp, world):
    res = testapp.get(f"{API}/users/{world.owner.id}", headers=world.headers("member"))
    assert set(res.json) == PUBLIC and res.json["id"] == world.owner.id


def test_non_mutual_member_gets_403_on_user(testapp, world):
    testapp.get(f"{API}/users/{world.owner.id}", headers=world.headers("non_member"), status=403)


def test_a_user_in_no_group_is_a_mutual_member_of_themselves(testapp, world):
    loner = f.make_user(last_name="Solo")
    headers = world.auth_headers(loner)
    assert testapp.get(f"{API}/users/{loner.id}", headers=headers).json["id"] == loner.id
    assert [u["id"] for u in testapp.get(f"{API}/users", headers=headers).json] == [loner.id]
    testapp.get(f"{API}/users/{world.member.id}", headers=headers, status=403)


def test_membership_of_an_inactive_group_does_not_make_a_mutual_member(testapp, world):
    old = f.make_group(creator=world.outsider, active=False)
    f.make_membership(old, world.member)
    testapp.get(f"{API}/users/{world.outsider.id}", headers=world.headers("member"), status=403)


def test_put_another_user_is_405(testapp, world):
    res = testapp.put_json(
        f"{API}/users/{world.member.id}", {"bio": "x"}, headers=world.headers("member"), status=405
    )
    assert res.headers["Allow"] == "GET, HEAD"


def test_the_current_users_own_acl_admits_only_that_user():
    """``/users/me`` is only ever built for the caller; its ACL says the
    same, should it ever be built for someone else."""
    me = CurrentUserContext(None, "me", None, SimpleNamespace(id=7))
    for permission in (Permission.VIEW, Permission.EDIT):
        assert ACLHelper().permits(me, [Everyone, Authenticated, p.user(7)], permission)
        assert not ACLHelper().permits(me, [Everyone, Authenticated, p.user(8)], permission)


def test_the_groups_a_users_acl_names_are_their_active_ones(dbsession):
    """``GET /users/ID`` and ``/user_aliases/ID`` name the user's groups in
    their ACL; a deactivated group's principal is held by nobody, so only
    the function itself shows that it leaves such a group out."""
    user = f.make_user()
    active = f.make_group(creator=user)
    f.make_group(creator=user, active=False)
    dbsession.flush()
    assert load_active_group_ids(dbsession, user.id) == [active.id]
