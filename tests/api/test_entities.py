"""API.md §4: GET /entities (teams to follow; ?q= searches names)."""
from .. import factories as f

API = "/api/v1"


def names(res):
    return [e["name"] for e in res.json]


def test_any_signed_in_user_lists_entities_ordered_by_name(testapp, world, dbsession):
    f.make_entity(name="Zephyrs")
    f.make_entity(name="Anchors")
    res = testapp.get(f"{API}/entities?per_page=100", headers=world.headers("non_member"))
    listed = names(res)
    assert listed == sorted(listed)
    assert {"Zephyrs", "Anchors", world.entity.name} <= set(listed)
    assert set(res.json[0]) == {"id", "name", "created_at"}
    assert res.headers["X-Total-Count"] == str(len(listed))


def test_q_searches_names_case_insensitively(testapp, world):
    f.make_entity(name="Riverside Otters")
    f.make_entity(name="Otterburn Rovers")
    f.make_entity(name="Harbor Herons")
    res = testapp.get(f"{API}/entities?q=OTTER", headers=world.headers("member"))
    assert names(res) == ["Otterburn Rovers", "Riverside Otters"]


def test_q_ignores_case_beyond_ascii_on_either_database(testapp, world):
    """Team names are not all ASCII: "élan" finds "Élan Rovers" on SQLite,
    whose own lower() changes only A to Z, as on PostgreSQL."""
    f.make_entity(name="Élan Rovers")
    f.make_entity(name="FC Köln Fans")
    f.make_entity(name="Harbor Herons")
    for q, found in (("élan", ["Élan Rovers"]), ("ÉLAN", ["Élan Rovers"]),
                     ("KÖLN", ["FC Köln Fans"]), ("köln", ["FC Köln Fans"])):
        res = testapp.get(f"{API}/entities", {"q": q}, headers=world.headers("member"))
        assert names(res) == found, q


def test_q_finds_a_name_typed_as_it_is_written_on_either_database(testapp, world):
    """The query is lowered by the database that lowers the names: Python's
    str.lower and PostgreSQL's lower() disagree on "İ" (two characters, or
    one) and on a final "Σ", so a query lowered in Python missed
    "İstanbul" and "ΟΔΟΣ" typed exactly so on PostgreSQL."""
    f.make_entity(name="İstanbul Cats")
    f.make_entity(name="ΟΔΟΣ United")
    for q, found in (("İstanbul", ["İstanbul Cats"]), ("ΟΔΟΣ", ["ΟΔΟΣ United"])):
        res = testapp.get(f"{API}/entities", {"q": q}, headers=world.headers("member"))
        assert names(res) == found, q


def test_q_takes_like_wildcards_literally(testapp, world):
    f.make_entity(name="100% Club")
    f.make_entity(name="1000 Club")
    f.make_entity(name="Snake_Case FC")
    f.make_entity(name="SnakeXCase FC")
    assert names(testapp.get(f"{API}/entities?q=0%25", headers=world.headers("member"))) == [
        "100% Club"
    ]
    assert names(testapp.get(f"{API}/entities?q=e_c", headers=world.headers("member"))) == [
        "Snake_Case FC"
    ]


def test_q_too_long_is_400(testapp, world):
    res = testapp.get(f"{API}/entities?q={'x' * 201}", headers=world.headers("member"), status=400)
    assert res.json["fields"] == {"q": "must be at most 200 characters"}


def test_get_one_entity(testapp, world):
    res = testapp.get(f"{API}/entities/{world.entity.id}", headers=world.headers("non_member"))
    assert res.json["id"] == world.entity.id and res.json["name"] == world.entity.name


def test_unknown_entity_is_404(testapp, world):
    testapp.get(f"{API}/entities/999999", headers=world.headers("member"), status=404)


def test_entities_need_a_token(testapp):
    testapp.get(f"{API}/entities", status=401)
    testapp.get(f"{API}/entities/1", status=401)
