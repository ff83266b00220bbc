"""Conflicting writes at once against a live server: nothing lost, one winner.

The app runs under waitress with production's eight threads against a real,
committed database. Each test releases its writers together (a barrier) and
then checks the database: zero 5xx; one history entry per successful write of
a ticket, each starting from the value the previous one left; and exactly one
winner wherever only one may win: two accepts of requests for one ticket, one
authorization code exchanged twice, one refresh token used twice, two users
joining with one single-use invitation. On PostgreSQL serialization failures
and deadlocks are retried by pyramid_retry; on SQLite writers wait their turn
(BEGIN IMMEDIATE and a busy timeout).
"""
import concurrent.futures
import dataclasses
import datetime
import secrets
import threading
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy import select

from seatshare import models
from seatshare.oauth.applications import register_application
from seatshare.settings import DEFAULTS
from seatshare.tokens import hash_token
from tests import factories as f
from tests.e2e.conftest import Client, forms_of, serve_new_database
from tests.e2e.test_oauth_live import sign_in_and_approve

pytestmark = pytest.mark.live

PRODUCTION_THREADS = 8  # production.ini's [server:main] threads
RACES = 8  # independent races per test: more chances for the race to bite


@pytest.fixture(scope="module")
def live_server(backend, tmp_path_factory):
    """Overrides the e2e fixture of the same name (for live_user/live_client)."""
    tmp_dir = str(tmp_path_factory.mktemp("race"))
    with serve_new_database(backend, tmp_dir, threads=PRODUCTION_THREADS) as server:
        yield server


