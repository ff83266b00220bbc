"""The mails a member leaving a group, or an administrator removing them,
sends: to whom, in whose name, and what each lists."""
import datetime

import pytest

from seatshare.models import utcnow

from .. import factories as f
from ..mailtext import prose, told_in_order

API = "/api/v1"


@pytest.fixture
def crew(dbsession, auth_headers):
    """A group with its administrator, Ada; Lee, a member leaving or
    removed; and Ola, who owns tickets and asks for Lee's."""
    entity = f.make_entity(name="Harbour Gulls")
    ada = f.make_user(first_name="Ada", last_name="Admin", email="ada@example.org")
    lee = f.make_user(first_name="Lee", last_name="Leaver", email="lee@example.org")
    ola = f.make_user(first_name="Ola", last_name="Other", email="ola@example.org")
    group = f.make_group(entity=entity, creator=ada, name="Gulls Crew")
    for user in (lee, ola):
        f.make_membership(group, user)
    soon = f.make_event(entity=entity, name="Gulls vs Terns",
                        start_time=utcnow() + datetime.timedelta(days=7))
    later = f.make_event(entity=entity, name="Gulls vs Puffins",
                         start_time=utcnow() + datetime.timedelta(days=14))
    return dict(entity=entity, group=group, ada=ada, lee=lee, ola=ola, soon=soon, later=later,
                headers=lambda user: auth_headers(user))


def remove(testapp, crew, by):
    testapp.delete(f"{API}/groups/{crew['group'].id}/members/{crew['lee'].id}",
                   headers=crew["headers"](crew[by]), status=204)


def mail_to(outbox, user):
    [message] = [m for m in outbox if m.to.endswith(f"<{user.email}>")]
    return message


@pytest.mark.parametrize(("by", "replies_to"), [("ada", "ada"), ("lee", "lee")],
                         ids=["removed", "leaving"])
def test_the_other_members_reply_to_whoever_acted(testapp, crew, outbox, by, replies_to):
    """An administrator removing a member answers for it, as for every
    mail sent in someone's name: not the member removed."""
    f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["lee"],
                  assignee=crew["ola"])
    f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["ola"],
                  assignee=crew["lee"])
    remove(testapp, crew, by)
    message = mail_to(outbox, crew["ola"])
    assert message.subject == "Gulls Crew: your ticket from Lee Leaver is deleted, and more"
    assert message.message["Reply-To"] == f"{crew[replies_to].first_name} " \
        f"{crew[replies_to].last_name} <{crew[replies_to].email}>"


def test_a_member_removed_learns_which_of_their_requests_are_withdrawn(testapp, crew,
                                                                       outbox):
    """As the owners do: the leaving mail lists them to each owner, the
    administrator's own tickets too (whom no mail tells)."""
    for event, owner, seat in ((crew["later"], crew["ola"], "Later"),
                               (crew["soon"], crew["ada"], "Soon")):
        ticket = f.make_ticket(group=crew["group"], event=event, owner=owner, seat=seat)
        f.make_ticket_request(ticket, requester=crew["lee"])
    f.make_ticket(group=crew["group"], owner=crew["lee"], seat="Owned",
                  event=f.make_event(entity=crew["entity"], name="Gulls vs Owls",
                                     start_time=utcnow() + datetime.timedelta(days=3)))
    remove(testapp, crew, "ada")
    body = prose(mail_to(outbox, crew["lee"]))
    assert told_in_order(
        body,
        "The tickets you owned there, deleted (games still to come):", "Gulls vs Owls",
        "Seat Owned",
        "The tickets you asked for there, your requests withdrawn:", "Gulls vs Terns",
        "Seat Soon",
        "Gulls vs Puffins", "Seat Later", "To come back",
    )


def test_a_member_removed_owning_nothing_learns_their_request_is_withdrawn(testapp, crew,
                                                                           outbox):
    ticket = f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"])
    f.make_ticket_request(ticket, requester=crew["lee"])
    remove(testapp, crew, "ada")
    body = prose(mail_to(outbox, crew["lee"]))
    assert ("assigned to you there unassigned, and your requests for its tickets "
            "withdrawn. The tickets you asked for there, your requests withdrawn: "
            "Gulls vs Terns") in body


