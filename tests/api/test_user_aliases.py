"""API.md §3 User aliases."""
import pytest

from seatshare.models import HistoryAction, Ticket, TicketHistory, UserAlias

from .. import factories as f

API = "/api/v1"


def test_aliases_lists_yours_and_mutual_members(testapp, world):
    mine = f.make_alias(world.member, first_name="Mine")
    stranger = f.make_alias(world.outsider)
    res = testapp.get(f"{API}/user_aliases", headers=world.headers("member"))
    ids = {a["id"] for a in res.json}
    assert ids == {mine.id, world.alias.id, world.assignee_alias.id}
    assert stranger.id not in ids
    assert set(res.json[0]) == {"id", "user_id", "first_name", "last_name"}


def test_create_alias_is_201_with_location_and_always_yours(testapp, world, dbsession):
    res = testapp.post_json(
        f"{API}/user_aliases",
        {"first_name": "Kim", "last_name": "Lee"},
        headers=world.headers("member"),
        status=201,
    )
    assert res.json["user_id"] == world.member.id
    assert res.headers["Location"].endswith(f"/api/v1/user_aliases/{res.json['id']}")
    assert dbsession.get(UserAlias, res.json["id"]).first_name == "Kim"


def test_create_alias_with_your_own_user_id_is_fine(testapp, world):
    res = testapp.post_json(
        f"{API}/user_aliases",
        {"first_name": "Kim", "user_id": world.member.id},
        headers=world.headers("member"),
        status=201,
    )
    assert res.json["user_id"] == world.member.id


def test_create_alias_for_another_user_is_403(testapp, world, dbsession):
    res = testapp.post_json(
        f"{API}/user_aliases",
        {"first_name": "Kim", "user_id": world.owner.id},
        headers=world.headers("member"),
        status=403,
    )
    assert res.json["code"] == 403
    assert dbsession.query(UserAlias).filter_by(first_name="Kim").count() == 0


@pytest.mark.parametrize("user_id", ['"OWNER"', '"abc"', "1.5", "true", "false", "[OWNER]",
                                     '{"id": OWNER}', "0", "-1", "2147483648", "1e999"])
def test_create_alias_with_a_user_id_that_is_not_yours_is_403(testapp, world, dbsession,
                                                               user_id):
    """"A user_id other than yours is a 403" (API.md §3): whatever its type,
    as the string of another's id or a boolean that Python would equal 1."""
    body = '{"first_name": "Kim", "user_id": %s}' % user_id.replace("OWNER", str(world.owner.id))
    res = testapp.post(f"{API}/user_aliases", body, headers={
        **world.headers("member"), "Content-Type": "application/json"}, status=403)
    assert res.json["code"] == 403
    assert dbsession.query(UserAlias).filter_by(first_name="Kim").count() == 0


@pytest.mark.parametrize("user_id", ["MEMBER", "MEMBER.0", "null"])
def test_create_alias_with_your_id_or_null_is_yours(testapp, world, user_id):
    body = '{"first_name": "Kim", "user_id": %s}' % user_id.replace("MEMBER", str(world.member.id))
    res = testapp.post(f"{API}/user_aliases", body, headers={
        **world.headers("member"), "Content-Type": "application/json"}, status=201)
    assert res.json["user_id"] == world.member.id


def test_create_alias_needs_a_first_name(testapp, world):
    res = testapp.post_json(
        f"{API}/user_aliases", {"last_name": "Lee"}, headers=world.headers("member"), status=400
    )
    assert res.json["fields"] == {"first_name": "Required"}
    res = testapp.post_json(
        f"{API}/user_aliases", {"first_name": "  "}, headers=world.headers("member"), status=400
    )
    assert res.json["fields"] == {"first_name": "must not be blank"}


def test_alias_names_are_stored_without_the_spaces_around_them(testapp, world, dbsession):
    res = testapp.post_json(
        f"{API}/user_aliases", {"first_name": " Kim ", "last_name": "  "},
        headers=world.headers("member"), status=201,
    )
    assert (res.json["first_name"], res.json["last_name"]) == ("Kim", "")
    res = testapp.put_json(
        res.headers["Location"], {"first_name": "Kim Jo\t", "last_name": " Lee"},
        headers=world.headers("member"),
    )
    assert (res.json["first_name"], res.json["last_name"]) == ("Kim Jo", "Lee")
    dbsession.expire_all()
    alias = dbsession.get(UserAlias, res.json["id"])
    assert (alias.first_name, alias.last_name) == ("Kim Jo", "Lee")