def race(calls):
    """Start every ``(method, url, kwargs)`` at the same instant; the
    responses, none of them a 5xx."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        method, url, kwargs = call
        barrier.wait()
        return requests.request(method, url, timeout=60, **kwargs)

    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        responses = list(pool.map(send, calls))
    # Whatever the race, no writer ever sees a server error.
    assert [r.text for r in responses if r.status_code >= 500] == []
    return responses


def bearer(value):
    return {"Authorization": f"Bearer {value}"}


def statuses(responses):
    return sorted(r.status_code for r in responses)


def test_concurrent_updates_of_one_ticket_lose_nothing(live_server):
    def world():
        group = f.make_group()
        owner, assignee = f.make_user(), f.make_user()
        f.make_membership(group, owner)
        f.make_membership(group, assignee)
        ticket = f.make_ticket(group=group, owner=owner, assignee=assignee, note="start")
        return ticket.id, [f.make_token(user=u)[1] for u in (owner, assignee)]

    ticket_id, tokens = live_server.build(world)
    writers = 4 * PRODUCTION_THREADS
    url = f"{live_server.url}/api/v1/ticket/{ticket_id}"
    calls = [("PUT", url, {"json": {"note": f"writer {i}"}, "headers": bearer(tokens[i % 2])})
             for i in range(writers)]
    responses = race(calls)

    won = [r for r in responses if r.status_code == 200]
    assert len(won) == writers  # a PUT of a note has nothing to conflict over
    with live_server.session() as session:
        entries = session.scalars(
            select(models.TicketHistory)
            .where(models.TicketHistory.ticket_id == ticket_id)
            .order_by(models.TicketHistory.id)
        ).all()
        final = session.get(models.Ticket, ticket_id).note
    assert len(entries) == len(won)
    # Each write started from what the one before it left: none was lost.
    previous = "start"
    for entry in entries:
        old, new = entry.changes["note"]
        assert old == previous
        previous = new
    assert final == previous
    print(f"\nticket updates: {writers} writers at once, {len(won)} succeeded, "
          f"{len(entries)} history entries")


def test_two_accepted_requests_for_one_ticket_one_wins(live_server):
    def world():
        races = []
        for _ in range(RACES):
            group = f.make_group()
            owner = f.make_user()
            f.make_membership(group, owner)
            ticket = f.make_ticket(group=group, owner=owner)
            requests_ = []
            for _ in range(2):
                requester = f.make_user()
                f.make_membership(group, requester)
                requests_.append(f.make_ticket_request(ticket, requester).id)
            races.append((ticket.id, f.make_token(user=owner)[1], requests_))
        return races

    races = live_server.build(world)
    calls = [
        ("PUT", f"{live_server.url}/api/v1/ticket_requests/{request_id}",
         {"json": {"status": "accepted"}, "headers": bearer(token)})
        for _, token, request_ids in races for request_id in request_ids
    ]
    responses = race(calls)
    for i, (ticket_id, _, request_ids) in enumerate(races):
        pair = responses[2 * i: 2 * i + 2]
        assert statuses(pair) == [200, 409], [r.text for r in pair]
        winner = next(r for r in pair if r.status_code == 200).json()
        with live_server.session() as session:
            ticket = session.get(models.Ticket, ticket_id)
            states = {r.id: r.status for r in session.scalars(
                select(models.TicketRequest).where(models.TicketRequest.ticket_id == ticket_id))}
        assert ticket.assignee_id == winner["requester_id"]
        assert sorted(states.values()) == ["accepted", "declined"]
    print(f"\nticket requests: {len(calls)} accepts at once on {len(races)} tickets, "
          f"{sum(r.status_code == 200 for r in responses)} won")


@pytest.fixture(scope="module")
def approved(live_server, live_user, live_client):
    """A browser that signed in and approved the client once: further
    authorization requests redirect straight back with a code."""
    base = live_server.url
    authorization_url = (
        f"{base}/oauth/authorization?client_id={live_client.client_id}"
        f"&redirect_uri={live_client.redirect_uri}&response_type=code"
    )
    browser = requests.Session()
    first = sign_in_and_approve(browser, base, authorization_url, live_user.email)

    def new_code():
        response = browser.get(authorization_url, allow_redirects=False)
        assert response.status_code == 302
        return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]

    yield parse_qs(urlsplit(first).query)["code"][0], new_code
    browser.close()


@pytest.fixture(scope="module")
def live_user(live_server):
    return live_server.build(f.make_user)


@pytest.fixture(scope="module")
def live_client(live_server):
    redirect_uri = live_server.url + "/callback"
    with live_server.session() as session:
        app, secret = register_application(session, "Courtside Companion", [redirect_uri])
        session.commit()
        return Client(app.client_id, secret, redirect_uri)


def exchange_call(base, client, code):
    data = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": client.redirect_uri}
    return ("POST", base + "/oauth/token",
            {"data": data, "auth": (client.client_id, client.client_secret)})


def test_one_code_exchanged_at_once_has_one_winner(live_server, live_client, approved):
    first, new_code = approved
    codes = [first] + [new_code() for _ in range(RACES - 1)]
    tries = 3
    calls = [exchange_call(live_server.url, live_client, code) for code in codes
             for _ in range(tries)]
    responses = race(calls)
    for i in range(len(codes)):
        group = responses[tries * i: tries * (i + 1)]
        assert statuses(group) == [200] + [400] * (tries - 1), [r.text for r in group]
        assert all(r.json()["error"] == "invalid_grant" for r in group if r.status_code == 400)
    with live_server.session() as session:
        per_code = session.execute(
            select(models.AuthorizationCode.id, sa.func.count(models.Token.id))
            .outerjoin(models.Token, models.Token.authorization_code_id == models.AuthorizationCode.id)
            .where(models.AuthorizationCode.code_hash.in_([hash_token(c) for c in codes]))
            .group_by(models.AuthorizationCode.id)
        ).all()
        issued = session.scalars(select(models.Token.revoked_at).join(
            models.AuthorizationCode,
            models.AuthorizationCode.id == models.Token.authorization_code_id,
        ).where(models.AuthorizationCode.code_hash.in_([hash_token(c) for c in codes]))).all()
    # One token per code: the losers were refused before any token was made.
    assert sorted(count for _, count in per_code) == [1] * len(codes)
    # And it is revoked: a code presented again is a replay (API.md §2).
    assert None not in issued
    print(f"\ncodes: {len(calls)} exchanges at once of {len(codes)} codes, "
          f"{sum(r.status_code == 200 for r in responses)} won")


def test_one_refresh_token_used_at_once_has_one_winner(live_server, live_client, approved):
    _, new_code = approved
    refresh_tokens = []
    for _ in range(RACES):
        method, url, kwargs = exchange_call(live_server.url, live_client, new_code())
        response = requests.request(method, url, timeout=30, **kwargs)
        assert response.status_code == 200, response.text
        refresh_tokens.append(response.json()["refresh_token"])
    tries = 3
    auth = (live_client.client_id, live_client.client_secret)
    calls = [("POST", live_server.url + "/oauth/token",
              {"data": {"grant_type": "refresh_token", "refresh_token": value}, "auth": auth})
             for value in refresh_tokens for _ in range(tries)]
    responses = race(calls)
    for i in range(len(refresh_tokens)):
        group = responses[tries * i: tries * (i + 1)]
        assert statuses(group) == [200] + [400] * (tries - 1), [r.text for r in group]
    # The rotated token was presented again: its whole family is revoked,
    # the winner's new pair included (API.md §2).
    with live_server.session() as session:
        families = select(models.Token.family).where(models.Token.refresh_token_hash.in_(
            [hash_token(value) for value in refresh_tokens]))
        revoked = session.scalars(select(models.Token.revoked_at).where(
            models.Token.family.in_(families))).all()
    assert len(revoked) == 2 * len(refresh_tokens) and None not in revoked
    print(f"\nrefresh tokens: {len(calls)} uses at once of {len(refresh_tokens)} tokens, "
          f"{sum(r.status_code == 200 for r in responses)} won")


def invitation_races(users):
    """A builder of RACES groups, each with one invitation:
    ``(group id, code, a token of each of ``users`` new users)``."""
    def world():
        races = []
        for _ in range(RACES):
            group = f.make_group()
            code = secrets.token_urlsafe(16)
            f._add(models.GroupInvitation(group_id=group.id, email="guest@example.com",
                                          code_hash=hash_token(code)))
            tokens = [f.make_token(user=f.make_user())[1] for _ in range(users)]
            races.append((group.id, code, tokens))
        return races
    return world


def test_two_users_joining_with_one_invitation_one_wins(live_server):
    races = live_server.build(invitation_races(users=2))
    calls = [("POST", f"{live_server.url}/api/v1/groups/join",
              {"json": {"invitation_code": code}, "headers": bearer(token)})
             for _, code, tokens in races for token in tokens]
    responses = race(calls)
    for i, (group_id, _, _) in enumerate(races):
        pair = responses[2 * i: 2 * i + 2]
        assert statuses(pair) == [200, 404], [r.text for r in pair]
        with live_server.session() as session:
            members = session.scalar(select(sa.func.count(models.Membership.id))
                                     .where(models.Membership.group_id == group_id))
        assert members == 2  # the creator and the one winner
    print(f"\ninvitations: {len(calls)} joins at once with {len(races)} codes, "
          f"{sum(r.status_code == 200 for r in responses)} won")


def test_one_user_joining_twice_at_once_with_one_invitation_is_told_twice(live_server):
    """A double tap sends the join twice at once: the loser of the race to
    spend the code finds it spent by the same user, who is a member, and
    is answered as a member joining again (200), not told the code is gone."""
    races = live_server.build(invitation_races(users=1))
    calls = [("POST", f"{live_server.url}/api/v1/groups/join",
              {"json": {"invitation_code": code}, "headers": bearer(token)})
             for _, code, [token] in races for _ in range(2)]
    responses = race(calls)
    for i, (group_id, _, _) in enumerate(races):
        pair = responses[2 * i: 2 * i + 2]
        assert statuses(pair) == [200, 200], [r.text for r in pair]
        assert pair[0].json() == pair[1].json()
        with live_server.session() as session:
            members = session.scalar(select(sa.func.count(models.Membership.id))
                                     .where(models.Membership.group_id == group_id))
        assert members == 2  # the creator and the one who joined



def live_tokens(session, user_id, application_id):
    """The ids of the tokens of the application for the user that still work."""
    return session.scalars(select(models.Token.id).where(
        models.Token.user_id == user_id, models.Token.application_id == application_id,
        models.Token.revoked_at.is_(None))).all()


@dataclasses.dataclass
class Connected:
    """A user's token pair from an application (its refresh token once
    rotated already: ``rotated`` is the one it replaced), and a token of
    another application for the API calls."""
    user_id: int
    application_id: int
    client: tuple  # (client_id, client_secret)
    refresh_token: str
    rotated: str
    code: str  # an authorization code not yet exchanged
    headers: dict


def connected_app():
    user = f.make_user()
    application, secret = f.make_application()
    rotated, refresh = secrets.token_hex(32), secrets.token_hex(32)
    first, _ = f.make_token(user=user, application=application, refresh_token=rotated,
                            refresh_used_at=models.utcnow())
    f.make_token(user=user, application=application, refresh_token=refresh, family=first.family)
    code = secrets.token_hex(32)
    f._add(models.AuthorizationCode(
        code_hash=hash_token(code), application_id=application.id, user_id=user.id,
        redirect_uri=application.redirect_uris[0], scopes="read write",
        expires_at=models.utcnow() + datetime.timedelta(minutes=10)))
    return Connected(user.id, application.id, (application.client_id, secret), refresh, rotated,
                     code, bearer(f.make_token(user=user)[1]))


def disconnect_call(base, connected):
    return ("DELETE", f"{base}/api/v1/authorizations/{connected.application_id}",
            {"headers": connected.headers})


def replay_call(base, connected):
    """The rotated refresh token presented again: the family rule."""
    return ("POST", base + "/oauth/token", {
        "data": {"grant_type": "refresh_token", "refresh_token": connected.rotated},
        "auth": connected.client})


def revoke_call(base, connected):
    """RFC 7009: the client revokes its refresh token, and so its family."""
    return ("POST", base + "/oauth/revoke", {
        "data": {"token": connected.refresh_token}, "auth": connected.client})


@pytest.mark.parametrize("revocation, status", [
    (disconnect_call, 204), (replay_call, 400), (revoke_call, 200)])
def test_a_refresh_in_progress_is_revoked_with_the_rest(
        backend, live_server, revocation, status):
    """A revocation (the user disconnecting the application, a rotated
    refresh token replayed, RFC 7009's) meets a refresh that holds the
    user's token lock, has rotated the refresh token and stored its
    successor, not yet committed: the revocation waits for it, and revokes
    the successor too. Before, it waited on the presented token's row only,
    its UPDATE then saw only the rows that existed when it began, and the
    application kept a working token pair that had just been revoked."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    connected = live_server.build(connected_app)
    done = threading.Event()
    responses = []

    def revoke():
        method, url, kwargs = revocation(live_server.url, connected)
        responses.append(requests.request(method, url, timeout=60, **kwargs))
        done.set()

    thread = threading.Thread(target=revoke)
    token = models.Token.__table__
    with live_server.engine.connect() as refreshing:  # what POST /oauth/token does
        refreshing.execute(select(models.User.id).where(models.User.id == connected.user_id)
                           .with_for_update(key_share=True))
        family = refreshing.execute(
            sa.update(token)
            .where(token.c.refresh_token_hash == hash_token(connected.refresh_token))
            .values(refresh_used_at=sa.func.now()).returning(token.c.family)).scalar_one()
        refreshing.execute(sa.insert(token).values(
            access_token_hash=hash_token(secrets.token_hex(32)),
            refresh_token_hash=hash_token(secrets.token_hex(32)),
            application_id=connected.application_id, user_id=connected.user_id,
            scopes="read write", family=family, created_at=sa.func.now(),
            expires_at=sa.func.now() + sa.text("interval '2 hours'"),
            refresh_expires_at=sa.func.now() + sa.text("interval '30 days'")))
        thread.start()
        assert not done.wait(1.0), "the revocation did not wait for the refresh"
        refreshing.commit()
    thread.join(60)
    assert [r.status_code for r in responses] == [status], responses[0].text
    with live_server.session() as session:
        assert live_tokens(session, connected.user_id, connected.application_id) == []


@pytest.mark.parametrize("grant", ["refresh_token", "authorization_code"])
def test_a_grant_as_the_user_disconnects_the_app_leaves_nothing_live(live_server, grant):
    """A refresh, or a code exchange, and the user's disconnection at once,
    for real: whichever goes first, the application is left with no
    working token and neither request fails."""
    apps = [live_server.build(connected_app) for _ in range(RACES)]
    calls = []
    for connected in apps:
        if grant == "refresh_token":
            data = {"grant_type": grant, "refresh_token": connected.refresh_token}
        else:
            data = {"grant_type": grant, "code": connected.code,
                    "redirect_uri": "https://client.example.com/callback"}
        calls.append(("POST", live_server.url + "/oauth/token",
                      {"data": data, "auth": connected.client}))
        calls.append(disconnect_call(live_server.url, connected))
    responses = race(calls)
    for i, connected in enumerate(apps):
        granted, disconnected = responses[2 * i: 2 * i + 2]
        assert disconnected.status_code == 204
        assert granted.status_code in (200, 400), granted.text
        with live_server.session() as session:
            assert live_tokens(session, connected.user_id, connected.application_id) == []


def test_failed_sign_ins_at_once_stop_at_the_limit(backend, tmp_path):
    """Wrong passwords for one account sent at once, one per server thread
    and more: no more of them are tried than the limit allows (before, on
    PostgreSQL, each counted the failures before any was recorded, and
    eight passwords were tried where five are allowed). Its own server: the
    failures also count against the address, which every test here shares."""
    with serve_new_database(backend, str(tmp_path), threads=PRODUCTION_THREADS) as server:
        email = server.build(f.make_user).email
        limit = int(DEFAULTS["seatshare.signin_max_failures"])
        calls = []
        for _ in range(2 * PRODUCTION_THREADS):
            browser = requests.Session()
            action, fields = forms_of(browser.get(server.url + "/signin").text)["signin"]
            fields.update(email=email, password="not the password")
            calls.append(("POST", urljoin(server.url, action),
                          {"data": fields, "cookies": browser.cookies}))
        responses = race(calls)
    assert statuses(responses) == [400] * limit + [429] * (len(calls) - limit)
