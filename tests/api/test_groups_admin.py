"""API.md §4: creating, joining, deactivating groups; members and invitations."""
import datetime
import re
from types import SimpleNamespace

import pytest
from pyramid.authorization import ACLHelper, Authenticated, Everyone

from seatshare import principals as p
from seatshare.models import (
    Group,
    GroupInvitation,
    HistoryAction,
    Membership,
    RequestStatus,
    Role,
    Ticket,
    TicketHistory,
    TicketRequest,
    utcnow,
)
from seatshare.permissions import Permission
from seatshare.resources.group_members import InvitationContext
from seatshare.tokens import hash_token

from .. import factories as f
from ..mailtext import prose, told_in_order

API = "/api/v1"


def membership(dbsession, group, user):
    return dbsession.query(Membership).filter_by(group_id=group.id, user_id=user.id).one_or_none()


# --- POST /groups ----------------------------------------------------------

def test_create_group_makes_you_its_administrator(testapp, world, dbsession):
    res = testapp.post_json(
        f"{API}/groups", {"name": "Balcony", "entity_id": world.entity.id},
        headers=world.headers("non_member"), status=201,
    )
    body = res.json
    assert res.headers["Location"] == f"http://example.com{API}/groups/{body['id']}"
    assert body["role"] == "admin" and body["creator_id"] == world.outsider.id
    assert body["entity_id"] == world.entity.id and body["name"] == "Balcony"
    assert len(body["invitation_code"]) >= 16
    dbsession.expire_all()
    group = dbsession.get(Group, body["id"])
    assert group.active
    assert membership(dbsession, group, world.outsider).role == Role.ADMIN
    joined = join(testapp, world.headers("member"), body["invitation_code"])
    assert joined.json["id"] == body["id"] and joined.json["role"] == "member"
    shown = testapp.get(res.headers["Location"], headers=world.headers("non_member")).json
    assert shown == body


def test_create_group_ignores_read_only_fields(testapp, world):
    body = testapp.post_json(
        f"{API}/groups",
        {"name": "Balcony", "entity_id": world.entity.id, "role": "member",
         "invitation_code": "mine", "creator_id": world.admin.id, "id": 99},
        headers=world.headers("member"), status=201,
    ).json
    assert body["role"] == "admin" and body["creator_id"] == world.member.id
    assert body["invitation_code"] != "mine" and body["id"] != 99


def test_create_group_with_unknown_entity_is_400_and_writes_nothing(testapp, world, dbsession):
    before = dbsession.query(Group).count()
    res = testapp.post_json(
        f"{API}/groups", {"name": "Balcony", "entity_id": 999999},
        headers=world.headers("member"), status=400,
    )
    assert res.json["fields"] == {"entity_id": "is not a known entity"}
    assert dbsession.query(Group).count() == before


def test_create_group_needs_a_name_and_an_entity(testapp, world):
    res = testapp.post_json(f"{API}/groups", {"name": " "}, headers=world.headers("member"),
                            status=400)
    assert res.json["fields"] == {"name": "must not be blank", "entity_id": "Required"}


def test_create_group_stores_the_name_without_the_spaces_around_it(testapp, world, dbsession):
    body = testapp.post_json(
        f"{API}/groups", {"name": "  Season  ", "entity_id": world.entity.id},
        headers=world.headers("member"), status=201,
    ).json
    assert body["name"] == "Season"
    dbsession.expire_all()
    assert dbsession.get(Group, body["id"]).name == "Season"


# --- POST /groups/join -----------------------------------------------------

def test_join_with_the_groups_code_makes_you_a_member(testapp, world, dbsession):
    res = testapp.post_json(
        f"{API}/groups/join", {"invitation_code": f.standing_code(world.group)},
        headers=world.headers("non_member"),
    )
    assert res.status_int == 200
    assert res.json["id"] == world.group.id and res.json["role"] == "member"
    assert "invitation_code" not in res.json
    assert membership(dbsession, world.group, world.outsider).role == Role.MEMBER


def test_join_with_an_unknown_code_is_404(testapp, world):
    res = testapp.post_json(
        f"{API}/groups/join", {"invitation_code": "no-such-code"},
        headers=world.headers("non_member"), status=404,
    )
    assert res.json["code"] == 404


@pytest.mark.parametrize("forge", [
    lambda code, group_id: code[:-1] + ("0" if code[-1] != "0" else "1"),  # MAC changed
    lambda code, group_id: f"{group_id + 1}-" + code.split("-", 1)[1],  # another group's id
    lambda code, group_id: "0" + code,  # the same id written otherwise
    lambda code, group_id: code.split("-", 1)[0],  # the id alone
    lambda code, group_id: f"{2**70}-" + code.split("-", 1)[1],  # beyond any id
])
def test_join_with_a_forged_standing_code_is_404(testapp, world, dbsession, forge):
    f.make_group()  # a group with the next id exists
    code = forge(f.standing_code(world.group), world.group.id)
    join(testapp, world.headers("non_member"), code, status=404)
    assert membership(dbsession, world.group, world.outsider) is None


def test_the_standing_code_is_stored_nowhere(testapp, world, dbsession):
    """Whoever holds it joins the group: a secret, and secrets are never
    stored in plain text (nor as a hash: administrators see it every time)."""
    res = testapp.post_json(f"{API}/groups", {"name": "Box", "entity_id": world.entity.id},
                            headers=world.headers("member"), status=201)
    code = res.json["invitation_code"]
    assert code.startswith(f"{res.json['id']}-") and len(code) >= 20
    for table in Group.metadata.sorted_tables:
        for row in dbsession.execute(table.select()).all():
            assert not any(code in str(value) for value in row), table.name


def test_the_standing_code_changes_with_the_session_secret(world):
    from seatshare.services.group_invitations import standing_code

    codes = {standing_code({"seatshare.session_secret": secret}, world.group)
             for secret in ("one secret", "another secret")}
    assert len(codes) == 2 and f.standing_code(world.group) not in codes


@pytest.mark.parametrize("paste", [
    lambda code: f"  {code}\n",
    lambda code: f"{code[:6]} {code[6:]}",  # split by a line break or a space
    lambda code: f"{code[:6]}\n{code[6:]}",
    lambda code: f"{code}\u200b",  # a zero-width space a chat added
    lambda code: f"\u00a0{code}\u00a0",  # no-break spaces
    lambda code: f'"{code}".',  # quoted, at the end of a sentence
])
@pytest.mark.parametrize("kind", ["standing", "invitation"])
def test_a_code_pasted_with_characters_around_or_inside_it_works(testapp, world, dbsession,
                                                                  outbox, paste, kind):
    """No code has a space, a quote or a full stop: they are no part of it."""
    if kind == "standing":
        code = f.standing_code(world.group)
    else:
        invite(testapp, world)
        code = mailed_code(outbox[0])
    res = join(testapp, world.headers("non_member"), paste(code))
    assert res.json["id"] == world.group.id
    assert membership(dbsession, world.group, world.outsider).role == Role.MEMBER


