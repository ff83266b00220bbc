"""Races over real HTTP, against a live server and a committed database:
what two (or more) requests at the same moment must never both get."""
import logging
import threading

import pytest
import requests
import sqlalchemy as sa

from seatshare.errors import DETAILS
from seatshare.models import (
    Group,
    GroupInvitation,
    GroupRemoval,
    Membership,
    RequestStatus,
    Role,
    Ticket,
    TicketHistory,
    TicketRequest,
    User,
    UserAlias,
)
from seatshare.tokens import new_token
from tests import factories as f

from .conftest import serve_new_database

pytestmark = pytest.mark.live
ROUNDS = 3


@pytest.fixture(scope="module")
def race_server(backend, tmp_path_factory):
    with serve_new_database(backend, str(tmp_path_factory.mktemp("races")), threads=6) as server:
        yield server


def bearer(user):
    return {"Authorization": f"Bearer {f.make_token(user=user)[1]}"}


def at_once(calls):
    """Start every ``(method, url, headers, json)`` at the same moment;
    their status codes, in the order given."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, method, url, headers, body):
        start.wait()
        results[i] = requests.request(method, url, headers=headers, json=body, timeout=60)

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r.status_code for r in results]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_invitation_code_joined_at_once_lets_exactly_one_in(race_server, round_):
    code = new_token()

    def build():
        group = f.make_group()
        f.make_invitation(group, code)
        people = [f.make_user() for _ in range(4)]
        return group.id, [(p.id, bearer(p)) for p in people]

    group_id, people = race_server.build(build)
    url = race_server.url + "/api/v1/groups/join"
    statuses = at_once([("POST", url, headers, {"invitation_code": code})
                        for _, headers in people])
    assert sorted(statuses) == [200, 404, 404, 404]
    with race_server.session() as session:
        joined = session.scalars(sa.select(Membership.user_id).where(
            Membership.group_id == group_id, Membership.role == Role.MEMBER)).all()
        invitation = session.scalars(sa.select(GroupInvitation).where(
            GroupInvitation.group_id == group_id)).one()
    winner = people[statuses.index(200)][0]
    assert joined == [winner] and invitation.used_by_id == winner


def test_an_email_another_user_takes_meanwhile_is_a_400(race_server, caplog):
    """PUT /users/me reads the email free while another user's change to
    it is not yet committed; on PostgreSQL its UPDATE then waits on the
    unique index and breaks it. That attempt is run again, finds the email
    taken and answers the contract's 400, and it is no error in the
    operator's log (it was an "unhandled error" whose traceback quoted the
    email). On SQLite the request waits for the write lock and finds it taken."""
    email = f"taken-{new_token()[:12]}@example.com"
    (taker_id, _), (user_id, headers) = race_server.build(
        lambda: [(u.id, bearer(u)) for u in (f.make_user(), f.make_user())])

    def take_the_email(other):  # the other user's PUT, not yet committed
        other.execute(sa.update(User).where(User.id == taker_id).values(email=email))

    with caplog.at_level(logging.INFO):
        response = sent_while_held(race_server, "PUT", race_server.url + "/api/v1/users/me",
                                   headers, {"email": email}, take_the_email)
    assert response.status_code == 400
    assert response.json() == {"error": "Bad Request", "error_detail": DETAILS[400], "code": 400,
                               "fields": {"email": "is already taken"}}
    with race_server.session() as session:
        assert session.get(User, user_id).email != email
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert email not in caplog.text


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_accepts_for_one_ticket_at_once_exactly_one_wins(race_server, round_):
    def build():
        group = f.make_group()
        owner, first, second = f.make_user(), f.make_user(), f.make_user()
        for user in (owner, first, second):
            f.make_membership(group, user)
        ticket = f.make_ticket(group=group, owner=owner)
        asks = [f.make_ticket_request(ticket, requester=user) for user in (first, second)]
        return ticket.id, [(a.id, a.requester_id) for a in asks], bearer(owner)

    ticket_id, asks, owner_headers = race_server.build(build)
    statuses = at_once([
        ("PUT", f"{race_server.url}/api/v1/ticket_requests/{request_id}", owner_headers,
         {"status": "accepted"})
        for request_id, _ in asks
    ])
    assert sorted(statuses) == [200, 409]
    winner_request, winner = asks[statuses.index(200)]
    with race_server.session() as session:
        assert session.get(Ticket, ticket_id).assignee_id == winner
        status = {r.id: r.status for r in session.scalars(
            sa.select(TicketRequest).where(TicketRequest.ticket_id == ticket_id))}
    assert status[winner_request] == RequestStatus.ACCEPTED
    assert sorted(status.values()) == [RequestStatus.ACCEPTED, RequestStatus.DECLINED]


STEPPING_DOWN = {
    # each demotes themselves: the second is the last administrator (409)
    "demote themselves": ("PUT", {"role": "member"}, False, [200, 409],
                          [Role.ADMIN, Role.MEMBER]),
    # each leaves: the second is the last administrator (409)
    "leave": ("DELETE", None, False, [204, 409], [Role.ADMIN]),
    # each demotes the other: the second is no administrator any more (403)
    "demote each other": ("PUT", {"role": "member"}, True, [200, 403],
                          [Role.ADMIN, Role.MEMBER]),
}


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("how", STEPPING_DOWN)
def test_two_administrators_stepping_down_at_once_leave_one(race_server, how, round_):
    """API.md §4: the last administrator cannot leave; two at once cannot
    both, however they try."""
    method, body, each_other, expected, roles_left = STEPPING_DOWN[how]

    def build():
        first = f.make_user()
        group = f.make_group(creator=first)
        second = f.make_user()
        f.make_membership(group, second, role=Role.ADMIN)
        return group.id, [(u.id, bearer(u)) for u in (first, second)]

    group_id, admins = race_server.build(build)
    targets = [user_id for user_id, _ in admins]
    if each_other:
        targets.reverse()
    statuses = at_once([
        (method, f"{race_server.url}/api/v1/groups/{group_id}/members/{target}", headers, body)
        for target, (_, headers) in zip(targets, admins)
    ])
    assert sorted(statuses) == expected
    with race_server.session() as session:
        roles = session.scalars(sa.select(Membership.role).where(
            Membership.group_id == group_id)).all()
    assert sorted(roles) == roles_left


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_removed_and_leaving_at_once_is_one_removal(race_server, round_):
    def build():
        admin, member = f.make_user(), f.make_user()
        group = f.make_group(creator=admin)
        f.make_membership(group, member)
        f.make_ticket(group=group, owner=member)
        return group.id, member.id, bearer(admin), bearer(member)

    group_id, member_id, admin_headers, member_headers = race_server.build(build)
    url = f"{race_server.url}/api/v1/groups/{group_id}/members/{member_id}"
    statuses = at_once([("DELETE", url, admin_headers, None), ("DELETE", url, member_headers, None)])
    assert sorted(statuses) in ([204, 403], [204, 404])
    with race_server.session() as session:
        assert session.scalars(sa.select(Membership.id).where(
            Membership.group_id == group_id, Membership.user_id == member_id)).all() == []
        assert session.scalars(sa.select(Ticket.id).where(Ticket.group_id == group_id)).all() == []


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_accepting_while_the_ticket_is_deleted_never_fails(race_server, round_):
    def build():
        group = f.make_group()
        owner, asker = f.make_user(), f.make_user()
        f.make_membership(group, owner)
        f.make_membership(group, asker)
        ticket = f.make_ticket(group=group, owner=owner)
        asked = f.make_ticket_request(ticket, requester=asker)
        return ticket.id, asked.id, bearer(owner)

    ticket_id, request_id, owner_headers = race_server.build(build)
    api = race_server.url + "/api/v1"
    statuses = at_once([
        ("PUT", f"{api}/ticket_requests/{request_id}", owner_headers, {"status": "accepted"}),
        ("DELETE", f"{api}/ticket/{ticket_id}", owner_headers, None),
    ])
    assert statuses[1] == 204 and statuses[0] in (200, 404)
    with race_server.session() as session:
        assert session.get(Ticket, ticket_id) is None


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_requester_leaving_as_their_request_is_accepted_keeps_no_ticket(
    race_server, round_
):
    """Whichever goes first, the requester ends up out of the group with no
    ticket of it."""
    group_id, ticket_id, ask_id, requester_id, owner_headers, requester_headers = (
        race_server.build(removal_in_progress_build))
    statuses = at_once([
        ("PUT", f"{race_server.url}/api/v1/ticket_requests/{ask_id}", owner_headers,
         {"status": "accepted"}),
        ("DELETE", f"{race_server.url}/api/v1/groups/{group_id}/members/{requester_id}",
         requester_headers, None),
    ])
    assert statuses[1] == 204
    assert statuses[0] in (200, 409)  # accepted before the leave, or found withdrawn
    with race_server.session() as session:
        assert session.get(Ticket, ticket_id).assignee_id is None
        assert session.get(TicketRequest, ask_id).status in (
            RequestStatus.ACCEPTED, RequestStatus.WITHDRAWN)


def removal_in_progress_build():
    owner, requester = f.make_user(), f.make_user()
    group = f.make_group(creator=owner)
    f.make_membership(group, requester)
    ticket = f.make_ticket(group=group, owner=owner)
    ask = f.make_ticket_request(ticket, requester=requester)
    return group.id, ticket.id, ask.id, requester.id, bearer(owner), bearer(requester)


def sent_while_held(race_server, method, url, headers, body, hold, then=lambda c: None):
    """Send a request while another transaction, after ``hold(connection)``,
    holds what it needs: the request must wait for it, and
    ``then(connection)`` runs in that transaction while it waits, before it
    commits. The request's response."""
    done = threading.Event()
    responses = []

    def send():
        responses.append(requests.request(method, url, json=body, headers=headers, timeout=60))
        done.set()

    thread = threading.Thread(target=send)
    with race_server.engine.connect() as other:
        hold(other)
        thread.start()
        assert not done.wait(1.0), "the request did not wait for the other transaction"
        then(other)
        other.commit()
    thread.join(60)
    return responses[0]