def test_a_requester_learns_who_deleted_the_ticket_they_asked_for(testapp, crew, outbox):
    ticket = f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["lee"])
    f.make_ticket_request(ticket, requester=crew["ola"])
    testapp.delete(f"{API}/ticket/{ticket.id}", headers=crew["headers"](crew["lee"]),
                   status=204)
    message = mail_to(outbox, crew["ola"])
    # The event beside the ticket: "the ticket you asked for to Gulls vs
    # Terns" read as asking for it to something.
    assert message.subject == "Lee Leaver deleted the ticket to Gulls vs Terns you asked for"
    assert ("Lee Leaver deleted this ticket in Gulls Crew, which you asked for, and your "
            "request with it:") in prose(message)


@pytest.mark.parametrize("by", ["ada", "lee"], ids=["removed", "leaving"])
def test_a_requester_learns_the_owner_of_the_ticket_they_asked_for_is_gone(
        testapp, crew, outbox, by):
    """Not only that the ticket was deleted: why."""
    for event in (crew["soon"], crew["later"]):
        ticket = f.make_ticket(group=crew["group"], event=event, owner=crew["lee"])
        f.make_ticket_request(ticket, requester=crew["ola"])
    remove(testapp, crew, by)
    message = mail_to(outbox, crew["ola"])
    assert message.subject == "Gulls Crew: 2 tickets you asked Lee Leaver for are deleted"
    removed = " (Ada Admin, an administrator, removed them)" if by == "ada" else ""
    assert (f"Lee Leaver is no longer a member of Gulls Crew{removed}. The tickets they "
            "owned were deleted, these you asked for among them, and your requests with "
            "them:") in prose(message)


@pytest.mark.parametrize("by", ["ada", "lee"], ids=["removed", "leaving"])
def test_the_other_members_learn_who_removed_the_member(testapp, crew, outbox, by):
    """The administrator they may reply to is named: the mail is theirs.
    In its first sentence, who did what: told below the first list, it
    came between that list and what to do about it."""
    f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"],
                  assignee=crew["lee"])
    remove(testapp, crew, by)
    body = prose(mail_to(outbox, crew["ola"]))
    if by == "lee":
        assert "removed" not in body
    else:
        assert body.startswith(
            "Hello Ola, Lee Leaver is no longer a member of Gulls Crew (Ada Admin, an "
            "administrator, removed them), so this ticket of yours, which was assigned to "
            "them, is unassigned:")
        assert body.count("removed") == 1


def test_a_member_removed_learns_which_seats_assigned_to_them_are_gone(testapp, crew,
                                                                       outbox):
    """Each list in turn, games still to come only: the tickets they owned,
    deleted; those assigned to them, the administrator's too, unassigned;
    those they asked for, the requests withdrawn."""
    played = f.make_event(entity=crew["entity"], name="Gulls vs Yesterday",
                          start_time=utcnow() - datetime.timedelta(days=3))
    for event, owner, seat in ((crew["later"], crew["ola"], "HeldLater"),
                               (crew["soon"], crew["ada"], "HeldSoon"),
                               (played, crew["ola"], "HeldPlayed")):
        f.make_ticket(group=crew["group"], event=event, owner=owner, seat=seat,
                      assignee=crew["lee"])
    f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["lee"], seat="Owned")
    asked = f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"],
                          seat="Asked")
    f.make_ticket_request(asked, requester=crew["lee"])
    remove(testapp, crew, "ada")
    body = prose(mail_to(outbox, crew["lee"]))
    assert told_in_order(
        body,
        "removed you from the group on SeatShare.",
        "The tickets you owned there, deleted (games still to come):", "Seat Owned",
        "The tickets assigned to you there, unassigned (games still to come):",
        "Seat HeldSoon", "Seat HeldLater",
        "The tickets you asked for there, your requests withdrawn:", "Seat Asked",
        "To come back",
    )
    assert "HeldPlayed" not in body


def test_a_member_removed_with_nothing_to_list_is_told_so(testapp, crew, outbox):
    remove(testapp, crew, "ada")
    body = prose(mail_to(outbox, crew["lee"]))
    assert ("Ada Admin, an administrator of Gulls Crew, removed you from the "
            "group on SeatShare. Any ticket you owned there is deleted, any ticket "
            "assigned to you there unassigned, and your requests for its tickets "
            "withdrawn. To come back") in body