@pytest.mark.parametrize("typed", [str.upper, str.lower, str.capitalize, str.swapcase])
@pytest.mark.parametrize("kind", ["standing", "invitation"])
def test_a_code_typed_in_another_case_works(testapp, world, dbsession, outbox, typed, kind):
    """People type codes read off another screen, and phones capitalize."""
    if kind == "standing":
        code = f.standing_code(world.group)
    else:
        invite(testapp, world)
        code = mailed_code(outbox[0])
    assert join(testapp, world.headers("non_member"), typed(code)).json["id"] == world.group.id
    assert membership(dbsession, world.group, world.outsider).role == Role.MEMBER


def test_an_invitation_code_is_26_lower_case_base32_characters(testapp, world, outbox):
    invite(testapp, world)
    assert re.fullmatch(r"[a-z2-7]{26}", mailed_code(outbox[0]))


def test_an_invitation_made_before_codes_were_lower_case_matches_only_as_sent(
        testapp, world, dbsession):
    """Its hash is of the mixed-case code: only that code finds it."""
    code = "MixedCase-Code_0123456789"
    f.make_invitation(world.group, code=code)
    join(testapp, world.headers("non_member"), code.lower(), status=404)
    join(testapp, world.headers("non_member"), code)


def test_a_code_of_nothing_but_characters_no_code_has_is_refused(testapp, world):
    res = testapp.post_json(f"{API}/groups/join", {"invitation_code": "  "},
                            headers=world.headers("member"), status=400)
    assert res.json["fields"] == {"invitation_code": "must not be blank"}
    join(testapp, world.headers("member"), "\u200b\"\u200b.", status=404)


def test_join_again_is_200_and_keeps_one_membership_and_the_role(testapp, world, dbsession):
    for _ in range(2):
        res = testapp.post_json(
            f"{API}/groups/join", {"invitation_code": f.standing_code(world.group)},
            headers=world.headers("admin"),
        )
        assert res.json["role"] == "admin"
    assert dbsession.query(Membership).filter_by(
        group_id=world.group.id, user_id=world.admin.id).count() == 1


def test_join_an_inactive_group_is_404(testapp, world, dbsession):
    old = f.make_group(creator=world.admin, active=False)
    testapp.post_json(f"{API}/groups/join", {"invitation_code": f.standing_code(old)},
                      headers=world.headers("non_member"), status=404)


def test_join_needs_a_code(testapp, world):
    res = testapp.post_json(f"{API}/groups/join", {}, headers=world.headers("member"), status=400)
    assert res.json["fields"] == {"invitation_code": "Required"}


# --- POST /groups/ID/invitation_code --------------------------------------

def replace_code(testapp, world, headers, body=None, group=None, status=200):
    group = group or world.group
    return testapp.post_json(f"{API}/groups/{group.id}/invitation_code",
                             {} if body is None else body, headers=headers, status=status)


def shown_code(testapp, world) -> str:
    return testapp.get(f"{API}/groups/{world.group.id}",
                       headers=world.headers("admin")).json["invitation_code"]


def test_admin_replaces_the_code_and_the_old_one_is_404(testapp, world, dbsession):
    """A code posted in a chat lets anyone in forever: an administrator
    replaces it, and only the new one lets anybody join."""
    old = shown_code(testapp, world)
    res = replace_code(testapp, world, world.headers("admin"))
    new = res.json["invitation_code"]
    assert new != old and new.startswith(f"{world.group.id}-") and len(new) == len(old)
    assert res.json["id"] == world.group.id and res.json["role"] == "admin"
    assert "Location" not in res.headers
    assert shown_code(testapp, world) == new
    res = join(testapp, world.headers("non_member"), old, status=404)
    assert res.json["error_detail"] == (
        "No group has this invitation code, or it was already used.")
    assert membership(dbsession, world.group, world.outsider) is None
    assert join(testapp, world.headers("non_member"), new).json["role"] == "member"
    # Again: each replacement a code never seen before; members stay.
    newer = replace_code(testapp, world, world.headers("admin")).json["invitation_code"]
    assert newer not in (old, new)
    join(testapp, world.auth_headers(f.make_user()), new, status=404)
    assert membership(dbsession, world.group, world.outsider).role == Role.MEMBER


def test_replacing_the_code_spares_invitations_and_other_groups(testapp, world, outbox):
    invite(testapp, world)
    other = f.make_group(entity=world.entity, creator=world.admin, name="Other")
    other_code = f.standing_code(other)
    replace_code(testapp, world, world.headers("admin"))
    join(testapp, world.headers("non_member"), mailed_code(outbox[0]))
    join(testapp, world.headers("non_member"), other_code)


def test_a_group_whose_code_was_never_replaced_keeps_the_code_it_had(world):
    """Migration 0013 changes no code: generation 0 MACs the id alone, as
    every code did before codes could be replaced."""
    import base64
    import hashlib
    import hmac

    from seatshare.services.group_invitations import STANDING_CODE_PURPOSE
    from seatshare.tokens import derived_key

    key = derived_key({"seatshare.session_secret": f.SESSION_SECRET}, STANDING_CODE_PURPOSE)
    mac = hmac.new(key, str(world.group.id).encode(), hashlib.sha256).digest()[:16]
    before = f"{world.group.id}-" + base64.urlsafe_b64encode(mac).decode().rstrip("=")
    assert world.group.invitation_code_generation == 0
    assert f.standing_code(world.group) == before


def test_the_replaced_code_is_stored_nowhere(testapp, world, dbsession):
    code = replace_code(testapp, world, world.headers("admin")).json["invitation_code"]
    for table in Group.metadata.sorted_tables:
        for row in dbsession.execute(table.select()).all():
            assert not any(code in str(value) for value in row), table.name


@pytest.mark.parametrize("caller", ["anonymous", "unknown_token", "expired_token",
                                    "revoked_token"])
def test_replacing_the_code_without_a_valid_token_is_401(testapp, world, caller):
    old = shown_code(testapp, world)
    res = replace_code(testapp, world, world.headers(caller), status=401)
    assert res.headers["WWW-Authenticate"].startswith('Bearer realm="seatshare"')
    assert shown_code(testapp, world) == old
    # Whether the group exists is not told either.
    replace_code(testapp, world, world.headers(caller), group=f.make_group(active=False),
                 status=401)
    testapp.post_json(f"{API}/groups/999999/invitation_code", {},
                      headers=world.headers(caller), status=401)


@pytest.mark.parametrize("caller", ["non_member", "member", "owner", "read_only",
                                    "write_only"])
def test_only_an_administrator_replaces_the_code(testapp, world, caller):
    old = shown_code(testapp, world)
    # 403 before 400: a body this endpoint refuses changes nothing here.
    replace_code(testapp, world, world.headers(caller), status=403)
    replace_code(testapp, world, world.headers(caller), body={"nope": 1}, status=403)
    assert shown_code(testapp, world) == old
    assert join(testapp, world.headers("non_member"), old).json["role"] == "member"