def while_a_removal_holds_the_group(race_server, group_id, method, url, headers, body, then):
    """Send a request while another transaction holds the group's update
    lock, as a member's removal does from its start (services.group_locks.
    lock_membership); the request must wait for it, and ``then(connection)``
    runs in that transaction while it waits. The request's status."""
    def hold(removal):
        removal.execute(sa.text("SELECT id FROM groups WHERE id = :id FOR UPDATE"),
                        {"id": group_id})

    return sent_while_held(race_server, method, url, headers, body, hold, then).status_code


def test_a_ticket_write_waits_for_a_removal_holding_nothing_it_needs(backend, race_server):
    """Ticket writes lock the ticket's group before the ticket, so one that
    meets a removal in progress holds no lock the removal needs (before, it
    held the ticket's, and the two deadlocked until PostgreSQL cancelled
    one)."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, ticket_id, _, _, owner_headers, _ = race_server.build(removal_in_progress_build)

    def the_ticket_is_free(removal):
        removal.execute(sa.select(Ticket.id).where(Ticket.id == ticket_id)
                        .with_for_update(nowait=True))

    status = while_a_removal_holds_the_group(
        race_server, group_id, "PUT", f"{race_server.url}/api/v1/ticket/{ticket_id}",
        owner_headers, {"note": "after the removal"}, the_ticket_is_free)
    assert status == 200


def test_an_accept_waits_for_a_leaving_requester_without_a_deadlock(backend, race_server):
    """An accept locks the group before the ticket and the request: it
    waits for a removal in progress holding nothing the removal needs, then
    finds the request withdrawn (before, it changed the request first, and
    the two deadlocked until PostgreSQL cancelled one)."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, ticket_id, ask_id, requester_id, owner_headers, _ = race_server.build(
        removal_in_progress_build)

    def the_requester_leaves(removal):  # what remove_member does next
        removal.execute(sa.select(TicketRequest.id).where(TicketRequest.id == ask_id)
                        .with_for_update(nowait=True))
        removal.execute(sa.update(TicketRequest).where(
            TicketRequest.id == ask_id, TicketRequest.status == RequestStatus.PENDING,
        ).values(status=RequestStatus.WITHDRAWN))
        removal.execute(sa.delete(Membership).where(
            Membership.group_id == group_id, Membership.user_id == requester_id))

    status = while_a_removal_holds_the_group(
        race_server, group_id, "PUT", f"{race_server.url}/api/v1/ticket_requests/{ask_id}",
        owner_headers, {"status": "accepted"}, the_requester_leaves)
    assert status == 409
    with race_server.session() as session:
        assert session.get(Ticket, ticket_id).assignee_id is None


