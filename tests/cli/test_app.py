"""``app create|list|disable``."""
import pytest
from oauthlib.uri_validate import is_absolute_uri
from sqlalchemy import select

from seatshare.models import Application
from seatshare.tokens import hash_token

from .conftest import count

URI = "https://client.example.com/callback"


def test_app_create_prints_the_secret_once_and_stores_its_hash(seatshare, db):
    run = seatshare("app", "create", "--name", "Scoreboard", "--redirect-uri", URI, "--json")
    assert run.code == 0, run.err
    record = run.json
    app = db.scalar(select(Application))
    assert record["client_id"] == app.client_id
    assert record["name"] == "Scoreboard"
    assert record["redirect_uris"] == [URI]
    assert len(record["client_secret"]) == 64
    assert app.client_secret_hash == hash_token(record["client_secret"])
    assert record["client_secret"] not in app.client_secret_hash
    # Listing never shows it again.
    listed = seatshare("app", "list", "--json")
    assert record["client_secret"] not in listed.out


def test_app_create_takes_several_redirect_uris_public_and_trusted(seatshare, db):
    run = seatshare(
        "app", "create", "--name", "Phone", "--redirect-uri", URI,
        "--redirect-uri", "com.example.phone:/oauth", "--public", "--trusted", "--json",
    )
    assert run.code == 0, run.err
    assert run.json["redirect_uris"] == [URI, "com.example.phone:/oauth"]
    assert run.json["client_secret"] is None
    app = db.scalar(select(Application))
    assert (app.confidential, app.trusted, app.client_secret_hash) == (False, True, None)


def test_app_create_text_tells_the_operator_to_store_the_secret(seatshare):
    run = seatshare("app", "create", "--name", "Scoreboard", "--redirect-uri", URI)
    assert "client_secret:" in run.out
    assert "shown only this once" in run.out


def test_app_create_refuses_a_bad_redirect_uri(seatshare, db):
    run = seatshare("app", "create", "--name", "X", "--redirect-uri", "/relative#frag")
    assert run.code == 1
    assert run.err.count("\n") == 1
    assert count(db, Application) == 0


def test_app_list_shows_every_application(seatshare):
    seatshare("app", "create", "--name", "One", "--redirect-uri", URI)
    seatshare("app", "create", "--name", "Two", "--redirect-uri", URI, "--public")
    run = seatshare("app", "list", "--json")
    assert [(a["name"], a["public"]) for a in run.json["applications"]] == [
        ("One", False),
        ("Two", True),
    ]
    text = seatshare("app", "list")
    assert "Two  [public]" in text.out


def test_app_disable_disables_it(seatshare, db):
    client_id = seatshare(
        "app", "create", "--name", "One", "--redirect-uri", URI, "--json"
    ).json["client_id"]
    run = seatshare("app", "disable", client_id, "--json")
    assert run.code == 0
    assert run.json["disabled"] is True
    assert db.scalar(select(Application)).disabled is True


def test_app_enable_undoes_a_disable(seatshare, db):
    """A client id mistyped into app disable stops a live application: the
    operator can take it back without registering a new one."""
    client_id = seatshare(
        "app", "create", "--name", "One", "--redirect-uri", URI, "--json"
    ).json["client_id"]
    seatshare("app", "disable", client_id)
    run = seatshare("app", "enable", client_id, "--json")
    assert run.code == 0, run.err
    assert run.json["disabled"] is False and "client_secret" not in run.json
    assert db.scalar(select(Application)).disabled is False
    seatshare("app", "disable", client_id)
    text = seatshare("app", "enable", client_id)
    assert text.out == ("Enabled application 'One': its tokens that have not expired "
                        "work again (for a leaked secret, register a new application "
                        "instead).\n")


@pytest.mark.parametrize("command", ["disable", "enable"])
def test_app_disable_of_an_unknown_client_is_an_error(seatshare, command):
    run = seatshare("app", command, "nope")
    assert (run.code, run.out) == (1, "")
    assert run.err == ("seatshare: error: no application with client_id nope "
                       "(app list shows every one)\n")


@pytest.mark.parametrize(
    "uri",
    [
        "https://client.example.com/call back",
        "https://client.example.com/callback\r\nSet-Cookie: a=b",
        "https://client.example.com/\x01callback",
    ],
)
def test_app_create_refuses_a_redirect_uri_with_spaces_or_control_characters(
    seatshare, db, uri
):
    run = seatshare("app", "create", "--name", "X", "--redirect-uri", uri)
    assert run.code == 1
    assert "spaces or control characters" in run.err
    assert run.err.count("\n") == 1
    assert count(db, Application) == 0


