"""Issue 5's "done when", over HTTP only, against a live server.

A new user signs up on the HTML page, authorizes an application (sign-in,
consent, code, token), creates a group for an entity, invites a friend (who
signed up too) who joins with the code from the mail, adds a season ticket
across every event; the friend asks for one, the owner accepts, and the
ticket is in the friend's calendar feed.

The operator's part (an entity with its season, a registered application)
is committed beforehand, as ``seatshare … entity create``, ``schedule
import`` and ``app create`` would. Mail goes to ``.eml`` files in a folder,
as in development.ini, and the friend reads the code from there.
"""
import datetime
import email
import email.policy
import glob
import os
import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import icalendar
import pytest
import requests

from seatshare.models import Entity, Event, utcnow
from seatshare.oauth.applications import register_application

from .conftest import HEX64, forms_of, serve_new_database

pytestmark = pytest.mark.live

TEAM = "Riverside Otters"
GAMES = 6
PASSWORD = "a long enough season password"


@pytest.fixture(scope="module")
def season_server(backend, tmp_path_factory):
    """A live server whose mail lands in a folder, with an entity, its
    season and a registered application committed."""
    tmp = tmp_path_factory.mktemp("season")
    mail_folder = str(tmp / "mail")
    settings = {"mail.mailer": "debug", "mail.debug_path": mail_folder}
    with serve_new_database(backend, str(tmp), **settings) as server:
        redirect_uri = server.url + "/callback"
        with server.session() as session:
            entity = Entity(name=TEAM)
            session.add(entity)
            session.flush()
            start = utcnow().replace(microsecond=0, second=0) + datetime.timedelta(days=3)
            session.add_all(
                Event(entity_id=entity.id, key=f"game-{n}", name=f"Otters vs Herons {n}",
                      start_time=start + datetime.timedelta(days=7 * n))
                for n in range(GAMES)
            )
            application, secret = register_application(session, "Season Planner", [redirect_uri])
            session.commit()
        server.mail_folder = mail_folder
        server.client = (application.client_id, secret, redirect_uri)
        yield server


def mail_to(folder, address):
    """The messages delivered to ``address`` so far, oldest first."""
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "*.eml")), key=os.path.getmtime):
        with open(path, encoding="utf-8") as f:
            message = email.message_from_file(f, policy=email.policy.default)
        if address in str(message["To"]):
            found.append(message)
    return found


def sign_up_and_authorize(server, first_name, email_address) -> str:
    """What a new person does in a browser: open the application's
    authorization link, follow "Create an account", sign up, approve. Then
    the application exchanges the code. Returns the access token."""
    client_id, secret, redirect_uri = server.client
    authorization_url = server.url + "/oauth/authorization?" + urlencode({
        "client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code",
        "scope": "read write", "state": "xyz",
    })
    with requests.Session() as browser:
        page = browser.get(authorization_url, timeout=10)
        assert urlsplit(page.url).path == "/signin"
        signup_link = re.search(r'href="(/signup\?next=[^"]+)"', page.text).group(1)
        page = browser.get(urljoin(server.url, signup_link.replace("&amp;", "&")), timeout=10)
        action, fields = forms_of(page.text)["signup"]
        fields.update(first_name=first_name, last_name="Tester", email=email_address,
                      password=PASSWORD)
        page = browser.post(urljoin(server.url, action), data=fields, timeout=10)
        # Signed up and signed in, back at the authorization request: consent.
        assert page.url == authorization_url and "Season Planner" in page.text
        action, fields = forms_of(page.text)["consent"]
        fields["decision"] = "approve"
        answer = browser.post(urljoin(server.url, action), data=fields, allow_redirects=False,
                              timeout=10)
    assert answer.status_code == 302
    callback = urlsplit(answer.headers["Location"])
    query = parse_qs(callback.query)
    assert query["state"] == ["xyz"]
    token = requests.post(
        server.url + "/oauth/token",
        data={"grant_type": "authorization_code", "code": query["code"][0],
              "redirect_uri": redirect_uri},
        auth=(client_id, secret), timeout=10,
    )
    assert token.status_code == 200, token.text
    assert HEX64.match(token.json()["access_token"])
    return token.json()["access_token"]