def test_an_administrator_s_read_only_token_cannot_replace_the_code(testapp, world):
    old = shown_code(testapp, world)
    res = replace_code(testapp, world, world.auth_headers(world.admin, scopes="read"),
                       status=403)
    assert "scope" in res.json["error_detail"]
    assert shown_code(testapp, world) == old


@pytest.mark.parametrize("caller", ["member", "admin", "read_only"])
def test_replacing_the_code_of_no_group_or_an_inactive_one_is_404(testapp, world, caller):
    testapp.post_json(f"{API}/groups/999999/invitation_code", {},
                      headers=world.headers(caller), status=404)
    inactive = f.make_group(creator=world.admin, active=False)
    replace_code(testapp, world, world.headers(caller), group=inactive, status=404)


@pytest.mark.parametrize(("body", "fields"), [
    ({"invitation_code": "mine", "id": 5, "role": "member"}, None),  # read-only: ignored
    ({"name": "Renamed"}, {"name": "is not a known field"}),
    ({"code": "mine"}, {"code": "is not a known field"}),
])
def test_replacing_the_code_takes_an_empty_object(testapp, world, body, fields):
    old = shown_code(testapp, world)
    if fields is None:
        assert replace_code(testapp, world, world.headers("admin"), body=body).json[
            "invitation_code"] not in (old, "mine")
        return
    res = replace_code(testapp, world, world.headers("admin"), body=body, status=400)
    assert res.json["fields"] == fields
    assert shown_code(testapp, world) == old
    assert testapp.get(f"{API}/groups/{world.group.id}",
                       headers=world.headers("admin")).json["name"] == world.group.name


@pytest.mark.parametrize("body", [b"", b"[]", b"nope"])
def test_replacing_the_code_with_a_body_that_is_no_object_is_400(testapp, world, body):
    old = shown_code(testapp, world)
    res = testapp.post(f"{API}/groups/{world.group.id}/invitation_code", body,
                       headers={**world.headers("admin"), "Content-Type": "application/json"},
                       status=400)
    assert res.json["code"] == 400
    assert shown_code(testapp, world) == old


def test_get_on_the_invitation_code_is_405(testapp, world):
    res = testapp.get(f"{API}/groups/{world.group.id}/invitation_code",
                      headers=world.headers("admin"), status=405)
    assert res.headers["Allow"] == "POST"


@pytest.mark.parametrize("caller", ["anonymous", "admin"])
def test_a_path_below_the_invitation_code_is_404(testapp, world, caller):
    testapp.post_json(f"{API}/groups/{world.group.id}/invitation_code/nope", {},
                      headers=world.headers(caller), status=404)


# --- DELETE /groups/ID -----------------------------------------------------

def test_admin_deactivates_group_and_it_leaves_every_list(testapp, world, dbsession):
    testapp.delete(f"{API}/groups/{world.group.id}", headers=world.headers("admin"), status=204)
    dbsession.expire_all()
    assert dbsession.get(Group, world.group.id).active is False
    member = world.headers("member")
    assert world.group.id not in [g["id"] for g in testapp.get(f"{API}/groups", headers=member).json]
    assert testapp.get(f"{API}/tickets", headers=member).json == []
    assert testapp.get(f"{API}/events", headers=member).json == []
    testapp.get(f"{API}/groups/{world.group.id}", headers=member, status=404)


def test_deactivated_group_no_longer_makes_mutual_members(testapp, world):
    testapp.get(f"{API}/users/{world.owner.id}", headers=world.headers("member"), status=200)
    testapp.delete(f"{API}/groups/{world.group.id}", headers=world.headers("admin"), status=204)
    testapp.get(f"{API}/users/{world.owner.id}", headers=world.headers("member"), status=403)
    listed = testapp.get(f"{API}/users", headers=world.headers("member")).json
    assert [u["id"] for u in listed] == [world.member.id]


def test_each_member_is_mailed_that_the_group_was_deleted(testapp, world, outbox):
    """Once each, in the administrator's name; not the administrator, nor
    anyone outside the group."""
    testapp.delete(f"{API}/groups/{world.group.id}", headers=world.headers("admin"), status=204)
    told = {m.to.split("<")[1].rstrip(">"): m for m in outbox}
    assert len(told) == len(outbox)
    assert set(told) == {u.email for u in (world.member, world.owner, world.assignee,
                                           world.alias_owner)}
    admin = f"{world.admin.first_name} {world.admin.last_name}"
    message = told[world.member.email]
    assert message.subject == f"{admin} deleted {world.group.name}"
    assert world.admin.email in message.message["Reply-To"]
    assert "invitation codes no longer work" in message.body


def test_a_refused_deactivation_mails_nobody(testapp, world, outbox):
    testapp.delete(f"{API}/groups/{world.group.id}", headers=world.headers("member"), status=403)
    assert outbox == []


def test_member_gets_403_deactivating_group(testapp, world):
    testapp.delete(f"{API}/groups/{world.group.id}", headers=world.headers("member"), status=403)


# --- POST /groups/ID/invitations -------------------------------------------

def invite(testapp, world, email="friend@example.com"):
    return testapp.post_json(
        f"{API}/groups/{world.group.id}/invitations", {"email": email},
        headers=world.headers("admin"), status=201,
    )


def mailed_code(message) -> str:
    return re.search(r"Your invitation code:\s+(\S+)", message.body).group(1)


def test_admin_invites_by_mail_and_only_the_hash_is_stored(testapp, world, dbsession, outbox):
    res = invite(testapp, world, "Friend@Example.com")
    body = res.json
    assert {"id", "group_id", "email", "created_at"} <= set(body)
    assert "code" not in body and body["group_id"] == world.group.id
    assert body["email"] == "friend@example.com"
    assert res.headers["Location"].endswith(f"/groups/{world.group.id}/invitations/{body['id']}")
    [message] = outbox
    assert message.to == "friend@example.com"
    code = mailed_code(message)
    stored = dbsession.get(GroupInvitation, body["id"])
    assert stored.code_hash == hash_token(code) and code not in res.text
    assert stored.inviter_id == world.admin.id


def test_invitation_code_works_once(testapp, world, dbsession, outbox):
    invite(testapp, world)
    code = mailed_code(outbox[0])
    first = testapp.post_json(f"{API}/groups/join", {"invitation_code": code},
                              headers=world.headers("non_member"))
    assert first.json["id"] == world.group.id and first.json["role"] == "member"
    newcomer = f.make_user()
    testapp.post_json(f"{API}/groups/join", {"invitation_code": code},
                      headers=world.auth_headers(newcomer), status=404)
    assert membership(dbsession, world.group, newcomer) is None
    dbsession.expire_all()
    [invitation] = dbsession.query(GroupInvitation).all()
    assert invitation.used_by_id == world.outsider.id and invitation.used_at is not None


