"""The mails a ticket changing hands sends: what the member given it reads."""
import datetime

import pytest

from seatshare.models import utcnow

from .. import factories as f
from ..mailtext import prose

API = "/api/v1"


@pytest.fixture
def crew(dbsession, auth_headers):
    """Olga owns tickets in a group where Gus, who has an alias (his
    daughter Pia), is a member."""
    entity = f.make_entity(name="Harbour Gulls")
    olga = f.make_user(first_name="Olga", last_name="Owner", email="olga@example.org")
    gus = f.make_user(first_name="Gus", last_name="Given", email="gus@example.org")
    group = f.make_group(entity=entity, creator=olga, name="Gulls Crew")
    f.make_membership(group, gus)
    pia = f.make_alias(gus, first_name="Pia", last_name="Given")
    events = [f.make_event(entity=entity, name=name,
                           start_time=utcnow() + datetime.timedelta(days=days))
              for name, days in (("Gulls vs Terns", 7), ("Gulls vs Puffins", 14))]
    return dict(group=group, olga=olga, gus=gus, pia=pia, events=events,
                headers=auth_headers(olga))


def given_mail(outbox, crew):
    [message] = [m for m in outbox if m.to.endswith(f"<{crew['gus'].email}>")]
    return message


def test_a_ticket_given_with_an_alias_names_who_will_use_the_seat(testapp, crew, outbox):
    """As the mail of a ticket moved away names the alias cleared with it."""
    ticket = f.make_ticket(group=crew["group"], event=crew["events"][0], owner=crew["olga"])
    testapp.put_json(f"{API}/ticket/{ticket.id}",
                     {"assignee_id": crew["gus"].id, "alias_id": crew["pia"].id},
                     headers=crew["headers"])
    body = prose(given_mail(outbox, crew))
    assert "Pia Given is to use it in your place." in body
    assert body.index("Section") < body.index("Pia Given") < body.index("The seat is yours")


@pytest.mark.parametrize("events", [1, 2], ids=["one", "season"])
def test_a_new_ticket_given_with_an_alias_names_who_will_use_the_seat(testapp, crew, outbox,
                                                                      events):
    testapp.post_json(f"{API}/tickets",
                      {"group_id": crew["group"].id, "section": "A",
                       "event_ids": [event.id for event in crew["events"][:events]],
                       "assignee_id": crew["gus"].id, "alias_id": crew["pia"].id},
                      headers=crew["headers"], status=201)
    body = prose(given_mail(outbox, crew))
    assert body.count("Pia Given is to use it in your place.") == events


def test_a_ticket_given_without_an_alias_names_none(testapp, crew, outbox):
    ticket = f.make_ticket(group=crew["group"], event=crew["events"][0], owner=crew["olga"])
    testapp.put_json(f"{API}/ticket/{ticket.id}", {"assignee_id": crew["gus"].id},
                     headers=crew["headers"])
    assert "in your place" not in prose(given_mail(outbox, crew))


@pytest.mark.parametrize(("to", "subject", "opening"), [
    ("Ned", "Gus Given passed on the ticket to Gulls vs Terns you asked for",
     "Gus Given, who had this ticket in Gulls Crew, passed it on to someone else, so your "
     "request to Olga Owner for it is declined:"),
    ("Rae", "Gus Given passed you the ticket to Gulls vs Terns you asked for",
     "Gus Given, who had this ticket in Gulls Crew, passed it on to you, so your request to "
     "Olga Owner for it is accepted:"),
], ids=["to someone else", "to the requester"])
def test_a_requester_the_assignee_passes_the_ticket_on_is_told_so(
        testapp, crew, outbox, auth_headers, to, subject, opening):
    """They asked its owner: the assignee who passed it on did not decline
    nor accept their request, their passing it on did."""
    rae, ned = (f.make_user(first_name=first, last_name="Member") for first in ("Rae", "Ned"))
    for user in (rae, ned):
        f.make_membership(crew["group"], user)
    ticket = f.make_ticket(group=crew["group"], event=crew["events"][0], owner=crew["olga"],
                           assignee=crew["gus"])
    f.make_ticket_request(ticket, requester=rae)
    testapp.put_json(f"{API}/ticket/{ticket.id}", {"assignee_id": {"Rae": rae, "Ned": ned}[to].id},
                     headers=auth_headers(crew["gus"]))
    [message] = [m for m in outbox if m.to.endswith(f"<{rae.email}>")]
    assert message.subject == subject
    assert opening in prose(message)
    assert "your request for" not in prose(message)
    assert "Gus Given <gus@example.org>" == message.message["Reply-To"]