def leaving_member_build():
    owner, leaver = f.make_user(), f.make_user()
    group = f.make_group(creator=owner)
    f.make_membership(group, leaver)
    ticket = f.make_ticket(group=group, owner=owner)
    return group.id, ticket.event_id, ticket.id, leaver.id, bearer(owner), bearer(leaver)


def the_member_is_gone(group_id, user_id):
    """What remove_member does while it holds the group: the membership goes."""
    def remove(removal):
        removal.execute(sa.delete(Membership).where(
            Membership.group_id == group_id, Membership.user_id == user_id))
    return remove


@pytest.mark.parametrize("leaver_is, expected", [("assignee", 400), ("owner", 403)])
def test_a_ticket_added_as_its_holder_leaves_is_not_theirs(
        backend, race_server, leaver_is, expected):
    """POST /tickets checks its owner and assignee after waiting for a
    removal in progress: the one who left is no member to assign to (400),
    and may add no ticket (403), rather than hold a seat in a group they left."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, event_id, _, leaver_id, owner_headers, leaver_headers = race_server.build(
        leaving_member_build)
    body = {"group_id": group_id, "event_id": event_id, "section": "A"}
    headers = leaver_headers
    if leaver_is == "assignee":
        body["assignee_id"], headers = leaver_id, owner_headers
    status = while_a_removal_holds_the_group(
        race_server, group_id, "POST", f"{race_server.url}/api/v1/tickets", headers, body,
        the_member_is_gone(group_id, leaver_id))
    assert status == expected
    with race_server.session() as session:
        assert session.scalars(sa.select(Ticket.id).where(
            Ticket.group_id == group_id,
            sa.or_(Ticket.owner_id == leaver_id, Ticket.assignee_id == leaver_id))).all() == []


def test_a_member_asking_for_a_ticket_as_they_leave_asks_nothing(backend, race_server):
    """Their pending requests were withdrawn as they left: none may appear
    after (the owner could accept it, giving a seat to someone who left)."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, _, ticket_id, leaver_id, _, leaver_headers = race_server.build(
        leaving_member_build)
    status = while_a_removal_holds_the_group(
        race_server, group_id, "POST", f"{race_server.url}/api/v1/ticket/{ticket_id}/requests",
        leaver_headers, {"message": "mine?"}, the_member_is_gone(group_id, leaver_id))
    assert status == 403
    with race_server.session() as session:
        assert session.scalars(sa.select(TicketRequest.id).where(
            TicketRequest.ticket_id == ticket_id)).all() == []