def test_an_existing_member_does_not_spend_an_invitation(testapp, world, dbsession, outbox):
    invite(testapp, world)
    code = mailed_code(outbox[0])
    testapp.post_json(f"{API}/groups/join", {"invitation_code": code},
                      headers=world.headers("member"), status=200)
    testapp.post_json(f"{API}/groups/join", {"invitation_code": code},
                      headers=world.headers("non_member"), status=200)



def test_joining_again_with_the_invitation_you_used_is_200(testapp, world, dbsession, outbox):
    """A join sent again (its answer lost on the way, a client retrying)
    finds the member in: 200 with the group, as joining again with the
    standing code is, and nothing changes. Once they have left, the code
    they spent is a 404 like any spent one."""
    invite(testapp, world)
    code = mailed_code(outbox[0])
    headers = world.headers("non_member")
    first = join(testapp, headers, code)
    assert join(testapp, headers, code).json == first.json
    dbsession.expire_all()
    [invitation] = dbsession.query(GroupInvitation).all()
    assert invitation.used_by_id == world.outsider.id
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.outsider.id}",
                   headers=headers, status=204)
    join(testapp, headers, code, status=404)
    assert membership(dbsession, world.group, world.outsider) is None


def test_inviting_a_member_s_address_is_409_and_mails_nothing(
        testapp, world, dbsession, outbox, app, monkeypatch):
    """Their code would do nothing; nor does it count against the limit."""
    monkeypatch.setitem(app.registry.settings, "seatshare.invitation_max", "1")
    res = invite_from(testapp, world, world.group, "admin", world.member.email.upper(),
                      status=409)
    assert res.json["error_detail"] == (
        "Whoever has this address is already a member of the group.")
    assert outbox == [] and dbsession.query(GroupInvitation).count() == 0
    # The address of a member of another group, or of one who left, is invited.
    invite_from(testapp, world, world.group, "admin", world.outsider.email)


@pytest.mark.parametrize("email", ["nope", "a" * 65 + "@example.com"])
def test_invitation_needs_an_email_address(testapp, world, outbox, email):
    res = testapp.post_json(f"{API}/groups/{world.group.id}/invitations", {"email": email},
                            headers=world.headers("admin"), status=400)
    assert res.json["fields"] == {"email": "must be an email address"}
    assert outbox == []


def test_member_gets_403_inviting(testapp, world, outbox):
    testapp.post_json(f"{API}/groups/{world.group.id}/invitations", {"email": "a@example.com"},
                      headers=world.headers("member"), status=403)
    assert outbox == []


def invite_from(testapp, world, group, who, email, status=201):
    return testapp.post_json(f"{API}/groups/{group.id}/invitations", {"email": email},
                             headers=world.headers(who), status=status)


@pytest.mark.parametrize("then", ["demoted", "left", "removed"])
def test_an_invitation_outlives_its_sender_s_administrator_rights(
        testapp, world, dbsession, outbox, then):
    """The invitation is the group's, not its sender's: the invitee was told
    they may join, and knows nothing of the group's roles since. The other
    administrators list it and may withdraw it."""
    members = f"{API}/groups/{world.group.id}/members/{world.member.id}"
    testapp.put_json(members, {"role": "admin"}, headers=world.headers("admin"))
    sent = invite_from(testapp, world, world.group, "member", "friend@example.com").json
    code = mailed_code(outbox[-1])
    if then == "demoted":
        testapp.put_json(members, {"role": "member"}, headers=world.headers("admin"))
    else:
        testapp.delete(members, headers=world.headers("member" if then == "left" else "admin"),
                       status=204)
    listed = testapp.get(f"{API}/groups/{world.group.id}/invitations",
                         headers=world.headers("admin")).json
    assert [(i["id"], i["inviter_id"]) for i in listed] == [(sent["id"], world.member.id)]
    joined = join(testapp, world.headers("non_member"), code)
    assert joined.json["id"] == world.group.id and joined.json["role"] == "member"
    assert membership(dbsession, world.group, world.outsider).role == Role.MEMBER


def test_invitations_are_limited_per_administrator_and_per_address(
        testapp, world, dbsession, outbox, app, monkeypatch):
    """An invitation mails words its sender chose (the group's name, their
    own) to any address, with Reply-To them: unlimited, anyone could open a
    group and send mail through SeatShare to every address they have, or
    flood one mailbox. Past ``seatshare.invitation_max`` in the window, from
    one administrator or to one address, it is a 429 that mails nothing."""
    monkeypatch.setitem(app.registry.settings, "seatshare.invitation_max", "3")
    for email in ("a@example.com", "b@example.com", "target@example.com"):
        invite_from(testapp, world, world.group, "admin", email)
    refused = invite_from(testapp, world, world.group, "admin", "c@example.com", status=429)
    assert refused.json == {"error": "Too Many Requests", "code": 429,
                            "error_detail": "Too many invitations. Try again later."}
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    # To one address, whoever sends them.
    for _ in range(2):
        invite_from(testapp, world, world.other_group, "non_member", "target@example.com")
    invite_from(testapp, world, world.other_group, "non_member", "target@example.com",
                status=429)
    invite_from(testapp, world, world.other_group, "non_member", "d@example.com")
    assert len(outbox) == 6
    assert dbsession.query(GroupInvitation).count() == 6


def test_admin_lists_invitations(testapp, world, outbox):
    first = invite(testapp, world, "a@example.com").json
    second = invite(testapp, world, "b@example.com").json
    res = testapp.get(f"{API}/groups/{world.group.id}/invitations", headers=world.headers("admin"))
    assert [i["id"] for i in res.json] == [first["id"], second["id"]]
    assert res.headers["X-Total-Count"] == "2"


def test_admin_sees_only_this_groups_invitations(testapp, world, outbox):
    """World's admin runs a second group too: its invitations are neither in
    this group's list nor found under this group (404)."""
    second = f.make_group(entity=world.entity, creator=world.admin)
    elsewhere = f.make_invitation(second, inviter_id=world.admin.id)
    mine = invite(testapp, world, "a@example.com").json
    headers = world.headers("admin")
    res = testapp.get(f"{API}/groups/{world.group.id}/invitations", headers=headers)
    assert [i["id"] for i in res.json] == [mine["id"]]
    testapp.get(f"{API}/groups/{world.group.id}/invitations/{elsewhere.id}", headers=headers,
                status=404)
    res = testapp.get(f"{API}/groups/{second.id}/invitations/{elsewhere.id}", headers=headers)
    assert res.json["group_id"] == second.id


def withdraw(testapp, world, invitation_id, caller="admin", status=204):
    return testapp.delete(f"{API}/groups/{world.group.id}/invitations/{invitation_id}",
                          headers=world.headers(caller), status=status)


