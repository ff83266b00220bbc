"""What "blank" means, for every field that trims (``seatshare.text``): a
value of nothing but white space and invisible format characters is blank,
and a trimmed value is trimmed of them first, its length then counted."""
import pytest

from seatshare.models import Group, Ticket, User, UserAlias
from seatshare.schemas.types import column_length

from .. import factories as f

API = "/api/v1"

# Each invisible: U+200B zero width space, U+FEFF byte order mark, U+2060
# word joiner, U+00A0 no-break space, U+3000 ideographic space, U+00AD soft
# hyphen, U+200E left-to-right mark, U+180E Mongolian vowel separator.
INVISIBLE = ["\u200b", "\ufeff", "\u2060", "\u00a0", "\u3000", "\u00ad", "\u200e",
             "\u200b\u200c\u200d", " \u200b\t\ufeff ", "\u180e"]


def write(testapp, world, field):
    """The request writing ``field`` with a value: (method, url, body,
    caller), and the model attribute it is stored in, and how to read it."""
    if field in ("first_name", "last_name"):
        return ("PUT", f"{API}/users/me", {}, "member",
                lambda db: db.get(User, world.member.id).__dict__[field])
    if field == "name":
        return ("PUT", f"{API}/groups/{world.group.id}", {}, "admin",
                lambda db: db.get(Group, world.group.id).name)
    if field.startswith("alias_"):
        name = field.removeprefix("alias_")
        return ("PUT", f"{API}/user_aliases/{world.alias.id}", {}, "alias_owner",
                lambda db: db.get(UserAlias, world.alias.id).__dict__[name])
    return ("PUT", f"{API}/ticket/{world.ticket.id}", {}, "owner",
            lambda db: db.get(Ticket, world.ticket.id).__dict__[field])


def body_field(field):
    return field.removeprefix("alias_")


NEVER_BLANK = ["first_name", "last_name", "name", "alias_first_name"]


@pytest.mark.parametrize("value", INVISIBLE, ids=[ascii(v) for v in INVISIBLE])
@pytest.mark.parametrize("field", NEVER_BLANK)
def test_a_name_of_only_invisible_characters_is_blank(testapp, world, dbsession, field, value):
    method, url, _, caller, stored = write(testapp, world, field)
    before = stored(dbsession)
    res = testapp.request(url, method=method, json={body_field(field): value},
                          headers=world.headers(caller), status=400)
    assert res.json["fields"] == {body_field(field): "must not be blank"}
    dbsession.expire_all()
    assert stored(dbsession) == before


@pytest.mark.parametrize("value", INVISIBLE, ids=[ascii(v) for v in INVISIBLE])
def test_a_seat_of_only_invisible_characters_is_blank(testapp, world, dbsession, value):
    res = testapp.put_json(f"{API}/ticket/{world.ticket.id}",
                           {"section": value, "row": "", "seat": "\u200b"},
                           headers=world.headers("owner"), status=400)
    assert set(res.json["fields"]) == {"section", "row", "seat"}
    res = testapp.post_json(f"{API}/tickets", {"group_id": world.group.id,
                                               "event_id": world.event.id, "seat": value},
                            headers=world.headers("owner"), status=400)
    assert set(res.json["fields"]) == {"section", "row", "seat"}
    dbsession.expire_all()
    assert dbsession.get(Ticket, world.ticket.id).section == world.ticket.section


@pytest.mark.parametrize("field", [*NEVER_BLANK, "alias_last_name", "section"])
def test_invisible_characters_around_a_value_are_trimmed(testapp, world, dbsession, field):
    method, url, _, caller, stored = write(testapp, world, field)
    testapp.request(url, method=method, json={body_field(field): "\u200b\ufeff Kid\u00a0\u2060"},
                    headers=world.headers(caller))
    dbsession.expire_all()
    assert stored(dbsession) == "Kid"


def test_a_last_name_may_be_blank_and_is_stored_empty(testapp, world, dbsession):
    res = testapp.put_json(f"{API}/user_aliases/{world.alias.id}", {"last_name": "\u200b\u3000"},
                           headers=world.headers("alias_owner"))
    assert res.json["last_name"] == ""


def test_a_flag_at_the_end_keeps_its_tag_characters(testapp, world):
    """England's flag: U+1F3F4, then tag characters (format characters),
    the last U+E007F. Trimming stops at them after something visible."""
    england = "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"
    res = testapp.put_json(f"{API}/groups/{world.group.id}", {"name": f"Fans {england}\u200b "},
                           headers=world.headers("admin"))
    assert res.json["name"] == f"Fans {england}"


# --- the length counts the value once trimmed ----------------------------

LENGTHS = [("first_name", User.first_name), ("name", Group.name),
           ("alias_first_name", UserAlias.first_name), ("alias_last_name", UserAlias.last_name),
           ("section", Ticket.section)]


@pytest.mark.parametrize(("field", "attribute"), LENGTHS, ids=[f for f, _ in LENGTHS])
def test_the_length_is_counted_once_trimmed(testapp, world, dbsession, field, attribute):
    """Trimmed first, then the length: as the sign-up form does."""
    method, url, _, caller, stored = write(testapp, world, field)
    longest = column_length(attribute)
    at_most = " \u200b" + "x" * longest + "\u3000\n"
    testapp.request(url, method=method, json={body_field(field): at_most},
                    headers=world.headers(caller))
    dbsession.expire_all()
    assert stored(dbsession) == "x" * longest
    for too_long in ("x" * (longest + 1), " " + "x" * (longest + 1) + " "):
        res = testapp.request(url, method=method, json={body_field(field): too_long},
                              headers=world.headers(caller), status=400)
        assert res.json["fields"] == {body_field(field): f"must be at most {longest} characters"}


def test_a_new_alias_and_a_new_group_are_trimmed_then_measured(testapp, world):
    longest = column_length(UserAlias.first_name)
    res = testapp.post_json(f"{API}/user_aliases", {"first_name": "\u200b" + "k" * longest + " "},
                            headers=world.headers("member"), status=201)
    assert res.json["first_name"] == "k" * longest
    testapp.post_json(f"{API}/user_aliases", {"first_name": "\ufeff"},
                      headers=world.headers("member"), status=400)
    entity = f.make_entity()
    res = testapp.post_json(f"{API}/groups", {"name": "\u2060 Crew \u200b", "entity_id": entity.id},
                            headers=world.headers("member"), status=201)
    assert res.json["name"] == "Crew"


def test_a_seat_with_an_arabic_number_sign_keeps_it(testapp, world, dbsession):
    """U+0600 ARABIC NUMBER SIGN is a format character that shows (one of
    Unicode's prepended concatenation marks): not blank, never trimmed."""
    seat = "\u0600\u0661\u0662"
    res = testapp.put_json(f"{API}/ticket/{world.ticket.id}", {"seat": f" {seat}\u200b"},
                           headers=world.headers("owner"))
    assert res.json["seat"] == seat
    res = testapp.post_json(f"{API}/tickets", {"group_id": world.group.id, "event_id": world.event.id,
                                               "section": "", "row": "", "seat": "\u06dd"},
                            headers=world.headers("owner"), status=201)
    assert res.json["seat"] == "\u06dd"
