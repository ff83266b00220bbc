"""A reviewer's checks of API.md against the running app, one test per clause
that the other suites left open."""
import pytest

API = "/api/v1"
CHALLENGE = 'Bearer realm="seatshare"'


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNzd29yZA==", "Bearer", "Bearer   ", "Digest x"])
def test_401_without_a_bearer_token_sends_the_plain_challenge(testapp, world, header):
    """§1: ``error="invalid_token"`` only "when a token was sent"; another
    scheme, or the word Bearer alone, sends none (RFC 6750 §3.1)."""
    res = testapp.get(f"{API}/users/me", headers={"Authorization": header}, status=401)
    assert res.headers["WWW-Authenticate"] == CHALLENGE
    assert res.json["code"] == 401


@pytest.mark.parametrize("header", ["Bearer not-a-live-token", "bearer x y", "Bearer a;"])
def test_401_with_a_bearer_token_that_is_no_good_says_invalid_token(testapp, world, header):
    res = testapp.get(f"{API}/users/me", headers={"Authorization": header}, status=401)
    assert res.headers["WWW-Authenticate"] == CHALLENGE + ', error="invalid_token"'


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("written", ["{id}.0", "{id}e0", "{id}.00"])
def test_non_member_gets_403_adding_a_ticket_however_the_group_id_is_written(
    testapp, world, dbsession, written
):
    """§4 POST /tickets: a member of the group. The schema takes 1.0 as the
    id 1 (JSON's integers), so the ACL must read it as 1 too."""
    group_id = written.format(id=world.group.id)
    body = f'{{"group_id": {group_id}, "event_id": {world.event.id}, "seat": "1"}}'
    res = testapp.post(
        f"{API}/tickets", body, headers={**world.headers("non_member"), **JSON}, status=403
    )
    assert res.json["code"] == 403
    res = testapp.post(f"{API}/tickets", body, headers={**world.headers("member"), **JSON}, status=201)
    assert res.json["group_id"] == world.group.id


@pytest.mark.parametrize("written", ["{id}.0", "{id}e0"])
def test_alias_for_another_user_is_403_however_the_user_id_is_written(testapp, world, written):
    """§3 POST /user_aliases: a user_id other than yours is a 403."""
    user_id = written.format(id=world.owner.id)
    body = f'{{"user_id": {user_id}, "first_name": "Kid"}}'
    testapp.post(f"{API}/user_aliases", body, headers={**world.headers("member"), **JSON}, status=403)
    own = written.format(id=world.member.id)
    res = testapp.post(
        f"{API}/user_aliases", f'{{"user_id": {own}, "first_name": "Kid"}}',
        headers={**world.headers("member"), **JSON}, status=201,
    )
    assert res.json["user_id"] == world.member.id


@pytest.mark.parametrize("path", ["/users?group_id={id}", "/events?group_id={id}",
                                  "/tickets?group_id={id}"])
@pytest.mark.parametrize("width", [11, 12, 30])
def test_non_member_gets_403_on_a_group_filter_written_with_leading_zeros(testapp, world, path, width):
    """§3 ?group_id=ID: 403 unless you are a member. The schema reads
    00000000001 as 1, so the ACL must too, or the filter's rule is skipped."""
    padded = str(world.group.id).zfill(width)
    url = API + path.format(id=padded)
    assert testapp.get(url, headers=world.headers("non_member"), status=403).json["code"] == 403
    assert testapp.get(url, headers=world.headers("member"), status=200).json


@pytest.mark.parametrize("width", [11, 12, 30])
def test_filter_naming_no_record_is_404_with_leading_zeros_too(testapp, world, width):
    testapp.get(f"{API}/users?group_id={'999999'.zfill(width)}",
                headers=world.headers("member"), status=404)
    testapp.get(f"{API}/tickets?event_id={'999999'.zfill(width)}",
                headers=world.headers("member"), status=404)


def test_non_member_gets_403_on_an_event_filter_written_with_leading_zeros(testapp, world):
    url = f"{API}/tickets?event_id={str(world.event.id).zfill(12)}"
    testapp.get(url, headers=world.headers("non_member"), status=403)
    testapp.get(url, headers=world.headers("member"), status=200)


@pytest.mark.parametrize("query", ["page=1%0A", "per_page=5%0A", "group_id={id}%0A"])
def test_a_query_integer_with_a_trailing_newline_is_400(testapp, world, query):
    """§1: a non-integer page/per_page (or id filter) is a 400."""
    url = f"{API}/users?" + query.format(id=world.group.id)
    res = testapp.get(url, headers=world.headers("member"), status=400)
    assert set(res.json["fields"]) == {query.split("=")[0]}


def test_a_ten_digit_filter_with_a_trailing_newline_is_never_served_unchecked(testapp, world):
    """The ACL and the schema read the filter alike: no value passes one and
    skips the other's restriction."""
    testapp.get(f"{API}/users?group_id=1234567890%0A", headers=world.headers("non_member"),
                status=400)
