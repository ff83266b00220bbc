"""API.md §3 Groups."""
from seatshare.models import Group, Role

from .. import factories as f

API = "/api/v1"
FIELDS = {"id", "name", "entity_id", "creator_id", "role", "created_at"}


def test_groups_lists_active_groups_you_belong_to_ordered_by_name_id(testapp, world):
    b = f.make_group(creator=world.member, name="B team")
    a = f.make_group(creator=world.admin, name="A team")
    f.make_membership(a, world.member)
    f.make_group(creator=world.member, name="AAA old", active=False)
    f.make_group(creator=world.outsider, name="Not mine")
    res = testapp.get(f"{API}/groups", headers=world.headers("member"))
    assert [(g["id"], g["role"]) for g in res.json] == [
        (a.id, "member"),
        (b.id, "admin"),
        (world.group.id, "member"),
    ]


def test_admin_sees_invitation_code_and_member_does_not(testapp, world):
    as_admin = testapp.get(f"{API}/groups/{world.group.id}", headers=world.headers("admin")).json
    as_member = testapp.get(f"{API}/groups/{world.group.id}", headers=world.headers("member")).json
    assert set(as_admin) == FIELDS | {"invitation_code"}
    assert as_admin["role"] == "admin"
    assert set(as_member) == FIELDS and as_member["role"] == "member"
    listed = testapp.get(f"{API}/groups", headers=world.headers("admin")).json
    assert listed[0]["invitation_code"] == as_admin["invitation_code"]
    # The code shown is the group's: whoever is given it joins this group.
    joined = testapp.post_json(f"{API}/groups/join", {"invitation_code": as_admin["invitation_code"]},
                               headers=world.headers("non_member"))
    assert joined.json["id"] == world.group.id and joined.json["role"] == "member"


def test_member_can_view_group(testapp, world):
    res = testapp.get(f"{API}/groups/{world.group.id}", headers=world.headers("member"))
    assert res.json["id"] == world.group.id and res.json["entity_id"] == world.entity.id
    assert res.json["creator_id"] == world.admin.id


def test_non_member_gets_403_on_group(testapp, world):
    testapp.get(f"{API}/groups/{world.group.id}", headers=world.headers("non_member"), status=403)


def test_inactive_group_is_404(testapp, world):
    old = f.make_group(creator=world.member, active=False)
    testapp.get(f"{API}/groups/{old.id}", headers=world.headers("member"), status=404)


def test_admin_can_rename_group_and_read_only_fields_are_ignored(testapp, world, dbsession):
    before = testapp.get(f"{API}/groups/{world.group.id}", headers=world.headers("admin")).json
    res = testapp.put_json(
        f"{API}/groups/{world.group.id}",
        {"name": "Renamed", "entity_id": 999, "role": "member", "invitation_code": "x",
         "creator_id": 5, "id": 7},
        headers=world.headers("admin"),
    )
    assert res.json["name"] == "Renamed" and res.json["role"] == "admin"
    assert res.json["entity_id"] == world.entity.id
    dbsession.expire_all()
    group = dbsession.get(Group, world.group.id)
    assert group.name == "Renamed"
    assert res.json["invitation_code"] == before["invitation_code"] != "x"


def test_member_gets_403_renaming_group(testapp, world):
    testapp.put_json(
        f"{API}/groups/{world.group.id}", {"name": "X"}, headers=world.headers("member"),
        status=403,
    )


def test_group_name_must_not_be_blank_or_too_long(testapp, world):
    for bad, message in (("", "must not be blank"), ("x" * 201, "must be at most 200 characters")):
        res = testapp.put_json(
            f"{API}/groups/{world.group.id}", {"name": bad}, headers=world.headers("admin"),
            status=400,
        )
        assert res.json["fields"] == {"name": message}


def test_group_name_is_stored_without_the_spaces_around_it(testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/groups/{world.group.id}", {"name": " \tSeason  Crew \u3000"},
        headers=world.headers("admin"),
    )
    assert res.json["name"] == "Season  Crew"
    dbsession.expire_all()
    assert dbsession.get(Group, world.group.id).name == "Season  Crew"


def test_group_name_of_only_spaces_is_400_and_keeps_the_name(testapp, world, dbsession):
    res = testapp.put_json(
        f"{API}/groups/{world.group.id}", {"name": " \t\u00a0 "}, headers=world.headers("admin"),
        status=400,
    )
    assert res.json["fields"] == {"name": "must not be blank"}
    dbsession.expire_all()
    assert dbsession.get(Group, world.group.id).name == world.group.name


def test_promoted_member_sees_role_admin(testapp, world):
    other = f.make_group(creator=world.owner)
    f.make_membership(other, world.member, role=Role.ADMIN)
    res = testapp.get(f"{API}/groups/{other.id}", headers=world.headers("member"))
    assert res.json["role"] == "admin"