def test_running_text_is_filled_to_72_columns_whatever_the_names(testapp, crew, outbox,
                                                                   dbsession):
    """A plain-text reader shows lines as sent: a text wrapped by hand
    for short names ran past 100 columns with long ones. The games, a
    quoted message and links keep their lines."""
    crew["olga"].first_name, crew["olga"].last_name = "Maximiliana", "Oyelaran-Fitzgerald"
    crew["group"].name = "The Harbour Gulls Season Ticket Holders Association"
    dbsession.flush()
    ticket = f.make_ticket(group=crew["group"], event=crew["events"][0], owner=crew["olga"],
                           assignee=crew["gus"], alias=crew["pia"])
    testapp.put_json(f"{API}/ticket/{ticket.id}", {"assignee_id": None},
                     headers=crew["headers"])
    body = given_mail(outbox, crew).body
    assert max(len(line) for line in body.splitlines()) <= 72
    assert "\n\n    Gulls vs Terns\n" in body
    assert prose(given_mail(outbox, crew)).startswith(
        "Hello Gus, Maximiliana Oyelaran-Fitzgerald unassigned this ticket, which was "
        "assigned to you in The Harbour Gulls Season Ticket Holders Association:")


def test_a_quoted_message_and_a_link_keep_their_lines(testapp, crew, outbox, auth_headers):
    ticket = f.make_ticket(group=crew["group"], event=crew["events"][0], owner=crew["olga"])
    testapp.post_json(f"{API}/ticket/{ticket.id}/requests",
                      {"message": "Line one\nline two " + "x" * 80},
                      headers=auth_headers(crew["gus"]), status=201)
    testapp.post_json(f"{API}/groups/{crew['group'].id}/invitations",
                      {"email": "friend@example.org"}, headers=crew["headers"], status=201)
    asked, invited = outbox
    assert "\n    Line one\n    line two " + "x" * 80 + "\n" in asked.body
    assert "Create an account first:\nhttp://example.com/signup\n" in invited.body


@pytest.mark.parametrize(("by", "reader", "place"), [("olga", "gus", "your"),
                                                     ("gus", "olga", "their")],
                         ids=["by its owner", "by its assignee"])
def test_a_deleted_ticket_names_the_alias_who_loses_the_seat(testapp, crew, outbox,
                                                             auth_headers, by, reader, place):
    """As the mail of a ticket moved away names the alias cleared with it."""
    ticket = f.make_ticket(group=crew["group"], event=crew["events"][0], owner=crew["olga"],
                           assignee=crew["gus"], alias=crew["pia"])
    testapp.delete(f"{API}/ticket/{ticket.id}", headers=auth_headers(crew[by]), status=204)
    [message] = [m for m in outbox if m.to.endswith(f"<{crew[reader].email}>")]
    body = prose(message)
    cleared = f"Pia Given, who was to use it in {place} place, no longer has the seat either."
    assert body.index("Section") < body.index(cleared)
    assert max(len(line) for line in message.body.splitlines()) <= 72


@pytest.mark.parametrize("act", ["given", "moved away", "deleted"])
def test_the_alias_is_named_below_each_seat_in_every_ticket_mail(testapp, crew, outbox, act):
    """One placement for the alias's sentence: indented below the seat it
    is about, as the mails of deleted tickets and of leaving place it."""
    ticket = f.make_ticket(group=crew["group"], event=crew["events"][0], owner=crew["olga"],
                           assignee=None if act == "given" else crew["gus"],
                           alias=None if act == "given" else crew["pia"])
    if act == "deleted":
        testapp.delete(f"{API}/ticket/{ticket.id}", headers=crew["headers"], status=204)
    else:
        assignee = {"given": crew["gus"].id, "moved away": None}[act]
        body = {"assignee_id": assignee}
        if act == "given":
            body["alias_id"] = crew["pia"].id
        testapp.put_json(f"{API}/ticket/{ticket.id}", body, headers=crew["headers"])
    lines = given_mail(outbox, crew).body.splitlines()
    [line] = [line for line in lines if "Pia Given" in line]
    assert line.startswith("    Pia Given")
    assert lines[lines.index(line) - 1].strip().startswith("Section")