class Api:
    """A client of the JSON API with one bearer token."""

    def __init__(self, base, token):
        self.base = base + "/api/v1"
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method, path, expect, json=None):
        response = requests.request(method, self.base + path, json=json, headers=self.headers,
                                    timeout=10)
        assert response.status_code == expect, (method, path, response.text)
        return response.json() if response.content else None


def test_a_season_over_http_only(season_server):
    server = season_server
    ana = Api(server.url, sign_up_and_authorize(server, "Ana", "ana@example.com"))
    ben = Api(server.url, sign_up_and_authorize(server, "Ben", "ben@example.com"))
    ben_id = ben.call("GET", "/users/me", 200)["id"]

    # Ana finds her team and creates a group for it.
    [team] = ana.call("GET", "/entities?q=otters", 200)
    assert team["name"] == TEAM
    group = ana.call("POST", "/groups", 201, {"name": "Section 101", "entity_id": team["id"]})
    assert group["role"] == "admin"

    # She invites Ben; he joins with the code from his mail.
    invitation = ana.call("POST", f"/groups/{group['id']}/invitations", 201,
                          {"email": "ben@example.com"})
    assert "code" not in invitation
    [mail] = mail_to(server.mail_folder, "ben@example.com")
    code = re.search(r"Your invitation code:\s+(\S+)",
                     mail.get_body(("plain",)).get_content()).group(1)
    joined = ben.call("POST", "/groups/join", 200, {"invitation_code": code})
    assert (joined["id"], joined["role"]) == (group["id"], "member")
    ben.call("POST", "/groups/join", 404, {"invitation_code": code + "x"})

    # A season ticket across every event of the group.
    events = ana.call("GET", f"/events?group_id={group['id']}&per_page=100", 200)
    assert len(events) == GAMES
    tickets = ana.call("POST", "/tickets", 201, {
        "group_id": group["id"], "event_ids": [e["id"] for e in events],
        "section": "101", "row": "C", "seat": "7", "cost": "38.00",
    })
    assert [t["event_id"] for t in tickets] == [e["id"] for e in events]

    # Ben asks for the third game; Ana is mailed and accepts.
    wanted = ben.call("GET", f"/tickets?group_id={group['id']}&per_page=100", 200)[2]
    asked = ben.call("POST", f"/ticket/{wanted['id']}/requests", 201,
                     {"message": "Can I take the third game?"})
    [notice] = mail_to(server.mail_folder, "ana@example.com")
    assert "Ben Tester" in str(notice["Subject"])
    [pending] = ana.call("GET", "/ticket_requests?status=pending", 200)
    assert pending["id"] == asked["id"]
    accepted = ana.call("PUT", f"/ticket_requests/{asked['id']}", 200, {"status": "accepted"})
    assert accepted["status"] == "accepted"
    assert ben.call("GET", f"/ticket/{wanted['id']}", 200)["assignee_id"] == ben_id
    history = ana.call("GET", f"/ticket/{wanted['id']}/history", 200)
    assert [h["action"] for h in history] == ["created", "requested", "assigned"]
    assert [m["Subject"] for m in mail_to(server.mail_folder, "ben@example.com")][1].startswith(
        "Ana Tester accepted")

    # And it is in Ben's calendar feed.
    feed = requests.get(ben.call("GET", "/users/me", 200)["calendar_url"], timeout=10)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    entries = [c for c in calendar.walk("VEVENT")]
    assert [str(e["UID"]) for e in entries] == [f"ticket-{wanted['id']}-user-{ben_id}@127.0.0.1"]
    game = next(e for e in events if e["id"] == wanted["event_id"])
    assert str(entries[0]["SUMMARY"]).startswith(game["name"])
    assert entries[0].decoded("DTSTART") == datetime.datetime.fromisoformat(
        game["start_time"].replace("Z", "+00:00"))