def test_mutual_member_can_view_alias(testapp, world):
    res = testapp.get(f"{API}/user_aliases/{world.alias.id}", headers=world.headers("member"))
    assert res.json == {
        "id": world.alias.id,
        "user_id": world.alias_owner.id,
        "first_name": "Kid",
        "last_name": "Alvarez",
    }


def test_non_member_gets_403_on_alias(testapp, world):
    testapp.get(
        f"{API}/user_aliases/{world.alias.id}", headers=world.headers("non_member"), status=403
    )


def test_a_deleted_group_no_longer_shows_its_members_aliases(testapp, world):
    """API.md §4: once deactivated, a group makes no mutual members, so a
    member's aliases are no longer listed nor readable through it."""
    member = world.headers("member")
    assert world.alias.id in {a["id"] for a in testapp.get(f"{API}/user_aliases",
                                                          headers=member).json}
    testapp.delete(f"{API}/groups/{world.group.id}", headers=world.headers("admin"), status=204)
    assert testapp.get(f"{API}/user_aliases", headers=member).json == []
    testapp.get(f"{API}/user_aliases/{world.alias.id}", headers=member, status=403)
    # Its owner still has it.
    testapp.get(f"{API}/user_aliases/{world.alias.id}", headers=world.headers("alias_owner"),
                status=200)


def test_an_alias_owner_in_no_group_sees_their_alias(testapp, world):
    """Yours or a mutual member's: yours without any group too."""
    loner = f.make_user(last_name="Solo")
    kid = f.make_alias(loner, first_name="Kid")
    headers = world.auth_headers(loner)
    assert testapp.get(f"{API}/user_aliases/{kid.id}", headers=headers).json["id"] == kid.id
    assert [a["id"] for a in testapp.get(f"{API}/user_aliases", headers=headers).json] == [kid.id]


def test_alias_owner_can_update_alias_and_user_id_is_ignored(testapp, world):
    res = testapp.put_json(
        f"{API}/user_aliases/{world.alias.id}",
        {"first_name": "Junior", "user_id": world.member.id},
        headers=world.headers("alias_owner"),
    )
    assert res.json["first_name"] == "Junior" and res.json["last_name"] == "Alvarez"
    assert res.json["user_id"] == world.alias_owner.id


def test_mutual_member_gets_403_updating_someone_elses_alias(testapp, world):
    testapp.put_json(
        f"{API}/user_aliases/{world.alias.id}",
        {"first_name": "X"},
        headers=world.headers("member"),
        status=403,
    )


def test_delete_alias_is_204_and_tickets_lose_it(testapp, world, dbsession):
    alias_id = world.assignee_alias.id
    res = testapp.delete(
        f"{API}/user_aliases/{alias_id}", headers=world.headers("assignee"), status=204
    )
    assert res.body == b""
    dbsession.expire_all()
    assert dbsession.get(UserAlias, alias_id) is None
    ticket = dbsession.get(Ticket, world.ticket.id)
    assert ticket.alias_id is None and ticket.assignee_id == world.assignee.id
    entry = dbsession.query(TicketHistory).filter_by(ticket_id=ticket.id).one()
    assert entry.action == HistoryAction.UPDATED
    assert entry.actor_id == world.assignee.id
    assert entry.changes == {"alias_id": [alias_id, None]}


def test_mutual_member_gets_403_deleting_someone_elses_alias(testapp, world):
    testapp.delete(
        f"{API}/user_aliases/{world.alias.id}", headers=world.headers("admin"), status=403
    )


def test_a_ticket_s_alias_is_the_row_its_alias_id_names(world, dbsession):
    """``Ticket.alias``, which the mail naming it reads: no column of its
    own, and None for a ticket without an alias."""
    bare = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    dbsession.expire_all()
    alias = dbsession.get(Ticket, world.ticket.id).alias
    assert (alias.id, alias.first_name) == (world.assignee_alias.id, "Sis")
    assert dbsession.get(Ticket, bare.id).alias is None