def demoted_admin_build():
    """A group with two administrators (the second, B, about to be demoted
    by the first) and a member, C: (group id, C's id, B's and C's headers)."""
    first, second, member = f.make_user(), f.make_user(), f.make_user()
    group = f.make_group(creator=first)
    f.make_membership(group, second, role=Role.ADMIN)
    f.make_membership(group, member)
    return group.id, second.id, member.id, bearer(second), bearer(member)


def the_administrator_is_demoted(group_id, user_id):
    """Another administrator's role change, committed while the request waits."""
    def demote(connection):
        connection.execute(sa.update(Membership).where(
            Membership.group_id == group_id, Membership.user_id == user_id,
        ).values(role=Role.MEMBER))
    return demote


@pytest.mark.parametrize("method, body", [("DELETE", None), ("PUT", {"role": "admin"})])
def test_an_administrator_demoted_meanwhile_changes_no_member(
        backend, race_server, method, body):
    """The ACL let the request in on the administrator's role as its token
    read it; a demotion committed while it waited for the group's lock has
    ended that role, so it is refused as it would be a moment later (403),
    and the member is as they were."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, admin_id, member_id, admin_headers, _ = race_server.build(demoted_admin_build)
    status = while_a_removal_holds_the_group(
        race_server, group_id, method,
        f"{race_server.url}/api/v1/groups/{group_id}/members/{member_id}",
        admin_headers, body, the_administrator_is_demoted(group_id, admin_id))
    assert status == 403
    with race_server.session() as session:
        assert session.scalar(sa.select(Membership.role).where(
            Membership.group_id == group_id, Membership.user_id == member_id)) == Role.MEMBER


@pytest.mark.parametrize("method, body", [("DELETE", None), ("PUT", {"name": "Renamed"})])
def test_an_administrator_demoted_meanwhile_changes_not_the_group(
        backend, race_server, method, body):
    """Deactivating or renaming the group: the ACL let the request in on
    the role its token read; a demotion committed while it waited for the
    group's lock has ended that role, so it is refused as it would be a
    moment later (403), and the group is as it was (before, it was
    deactivated or renamed by someone no longer its administrator)."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, admin_id, _, admin_headers, _ = race_server.build(demoted_admin_build)
    with race_server.session() as session:
        name = session.get(Group, group_id).name
    status = while_a_removal_holds_the_group(
        race_server, group_id, method, f"{race_server.url}/api/v1/groups/{group_id}",
        admin_headers, body, the_administrator_is_demoted(group_id, admin_id))
    assert status == 403
    with race_server.session() as session:
        group = session.get(Group, group_id)
        assert group.active and group.name == name