@pytest.mark.parametrize(
    "uri",
    [
        "javascript:alert(document.cookie)//",
        "JavaScript://client.example.com/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_app_create_refuses_a_redirect_uri_a_browser_would_run_or_read_locally(
    seatshare, db, uri
):
    run = seatshare("app", "create", "--name", "X", "--redirect-uri", uri)
    assert run.code == 1
    assert "must not use the" in run.err
    assert count(db, Application) == 0


def test_app_create_accepts_a_native_apps_private_scheme(seatshare, db):
    uri = "com.example.seats:/oauth/callback"
    run = seatshare("app", "create", "--name", "X", "--redirect-uri", uri, "--json")
    assert run.code == 0
    assert run.json["redirect_uris"] == [uri]


@pytest.mark.parametrize("name", ["   ", "\u200b", "\ufeff\u2060 \u3000"])
def test_app_create_refuses_a_blank_name(seatshare, db, name):
    run = seatshare("app", "create", "--name", name, "--redirect-uri", URI)
    assert run.code == 1
    assert "the application's name must not be blank" in run.err
    assert count(db, Application) == 0


def test_app_create_trims_invisible_characters_around_the_name(seatshare, db):
    run = seatshare("app", "create", "--name", "\u200b Scoreboard\ufeff", "--redirect-uri", URI,
                    "--json")
    assert run.json["name"] == "Scoreboard"


def test_app_create_refuses_a_name_with_control_characters(seatshare, db):
    run = seatshare("app", "create", "--name", "Score\nboard", "--redirect-uri", URI)
    assert run.code == 1
    assert "control characters" in run.err
    assert count(db, Application) == 0


@pytest.mark.parametrize(
    "uri, ascii_form",
    [
        ("https://bücher.example/callback", "https://xn--bcher-kva.example/callback"),
        ("https://client.example.com/rückruf?app=sæson",
         "https://client.example.com/r%C3%BCckruf?app=s%C3%A6son"),
        ("https://client.example.com/callback?team={id}",
         "https://client.example.com/callback?team=%7Bid%7D"),
        ("https://someone@client.example.com/callback", None),
    ],
)
def test_app_create_refuses_a_redirect_uri_the_authorization_endpoint_refuses(
    seatshare, db, uri, ascii_form
):
    """The authorization endpoint takes only an RFC 3986 URI (ASCII, no
    user in it): an application registered with another could never sign
    anyone in. The refusal gives the ASCII form a client would send."""
    assert not is_absolute_uri(uri)
    run = seatshare("app", "create", "--name", "X", "--redirect-uri", uri)
    assert (run.code, run.out) == (1, "")
    [line] = run.err.splitlines()
    assert line.startswith(f"seatshare: error: redirect URI is not an absolute URI as "
                           f"RFC 3986 writes it: {uri}")
    if ascii_form:
        assert is_absolute_uri(ascii_form)
        assert line.endswith(f"; register its ASCII form: {ascii_form}")
        again = seatshare("app", "create", "--name", "X", "--redirect-uri", ascii_form)
        assert again.code == 0, again.err
    else:
        assert count(db, Application) == 0


def test_app_create_refuses_a_redirect_uri_python_cannot_split(seatshare, db):
    """A "[" left open was a traceback."""
    uri = "https://[::1/callback"
    run = seatshare("app", "create", "--name", "X", "--redirect-uri", uri, "--json")
    assert (run.code, run.out) == (1, "")
    assert run.err == f"seatshare: error: redirect URI is not a URI (Invalid IPv6 URL): {uri}\n"
    assert count(db, Application) == 0


@pytest.mark.parametrize("uri", [
    "http://localhost:99999/callback",
    "https://client.example.com:-1/callback",
    # No browser can be sent to port 0 either, whatever the scheme.
    "http://localhost:0/callback",
    "https://client.example.com:00/callback",
    "com.example.app://host:0/callback",
])
def test_app_create_refuses_a_port_no_browser_can_reach(seatshare, db, uri):
    """Registered, the application could never sign anyone in."""
    run = seatshare("app", "create", "--name", "X", "--redirect-uri", uri, "--json")
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        f"seatshare: error: redirect URI's port is not a number from 1 to 65535: {uri}\n")
    assert count(db, Application) == 0


@pytest.mark.parametrize("command, state", [("disable", "disabled"), ("enable", "enabled")])
def test_app_disable_of_a_disabled_client_says_nothing_changed(seatshare, db, command, state):
    """Exit 0, as the application is as asked; but the sentence said it had
    just been disabled (or enabled, its tokens working again)."""
    client_id = seatshare(
        "app", "create", "--name", "One", "--redirect-uri", URI, "--json"
    ).json["client_id"]
    if command == "disable":
        seatshare("app", "disable", client_id)
    run = seatshare("app", command, client_id)
    assert (run.code, run.err) == (0, "")
    assert run.out == f"Application 'One' was already {state}: nothing changed.\n"
    again = seatshare("app", command, client_id, "--json")
    assert again.code == 0 and again.json["disabled"] is (command == "disable")
    assert db.scalar(select(Application)).disabled is (command == "disable")