def test_admin_withdraws_an_invitation_and_its_code_is_404(testapp, world, dbsession, outbox):
    """An invitation mailed to the wrong address, or to someone who should
    no longer come, stops working: its code is a 404 like any unknown one."""
    first = invite(testapp, world, "wrong@example.com").json
    kept = invite(testapp, world, "right@example.com").json
    withdraw(testapp, world, first["id"])
    res = join(testapp, world.headers("non_member"), mailed_code(outbox[0]), status=404)
    assert res.json["error_detail"] == (
        "No group has this invitation code, or it was already used.")
    assert membership(dbsession, world.group, world.outsider) is None
    listed = testapp.get(f"{API}/groups/{world.group.id}/invitations",
                         headers=world.headers("admin")).json
    assert [i["id"] for i in listed] == [kept["id"]]
    testapp.get(f"{API}/groups/{world.group.id}/invitations/{first['id']}",
                headers=world.headers("admin"), status=404)
    withdraw(testapp, world, first["id"], status=404)
    join(testapp, world.headers("non_member"), mailed_code(outbox[1]))


def test_a_withdrawn_invitation_s_id_is_never_given_again(testapp, world, outbox):
    """Even the newest one's, on SQLite: a client that was shown it must
    not find another invitation at its URL."""
    first = invite(testapp, world, "wrong@example.com").json
    withdraw(testapp, world, first["id"])
    second = invite(testapp, world, "right@example.com").json
    assert second["id"] > first["id"]
    testapp.get(f"{API}/groups/{world.group.id}/invitations/{first['id']}",
                headers=world.headers("admin"), status=404)


def test_a_used_invitation_cannot_be_withdrawn(testapp, world, dbsession, outbox):
    """It records who joined with it; to undo the join, remove the member."""
    body = invite(testapp, world).json
    join(testapp, world.headers("non_member"), mailed_code(outbox[0]))
    res = withdraw(testapp, world, body["id"], status=409)
    assert res.json["error_detail"] == (
        "This invitation was already used: remove the member instead.")
    dbsession.expire_all()
    assert dbsession.get(GroupInvitation, body["id"]).used_by_id == world.outsider.id


@pytest.mark.parametrize(("caller", "status"), [
    ("anonymous", 401), ("unknown_token", 401), ("expired_token", 401),
    ("non_member", 403), ("member", 403), ("owner", 403), ("read_only", 403),
])
def test_only_an_administrator_withdraws_an_invitation(testapp, world, dbsession, outbox,
                                                        caller, status):
    body = invite(testapp, world).json
    withdraw(testapp, world, body["id"], caller=caller, status=status)
    testapp.delete(f"{API}/groups/{world.group.id}/invitations/999999",
                   headers=world.headers(caller), status=status)
    dbsession.expire_all()
    assert dbsession.get(GroupInvitation, body["id"]) is not None


def test_an_administrator_s_read_only_token_cannot_withdraw(testapp, world, dbsession, outbox):
    body = invite(testapp, world).json
    testapp.delete(f"{API}/groups/{world.group.id}/invitations/{body['id']}",
                   headers=world.auth_headers(world.admin, scopes="read"), status=403)
    dbsession.expire_all()
    assert dbsession.get(GroupInvitation, body["id"]) is not None


def test_another_group_s_invitation_is_404_to_withdraw(testapp, world, dbsession):
    second = f.make_group(entity=world.entity, creator=world.admin)
    elsewhere = f.make_invitation(second, inviter_id=world.admin.id)
    withdraw(testapp, world, elsewhere.id, status=404)
    dbsession.expire_all()
    assert dbsession.get(GroupInvitation, elsewhere.id) is not None


# --- /groups/ID/members ----------------------------------------------------

def test_members_list_the_group_ordered_by_name(testapp, world):
    res = testapp.get(f"{API}/groups/{world.group.id}/members", headers=world.headers("member"))
    assert [m["user_id"] for m in res.json] == [
        world.admin.id, world.alias_owner.id, world.assignee.id, world.member.id, world.owner.id
    ]
    assert res.json[0] == {
        "group_id": world.group.id, "user_id": world.admin.id, "role": "admin",
        "first_name": world.admin.first_name, "last_name": "Adams",
        "created_at": res.json[0]["created_at"],
    }


def test_non_member_gets_403_on_members(testapp, world):
    testapp.get(f"{API}/groups/{world.group.id}/members", headers=world.headers("non_member"),
                status=403)


def test_someone_who_is_not_a_member_is_404_under_members(testapp, world):
    testapp.get(f"{API}/groups/{world.group.id}/members/{world.outsider.id}",
                headers=world.headers("member"), status=404)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_non_member_learns_nothing_of_who_is_in_the_group(testapp, world, dbsession, method):
    """A member's id and anybody else's get the same 403: a 404 for one and
    a 403 for the other would tell an outsider who belongs to the group."""
    stranger = f.make_user(last_name="Stranger")  # in no group of the world's
    dbsession.flush()
    statuses = set()
    for user_id in (world.member.id, stranger.id, 999999):
        res = testapp.request(f"{API}/groups/{world.group.id}/members/{user_id}", method=method,
                              json={"role": "admin"} if method == "PUT" else None,
                              headers=world.headers("non_member"), expect_errors=True)
        statuses.add(res.status_int)
    assert statuses == {403}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_your_own_membership_once_you_left_is_404(testapp, world, method):
    """A leave sent again (its answer lost) is told there is no such
    membership, as an administrator's removal sent twice is; whether you
    belong to the group you know."""
    url = f"{API}/groups/{world.group.id}/members/{world.member.id}"
    testapp.delete(url, headers=world.headers("member"), status=204)
    testapp.request(url, method=method, json={"role": "admin"} if method == "PUT" else None,
                    headers=world.headers("member"), status=404)
    # Anybody else's id is still the 403 that tells a non-member nothing.
    testapp.request(f"{API}/groups/{world.group.id}/members/{world.owner.id}", method=method,
                    json={"role": "admin"} if method == "PUT" else None,
                    headers=world.headers("member"), status=403)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_non_members_read_only_token_learns_nothing_either(testapp, world, dbsession,
                                                             method):
    """Without the write scope a member is told 'scope'; a non-member gets
    the same 403 for a member's id and for anybody else's."""
    stranger = f.make_user(last_name="Stranger")
    dbsession.flush()
    headers = world.auth_headers(world.outsider, scopes="read")
    answers = set()
    for user_id in (world.member.id, stranger.id, 999999):
        res = testapp.request(f"{API}/groups/{world.group.id}/members/{user_id}", method=method,
                              json={"role": "admin"} if method == "PUT" else None,
                              headers=headers, expect_errors=True)
        answers.add((res.status_int, res.json["error_detail"]))
    assert len(answers) == 1 and {status for status, _ in answers} == {403}