def test_an_administrator_removed_meanwhile_invites_nobody(backend, race_server):
    """POST /groups/ID/invitations waits for a removal of its caller in
    progress and is then refused (403): no invitation is made or mailed by
    someone no longer in the group."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, admin_id, _, admin_headers, _ = race_server.build(demoted_admin_build)
    status = while_a_removal_holds_the_group(
        race_server, group_id, "POST", f"{race_server.url}/api/v1/groups/{group_id}/invitations",
        admin_headers, {"email": "friend@example.com"}, the_member_is_gone(group_id, admin_id))
    assert status == 403
    with race_server.session() as session:
        assert session.scalars(sa.select(GroupInvitation.id).where(
            GroupInvitation.group_id == group_id)).all() == []


def test_a_group_deactivated_twice_at_once_is_gone_for_the_second(backend, race_server):
    """The second of two deactivations at once finds the group gone, as it
    would a moment later (404), on PostgreSQL as on SQLite."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, _, _, admin_headers, _ = race_server.build(demoted_admin_build)

    def deactivated(connection):  # the other administrator's DELETE, committed meanwhile
        connection.execute(sa.update(Group).where(Group.id == group_id).values(active=False))

    status = while_a_removal_holds_the_group(
        race_server, group_id, "DELETE", f"{race_server.url}/api/v1/groups/{group_id}",
        admin_headers, None, deactivated)
    assert status == 404


@pytest.mark.parametrize("method, body", [("DELETE", None), ("PUT", {"role": "admin"})])
def test_a_member_of_a_group_deactivated_meanwhile_is_gone(backend, race_server, method, body):
    """Removing a member, or changing their role, while another
    administrator deactivates the group: the group is gone once that is
    done, as it is a moment later (404), and the member is as they were."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, _, member_id, admin_headers, _ = race_server.build(demoted_admin_build)

    def deactivated(connection):
        connection.execute(sa.update(Group).where(Group.id == group_id).values(active=False))

    status = while_a_removal_holds_the_group(
        race_server, group_id, method,
        f"{race_server.url}/api/v1/groups/{group_id}/members/{member_id}",
        admin_headers, body, deactivated)
    assert status == 404
    with race_server.session() as session:
        assert session.scalar(sa.select(Membership.role).where(
            Membership.group_id == group_id, Membership.user_id == member_id)) == Role.MEMBER
        assert session.scalars(sa.select(GroupRemoval.id).where(
            GroupRemoval.group_id == group_id)).all() == []


def test_a_member_who_left_meanwhile_finds_no_membership(backend, race_server):
    """Leaving twice at once: the second finds itself no member once the
    first is done, and gets what a leave sent again gets a moment later
    (404: no such membership, your own id telling you nothing new)."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    group_id, _, member_id, _, member_headers = race_server.build(demoted_admin_build)
    url = f"{race_server.url}/api/v1/groups/{group_id}/members/{member_id}"
    status = while_a_removal_holds_the_group(
        race_server, group_id, "DELETE", url, member_headers, None,
        the_member_is_gone(group_id, member_id))
    assert status == 404
    assert requests.delete(url, headers=member_headers, timeout=10).status_code == 404