def test_what_to_do_about_withdrawn_requests_is_clear_beside_a_seat_free_again(
        testapp, crew, outbox):
    """Each list's closing says which tickets it means: "it" after a seat
    free again (whose closing says what to do with it) read as that seat."""
    f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"],
                  assignee=crew["lee"])
    asked = f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["ola"])
    f.make_ticket_request(asked, requester=crew["lee"])
    remove(testapp, crew, "lee")
    body = prose(mail_to(outbox, crew["ola"]))
    assert body.index("Its seat is free again") < body.index(
        "You need not answer their request: that ticket of yours stays as it was.")
    assert "nothing for you to do" not in body


@pytest.mark.parametrize("by", ["ada", "lee"], ids=["removed", "leaving"])
def test_the_other_members_learn_which_alias_loses_each_seat(testapp, crew, outbox, by):
    """Below each game whose seat an alias was to use, as the mail of a
    ticket moved away names the alias cleared with it: Ola's daughter
    loses the seat Lee's ticket gave her; Lee's nephew, the one Ola lent
    Lee."""
    daughter = f.make_alias(crew["ola"], first_name="Dot", last_name="Other")
    nephew = f.make_alias(crew["lee"], first_name="Ned", last_name="Leaver")
    f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["lee"], seat="Dot",
                  assignee=crew["ola"], alias=daughter)
    f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["ola"], seat="Ned",
                  assignee=crew["lee"], alias=nephew)
    f.make_ticket(group=crew["group"], owner=crew["ola"], seat="Nobody", assignee=crew["lee"],
                  event=f.make_event(entity=crew["entity"], name="Gulls vs Owls",
                                     start_time=utcnow() + datetime.timedelta(days=21)))
    remove(testapp, crew, by)
    body = prose(mail_to(outbox, crew["ola"]))
    assert told_in_order(
        body,
        "Seat Dot", "Dot Other, who was to use it in your place, no longer has the seat either.",
        "Seat Ned", "Ned Leaver, who was to use it in their place, no longer has the seat "
        "either.", "Seat Nobody",
    )
    assert body.count("who was to use it") == 2


def test_a_member_removed_learns_which_alias_of_theirs_loses_a_seat(testapp, crew, outbox):
    nephew = f.make_alias(crew["lee"], first_name="Ned", last_name="Leaver")
    f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"], seat="Ned",
                  assignee=crew["lee"], alias=nephew)
    f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["lee"], seat="Owned",
                  assignee=crew["ola"], alias=f.make_alias(crew["ola"]))
    remove(testapp, crew, "ada")
    body = prose(mail_to(outbox, crew["lee"]))
    assert body.index("Seat Ned") < body.index(
        "Ned Leaver, who was to use it in your place, no longer has the seat either."
    ) < body.index("To come back")
    # Whom Ola's ticket was for is Ola's to tell: Ola is mailed.
    assert body.count("who was to use it") == 1


def test_a_leaving_mail_s_subject_fits_a_mail_client_s_list(testapp, crew, outbox):
    """The group and what matters most to the reader, "and more" where
    there is more: it listed every list (about 200 characters here), of
    which a mail client shows 40 to 70. Two leavers' mails stay apart."""
    max_ = f.make_user(first_name="Max", last_name="Mover", email="max@example.org")
    f.make_membership(crew["group"], max_)
    for leaver in (crew["lee"], max_):
        f.make_ticket(group=crew["group"], event=crew["soon"], owner=leaver,
                      assignee=crew["ola"])
        f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["ola"],
                      assignee=leaver)
        asked = f.make_ticket(group=crew["group"], event=crew["later"], owner=leaver)
        f.make_ticket_request(asked, requester=crew["ola"])
        wanted = f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"])
        f.make_ticket_request(wanted, requester=leaver)
        testapp.delete(f"{API}/groups/{crew['group'].id}/members/{leaver.id}",
                       headers=crew["headers"](leaver), status=204)
    subjects = [m.subject for m in outbox if m.to.endswith("<ola@example.org>")]
    assert subjects == ["Gulls Crew: your ticket from Lee Leaver is deleted, and more",
                        "Gulls Crew: your ticket from Max Mover is deleted, and more"]
    assert all(len(subject) <= 70 for subject in subjects)


@pytest.mark.parametrize(("setup", "subject"), [
    ("held", "Gulls Crew: the seat Lee Leaver held is free"),
    ("asked", "Gulls Crew: the ticket you asked Lee Leaver for is deleted"),
    ("wanted", "Gulls Crew: Lee Leaver's request to you is withdrawn"),
])
def test_a_leaving_mail_s_subject_names_its_one_list(testapp, crew, outbox, setup, subject):
    if setup == "held":
        f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"],
                      assignee=crew["lee"])
    elif setup == "asked":
        ticket = f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["lee"])
        f.make_ticket_request(ticket, requester=crew["ola"])
    else:
        ticket = f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"])
        f.make_ticket_request(ticket, requester=crew["lee"])
    remove(testapp, crew, "lee")
    assert mail_to(outbox, crew["ola"]).subject == subject