def test_a_member_learns_nothing_of_the_groups_invitations(testapp, world, outbox):
    testapp.post_json(f"{API}/groups/{world.group.id}/invitations", {"email": "zoe@example.com"},
                      headers=world.headers("admin"), status=201)
    [invitation] = testapp.get(f"{API}/groups/{world.group.id}/invitations",
                               headers=world.headers("admin")).json
    for invitation_id in (invitation["id"], 999999):
        testapp.get(f"{API}/groups/{world.group.id}/invitations/{invitation_id}",
                    headers=world.headers("member"), status=403)


def test_admin_promotes_a_member(testapp, world, dbsession):
    res = testapp.put_json(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                           {"role": "admin"}, headers=world.headers("admin"))
    assert res.json["role"] == "admin"
    dbsession.expire_all()
    assert membership(dbsession, world.group, world.member).role == Role.ADMIN
    shown = testapp.get(f"{API}/groups/{world.group.id}", headers=world.headers("member")).json
    assert shown["role"] == "admin" and "invitation_code" in shown


def test_role_must_be_admin_or_member(testapp, world):
    res = testapp.put_json(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                           {"role": "owner"}, headers=world.headers("admin"), status=400)
    assert res.json["fields"] == {"role": 'must be one of "admin", "member"'}


def test_member_gets_403_changing_roles(testapp, world):
    testapp.put_json(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                     {"role": "admin"}, headers=world.headers("member"), status=403)


def test_last_administrator_cannot_be_demoted_409(testapp, world, dbsession):
    res = testapp.put_json(f"{API}/groups/{world.group.id}/members/{world.admin.id}",
                           {"role": "member"}, headers=world.headers("admin"), status=409)
    assert res.json["code"] == 409 and "administrator" in res.json["error_detail"]
    dbsession.expire_all()
    assert membership(dbsession, world.group, world.admin).role == Role.ADMIN


def test_an_administrator_can_step_down_when_another_remains(testapp, world, dbsession):
    f.make_membership(world.group, f.make_user(), role=Role.ADMIN)
    res = testapp.put_json(f"{API}/groups/{world.group.id}/members/{world.admin.id}",
                           {"role": "member"}, headers=world.headers("admin"))
    assert res.json["role"] == "member"


def test_last_administrator_cannot_leave_409(testapp, world, dbsession):
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.admin.id}",
                   headers=world.headers("admin"), status=409)
    assert membership(dbsession, world.group, world.admin) is not None


@pytest.mark.parametrize(("alone", "method", "detail"), [
    (False, "DELETE", "You cannot leave this group: you are its only administrator, and a "
                      "group needs one. Make another member an administrator first, then leave."),
    (True, "DELETE", "You cannot leave this group: you are its only member, and a group needs "
                     "an administrator. If nobody needs the group any more, delete it; or "
                     "invite someone, make them an administrator, then leave."),
    (False, "PUT", "You cannot stop being an administrator of this group: you are its only "
                   "one, and a group needs one. Make another member an administrator first."),
    (True, "PUT", "You cannot stop being an administrator of this group: you are its only "
                  "member, and a group needs an administrator. Invite someone and make them "
                  "an administrator first."),
], ids=["leaving", "leaving alone", "stepping down", "stepping down alone"])
def test_the_last_administrator_is_told_what_they_tried_and_what_they_can_do(
        testapp, world, dbsession, alone, method, detail):
    """Nobody else to promote, the only member may delete the group, but
    "delete the group instead" read oddly for a role change: stepping
    down alone is refused in words about a role, and told to invite
    someone to hand the group to."""
    group, user, caller = world.group, world.admin, "admin"
    if alone:
        group = f.make_group(entity=world.entity, creator=world.outsider)
        user, caller = world.outsider, "non_member"
    res = testapp.request(f"{API}/groups/{group.id}/members/{user.id}", method=method,
                          headers={**world.headers(caller), "Content-Type": "application/json"},
                          body=b'{"role": "member"}' if method == "PUT" else b"", status=409)
    assert res.json == {"error": "Conflict", "error_detail": detail, "code": 409}
    assert membership(dbsession, group, user).role == Role.ADMIN


def test_member_leaves(testapp, world, dbsession):
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("member"), status=204)
    dbsession.expire_all()
    assert membership(dbsession, world.group, world.member) is None
    testapp.get(f"{API}/groups/{world.group.id}", headers=world.headers("member"), status=403)


def test_admin_removes_a_member(testapp, world, dbsession):
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("admin"), status=204)
    assert membership(dbsession, world.group, world.member) is None


def join(testapp, headers, code, status=200):
    return testapp.post_json(f"{API}/groups/join", {"invitation_code": code}, headers=headers,
                             status=status)


def test_a_removed_member_cannot_come_back_with_the_groups_code(testapp, world, dbsession):
    """Removal sticks: the standing code, which the member may well know,
    no longer lets them in; the group is unchanged."""
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("admin"), status=204)
    res = join(testapp, world.headers("member"), f.standing_code(world.group), status=403)
    assert res.json == {
        "error": "Forbidden",
        "error_detail": "An administrator removed you from this group: "
                        "ask one of them to invite you again.",
        "code": 403,
    }
    dbsession.expire_all()
    assert membership(dbsession, world.group, world.member) is None


def test_an_invitation_lets_a_removed_member_back_and_ends_the_removal(testapp, world,
                                                                        dbsession, outbox):
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("admin"), status=204)
    invite(testapp, world)
    back = join(testapp, world.headers("member"), mailed_code(outbox[-1]))
    assert back.json["id"] == world.group.id and back.json["role"] == "member"
    # Back in, and no longer a removed member: leaving and the code work as for anyone.
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("member"), status=204)
    join(testapp, world.headers("member"), f.standing_code(world.group))
    dbsession.expire_all()
    assert membership(dbsession, world.group, world.member) is not None


def test_an_invitation_made_before_the_removal_does_not_undo_it(testapp, world, dbsession,
                                                                 outbox):
    """The member was invited once and joined with the standing code
    instead, or kept another invitation: an unused code from before the
    removal lets them no more than the standing code does, and stays unspent."""
    kept = "kept-from-before-the-removal"  # mailed before they joined
    f.make_invitation(world.group, code=kept, inviter_id=world.admin.id)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("admin"), status=204)
    res = join(testapp, world.headers("member"), kept, status=403)
    assert res.json["error_detail"] == ("An administrator removed you from this group: "
                                        "ask one of them to invite you again.")
    dbsession.expire_all()
    assert membership(dbsession, world.group, world.member) is None
    assert dbsession.query(GroupInvitation).filter_by(group_id=world.group.id).one().used_at is None
    # An invitation made since lets them back.
    invite(testapp, world, world.member.email)
    join(testapp, world.headers("member"), mailed_code(outbox[-1]))


def test_a_member_who_left_may_come_back_with_the_groups_code(testapp, world, dbsession):
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("member"), status=204)
    join(testapp, world.headers("member"), f.standing_code(world.group))
    dbsession.expire_all()
    assert membership(dbsession, world.group, world.member).role == Role.MEMBER