def alias_on_its_way_build():
    owner, assignee = f.make_user(), f.make_user()
    group = f.make_group(creator=owner)
    f.make_membership(group, assignee)
    alias = f.make_alias(assignee)
    ticket = f.make_ticket(group=group, owner=owner, assignee=assignee)
    return ticket.id, alias.id, bearer(assignee)


def test_an_alias_deleted_as_a_ticket_takes_it_leaves_a_history_entry(backend, race_server):
    """A write that has just given a ticket the alias, not yet committed,
    holds the alias (its foreign key's lock): the alias's deletion waits for
    it and then finds the ticket, which loses the alias with a history
    entry. (Before, it looked for the ticket too early and missed it; the
    foreign key's ON DELETE SET NULL then took the alias off unrecorded.)"""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    ticket_id, alias_id, headers = race_server.build(alias_on_its_way_build)
    done = threading.Event()
    statuses = []

    def delete_the_alias():
        statuses.append(requests.delete(f"{race_server.url}/api/v1/user_aliases/{alias_id}",
                                        headers=headers, timeout=60).status_code)
        done.set()

    thread = threading.Thread(target=delete_the_alias)
    with race_server.engine.connect() as write:  # a PUT giving the ticket the alias
        write.execute(sa.update(Ticket).where(Ticket.id == ticket_id).values(alias_id=alias_id))
        thread.start()
        done.wait(1.0)
        write.commit()
    thread.join(60)
    assert statuses == [204]
    with race_server.session() as session:
        assert session.get(Ticket, ticket_id).alias_id is None
        changes = session.scalars(sa.select(TicketHistory.changes).where(
            TicketHistory.ticket_id == ticket_id)).all()
    assert {"alias_id": [alias_id, None]} in changes


def the_alias_is_being_deleted(alias_id):
    """What DELETE /user_aliases/ID does, not yet committed: the alias's
    update lock, then the row deleted."""
    def delete(deletion):
        deletion.execute(sa.select(UserAlias.id).where(UserAlias.id == alias_id)
                         .with_for_update())
        deletion.execute(sa.delete(UserAlias).where(UserAlias.id == alias_id))
    return delete


def test_a_ticket_given_an_alias_being_deleted_is_a_400(backend, race_server, caplog):
    """The other order: the alias's deletion holds it (its update lock, its
    row deleted, not yet committed) as a PUT gives a ticket the alias. The
    PUT read the alias as there; its UPDATE's foreign key check waits for
    the deletion and fails once it commits. That attempt is run again, finds
    no alias, and answers the contract's 400, never a 500; the ticket keeps
    no alias and no history entry says it had one."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    ticket_id, alias_id, headers = race_server.build(alias_on_its_way_build)
    with caplog.at_level(logging.INFO):
        response = sent_while_held(
            race_server, "PUT", f"{race_server.url}/api/v1/ticket/{ticket_id}", headers,
            {"alias_id": alias_id}, the_alias_is_being_deleted(alias_id))
    assert response.status_code == 400
    assert response.json()["fields"] == {"alias_id": "must be an alias of the ticket's assignee"}
    with race_server.session() as session:
        assert session.get(Ticket, ticket_id).alias_id is None
        assert session.scalars(sa.select(TicketHistory.id).where(
            TicketHistory.ticket_id == ticket_id)).all() == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_an_alias_deleted_twice_at_once_is_gone_for_the_second(backend, race_server):
    """The second of two deletions at once waits for the first and finds
    the alias gone: 404, as a moment later and on SQLite (it answered 204,
    and its ORM delete of no row logged a warning)."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    _, alias_id, headers = race_server.build(alias_on_its_way_build)
    response = sent_while_held(race_server, "DELETE",
                               f"{race_server.url}/api/v1/user_aliases/{alias_id}", headers,
                               None, the_alias_is_being_deleted(alias_id))
    assert response.status_code == 404
    assert response.json()["code"] == 404