@pytest.mark.parametrize("act", ["leaving", "removed"])
def test_a_subject_with_long_names_is_cut_at_a_word_to_78_characters(testapp, crew, outbox,
                                                                      dbsession, act):
    """The last resort, for every subject at one place: a leaving mail's
    subject with this group and these names ran to 160 characters, and
    still runs past 78 with each name shortened."""
    crew["group"].name = "The Harbour Gulls Season Ticket Holders Association"
    crew["lee"].first_name, crew["lee"].last_name = "Bartholomew-Alexander", "Featherstonehaugh"
    crew["ada"].first_name, crew["ada"].last_name = "Maximiliana", "Oyelaran-Fitzgerald"
    dbsession.flush()
    f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["lee"],
                  assignee=crew["ola"])
    asked = f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["ola"])
    f.make_ticket_request(asked, requester=crew["lee"])
    remove(testapp, crew, "lee" if act == "leaving" else "ada")
    full = ("The Harbour Gulls…: your ticket from Bartholomew-Alexander… is deleted, "
            "and more")
    subject = mail_to(outbox, crew["ola"]).subject
    assert len(subject) <= 78 < len(full)
    assert subject.endswith("…")
    kept = subject.removesuffix("…")
    assert full.startswith(kept) and full[len(kept)] in " ,"
    if act == "removed":
        assert len(mail_to(outbox, crew["lee"]).subject) <= 78


# 100 characters.
LONG_GROUP_NAME = ("The Harbour Gulls Supporters' Club, Season Ticket Holders and Friends "
                   "Association, North Quay Branch")


@pytest.mark.parametrize("act", ["leaving", "removed", "asking"])
def test_a_long_name_is_shortened_so_the_subject_still_says_what_happened(
        testapp, crew, outbox, dbsession, act):
    """Each name in a subject is cut to 24 characters at a word; the whole
    subject was cut at 78 instead, and with a long group name what happened
    was left out: "The Harbour Gulls Supporters' Club Season Ticket Holders and…"."""
    assert len(LONG_GROUP_NAME) == 100
    crew["group"].name = LONG_GROUP_NAME
    crew["soon"].name = LONG_GROUP_NAME.replace("Club", "Cup Final")
    dbsession.flush()
    f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["lee"],
                  assignee=crew["ola"])
    if act == "asking":
        asked = f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"])
        testapp.post_json(f"{API}/ticket/{asked.id}/requests", {"message": ""},
                          headers=crew["headers"](crew["lee"]), status=201)
        assert mail_to(outbox, crew["ola"]).subject == (
            "Lee Leaver asked for your ticket to The Harbour Gulls…")
        return
    f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["ola"],
                  assignee=crew["lee"])
    remove(testapp, crew, "lee" if act == "leaving" else "ada")
    assert mail_to(outbox, crew["ola"]).subject == (
        "The Harbour Gulls…: your ticket from Lee Leaver is deleted, and more")
    if act == "removed":
        assert mail_to(outbox, crew["lee"]).subject == (
            "Ada Admin removed you from The Harbour Gulls…")
    # The body names the group whole.
    assert LONG_GROUP_NAME in prose(mail_to(outbox, crew["ola"]))


def test_what_to_do_about_each_list_is_said_right_below_it(testapp, crew, outbox):
    """All below the last list, "Its seat is free again" read as any
    list's: each list's closing now stands before the next list."""
    f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["lee"], seat="Deleted",
                  assignee=crew["ola"])
    f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["ola"], seat="Free",
                  assignee=crew["lee"])
    wanted = f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["ola"],
                           seat="Wanted")
    f.make_ticket_request(wanted, requester=crew["lee"])
    remove(testapp, crew, "lee")
    assert told_in_order(
        prose(mail_to(outbox, crew["ola"])),
        "Seat Deleted", "If you still need a seat, you can ask the other members",
        "And this ticket of yours, which was assigned to them, is unassigned:", "Seat Free",
        "Its seat is free again",
        "And their request for this ticket of yours is withdrawn:", "Seat Wanted",
        "You need not answer their request",
    )