def test_a_removal_holds_in_its_own_group_only(testapp, world, dbsession):
    other = f.make_group(entity=world.entity, creator=world.admin, name="Other")
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("admin"), status=204)
    join(testapp, world.headers("member"), f.standing_code(other))


def test_member_gets_403_removing_someone_else(testapp, world, dbsession):
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.owner.id}",
                   headers=world.headers("member"), status=403)
    assert membership(dbsession, world.group, world.owner) is not None


def test_a_member_who_leaves_keeps_nothing(testapp, world, dbsession):
    """Tickets they own are deleted, tickets assigned to them unassigned
    (alias cleared), each with a history entry; their pending requests end."""
    owned_id = world.ticket.id
    assigned = f.make_ticket(group=world.group, event=world.event, owner=world.member,
                             assignee=world.owner)
    elsewhere = f.make_group(entity=world.entity, creator=world.owner)
    kept = f.make_ticket(group=elsewhere, event=world.event, owner=world.owner)
    theirs = f.make_ticket(group=world.group, event=world.event, owner=world.member)
    asked = f.make_ticket_request(theirs, requester=world.owner)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.owner.id}",
                   headers=world.headers("owner"), status=204)
    dbsession.expire_all()
    assert dbsession.get(Ticket, owned_id) is None
    assert dbsession.get(Ticket, assigned.id).assignee_id is None
    assert dbsession.get(Ticket, kept.id) is not None
    assert dbsession.get(TicketRequest, asked.id).status == RequestStatus.WITHDRAWN
    entries = {
        e.ticket_id: e for e in dbsession.query(TicketHistory).filter(
            TicketHistory.ticket_id.in_([owned_id, assigned.id]))
    }
    assert entries[owned_id].action == HistoryAction.DELETED
    assert entries[owned_id].actor_id == world.owner.id
    assert entries[assigned.id].action == HistoryAction.UNASSIGNED
    assert entries[assigned.id].changes == {"assignee_id": [world.owner.id, None]}


def test_removed_assignee_loses_the_alias_too(testapp, world, dbsession):
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.assignee.id}",
                   headers=world.headers("admin"), status=204)
    dbsession.expire_all()
    ticket = dbsession.get(Ticket, world.ticket.id)
    assert (ticket.assignee_id, ticket.alias_id) == (None, None)
    [entry] = dbsession.query(TicketHistory).filter_by(ticket_id=ticket.id).all()
    assert entry.action == HistoryAction.UNASSIGNED and entry.actor_id == world.admin.id
    assert entry.changes == {"assignee_id": [world.assignee.id, None],
                             "alias_id": [world.assignee_alias.id, None]}


def recipients(outbox) -> dict:
    """Each recipient's address: their one message (the mail telling a
    member an administrator removed them aside)."""
    told = [m for m in outbox if " removed you from " not in m.subject]
    mailed = {m.to.split("<")[1].rstrip(">"): m for m in told}
    assert len(mailed) == len(told)
    return mailed


def test_a_member_an_administrator_removes_is_mailed_with_their_deleted_games(
        testapp, world, dbsession, outbox):
    """Once, whatever else they owned and held: who removed them, the
    tickets they owned to games still to come (deleted with the
    membership), then those they held (unassigned), and how to come back;
    Reply-To the administrator."""
    played = f.make_event(entity=world.entity, name="Rovers vs. Yesterday",
                          start_time=utcnow() - datetime.timedelta(days=30))
    later = later_event(world)
    f.make_ticket(group=world.group, event=later, owner=world.owner, seat="9")
    f.make_ticket(group=world.group, event=played, owner=world.owner)
    f.make_ticket(group=world.group, event=later, owner=world.member, assignee=world.owner,
                  section="Held")
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.owner.id}",
                   headers=world.headers("admin"), status=204)
    [message] = [m for m in outbox if m.to.endswith(f"<{world.owner.email}>")]
    admin = f"{world.admin.first_name} {world.admin.last_name}"
    assert message.subject == f"{admin} removed you from {world.group.name}"
    assert_lists_both_games(message, world, later, sender=world.admin)
    assert played.name not in message.body
    assert message.body.index("Seat 9") < message.body.index("Section Held")
    assert "ask one of its administrators to invite you again" in message.body


def test_a_member_removed_with_no_games_to_come_is_mailed_too(testapp, world, outbox):
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("admin"), status=204)
    [message] = outbox
    assert message.to.endswith(f"<{world.member.email}>")
    assert "Any ticket you owned there is deleted" in message.body


def test_a_member_who_leaves_is_not_mailed_about_it(testapp, world, outbox):
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.member.id}",
                   headers=world.headers("member"), status=204)
    assert outbox == []


def later_event(world):
    return f.make_event(entity=world.entity, name="Rovers vs. Later",
                        start_time=world.event.start_time + datetime.timedelta(days=7))


def assert_lists_both_games(message, world, later, sender):
    """The world's game, then ``later``'s (its ticket's seat 9); Reply-To ``sender``."""
    first, second = message.body.index(world.event.name), message.body.index(later.name)
    assert first < second and "Seat 9" in message.body[second:]
    assert sender.email in message.message["Reply-To"]


def test_a_leaving_owner_s_assignees_are_mailed_once_each_with_their_games(
    testapp, world, dbsession, outbox
):
    """Not the owner themselves, for a ticket they had assigned to themselves."""
    later = later_event(world)
    f.make_ticket(group=world.group, event=later, owner=world.owner, assignee=world.assignee,
                  seat="9")
    f.make_ticket(group=world.group, event=later, owner=world.owner, assignee=world.member)
    f.make_ticket(group=world.group, event=later, owner=world.owner, assignee=world.owner)
    f.make_ticket(group=world.group, event=later, owner=world.owner)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.owner.id}",
                   headers=world.headers("owner"), status=204)
    mailed = recipients(outbox)
    assert set(mailed) == {world.assignee.email, world.member.email}
    owner = f"{world.owner.first_name} {world.owner.last_name}"
    theirs = mailed[world.assignee.email]
    assert theirs.subject == (f"{world.group.name}: 2 tickets from {owner} are deleted")
    assert_lists_both_games(theirs, world, later, sender=world.owner)
    assert "and with them these, which were assigned to you:" in theirs.body
    assert mailed[world.member.email].subject == (
        f"{world.group.name}: your ticket from {owner} is deleted")
    assert "this one, which was assigned to you:" in mailed[world.member.email].body


def test_an_administrator_removing_an_owner_is_not_mailed_about_their_own_seat(
    testapp, world, dbsession, outbox
):
    f.make_ticket(group=world.group, event=world.event, owner=world.owner, assignee=world.admin)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.owner.id}",
                   headers=world.headers("admin"), status=204)
    assert set(recipients(outbox)) == {world.assignee.email}


@pytest.mark.parametrize("caller", ["assignee", "admin"])
def test_a_leaving_assignee_s_owners_are_mailed_once_each_with_their_games(
    testapp, world, dbsession, outbox, caller
):
    """Each owner learns which of their seats are free again; not the
    member themselves (a ticket they own and hold goes with them), nor an
    administrator removing them, about their own ticket."""
    later = later_event(world)
    f.make_ticket(group=world.group, event=later, owner=world.owner, assignee=world.assignee,
                  seat="9")
    f.make_ticket(group=world.group, event=later, owner=world.member, assignee=world.assignee)
    f.make_ticket(group=world.group, event=later, owner=world.assignee, assignee=world.assignee)
    f.make_ticket(group=world.group, event=later, owner=world.admin, assignee=world.assignee)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.assignee.id}",
                   headers=world.headers(caller), status=204)
    mailed = recipients(outbox)
    assert set(mailed) == {world.owner.email, world.member.email} | (
        {world.admin.email} if caller == "assignee" else set())
    assignee = f"{world.assignee.first_name} {world.assignee.last_name}"
    theirs = mailed[world.owner.email]
    assert theirs.subject == (f"{world.group.name}: 2 seats {assignee} held are free")
    # Reply-To whoever acted: the administrator removing them.
    assert_lists_both_games(theirs, world, later, sender=getattr(world, caller))
    assert "these tickets of yours, which were assigned to them, are unassigned:" in prose(
        theirs)
    assert mailed[world.member.email].subject == (
        f"{world.group.name}: the seat {assignee} held is free")


def test_a_leaver_s_assignee_who_also_lent_them_a_seat_gets_one_mail_with_both(
    testapp, world, dbsession, outbox
):
    """The assignee of the leaver's (deleted) ticket owns a ticket assigned
    to the leaver (unassigned): one message lists both, each with its words."""
    later = later_event(world)
    f.make_ticket(group=world.group, event=later, owner=world.assignee, assignee=world.owner,
                  seat="9")
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.owner.id}",
                   headers=world.headers("owner"), status=204)
    [message] = recipients(outbox).values()
    assert world.assignee.email in message.to
    owner = f"{world.owner.first_name} {world.owner.last_name}"
    assert message.subject == (
        f"{world.group.name}: your ticket from {owner} is deleted, and more")
    assert_lists_both_games(message, world, later, sender=world.owner)
    body = prose(message)
    deleted = body.index("and with them this one, which was assigned to you:")
    dropped = body.index("And this ticket of yours, which was assigned to them, is unassigned:")
    assert deleted < body.index(world.event.name) < dropped < body.index(later.name)
    assert "If you still need a seat" in body and "Its seat is free again" in body


def test_a_leaver_s_every_tie_to_a_member_is_told_in_one_mail(testapp, world, dbsession,
                                                               outbox):
    """The assignee of the leaver's deleted ticket also lent them a seat,
    asked for another of their tickets (deleted, the request with it) and
    was asked by them for two of theirs (the requests withdrawn): one
    message, each list in turn, the games in order."""
    later = later_event(world)
    f.make_ticket(group=world.group, event=later, owner=world.assignee, assignee=world.owner,
                  seat="Lent")
    asked = f.make_ticket(group=world.group, event=later, owner=world.owner, seat="Asked")
    f.make_ticket_request(asked, requester=world.assignee)
    for seat in ("Wanted1", "Wanted2"):
        theirs = f.make_ticket(group=world.group, event=later, owner=world.assignee, seat=seat)
        f.make_ticket_request(theirs, requester=world.owner)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.owner.id}",
                   headers=world.headers("owner"), status=204)
    [message] = recipients(outbox).values()
    assert world.assignee.email in message.to
    owner, event = f"{world.owner.first_name} {world.owner.last_name}", world.event.name
    assert message.subject == (
        f"{world.group.name}: your ticket from {owner} is deleted, and more")
    body = prose(message)
    assert told_in_order(
        body,
        "and with them this one, which was assigned to you:", event,
        "And this ticket of yours, which was assigned to them, is unassigned:", "Seat Lent",
        "And this ticket, which you asked for, was deleted, and your request with it:",
        "Seat Asked",
        "And their requests for these tickets of yours are withdrawn:", "Seat Wanted1",
        "Seat Wanted2",
    )
    assert world.owner.email in message.message["Reply-To"]


@pytest.mark.parametrize("leaver", ["owner", "assignee"])
def test_leaving_mails_nobody_about_games_already_played(testapp, world, dbsession, outbox,
                                                         leaver):
    """A seat to a game that has started is lost to nobody: the mail lists
    only the games still to come, and a leaver with no others sends none."""
    played = f.make_event(entity=world.entity, name="Rovers vs. Yesterday",
                          start_time=utcnow() - datetime.timedelta(days=30))
    later = later_event(world)
    f.make_ticket(group=world.group, event=played, owner=world.owner, assignee=world.assignee)
    f.make_ticket(group=world.group, event=later, owner=world.owner, assignee=world.assignee)
    leaving = getattr(world, leaver)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{leaving.id}",
                   headers=world.headers(leaver), status=204)
    [message] = [m for m in outbox if "is no longer a member" in m.body]
    assert later.name in message.body and played.name not in message.body


def test_leaving_with_only_games_already_played_mails_nobody(testapp, world, dbsession,
                                                             outbox):
    played = f.make_event(entity=world.entity, name="Rovers vs. Yesterday",
                          start_time=utcnow() - datetime.timedelta(days=30))
    dbsession.delete(world.ticket)
    dbsession.flush()
    f.make_ticket(group=world.group, event=played, owner=world.owner, assignee=world.assignee)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.owner.id}",
                   headers=world.headers("owner"), status=204)
    assert outbox == []


def test_a_refused_leaving_mails_no_assignee_nor_owner(testapp, world, dbsession, outbox):
    f.make_ticket(group=world.group, event=world.event, owner=world.admin, assignee=world.member)
    f.make_ticket(group=world.group, event=world.event, owner=world.member, assignee=world.admin)
    testapp.delete(f"{API}/groups/{world.group.id}/members/{world.admin.id}",
                   headers=world.headers("admin"), status=409)
    assert outbox == []


@pytest.mark.parametrize(("principal", "allowed"), [
    (p.group_admin(7), True),
    (p.group_member(7), False),
    (p.group_admin(8), False),
])
def test_an_invitations_own_acl_admits_its_groups_administrators_only(principal, allowed):
    """Through HTTP the gate before it (only administrators list a group's
    invitations) refuses everyone else first; the invitation's own ACL
    says the same, should the gate ever let a caller by."""
    invitation = InvitationContext(None, "1", None, SimpleNamespace(group_id=7))
    principals = [Everyone, Authenticated, p.user(3), principal]
    for permission in (Permission.VIEW, Permission.DELETE):
        assert bool(ACLHelper().permits(invitation, principals, permission)) is allowed
