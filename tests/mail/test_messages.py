"""What each transactional message says, and to whom."""
import datetime

import pytest
import transaction
from pyramid.request import Request

from seatshare.mail import (
    mail_invitation,
    mail_request_answer,
    mail_request_withdrawn,
    mail_ticket_request,
)
from seatshare.mail.messages.compose import short
from seatshare.models import RequestStatus, TicketRequest

from .. import factories as f

KICKOFF = datetime.datetime(2026, 4, 10, 23, 5)  # naive UTC: 19:05 in New York


@pytest.fixture
def send(app, dbsession, outbox):
    """``send(mail_function, *args)``: run it in a committed transaction."""

    def run(mail_function, *args):
        request = Request.blank("/", base_url="https://seatshare.example")
        request.registry = app.registry
        request.dbsession = dbsession
        request.tm = transaction.TransactionManager(explicit=True)
        with request.tm:
            mail_function(request, *args)
        return outbox[-1]

    return run


@pytest.fixture
def season(dbsession):
    entity = f.make_entity(name="Riverside Otters")
    owner = f.make_user(
        first_name="Olivia", last_name="Owner", email="olivia@example.com",
        timezone="America/New_York",
    )
    requester = f.make_user(
        first_name="Ravi", last_name="Requester", email="ravi@example.com",
        timezone="Europe/London",
    )
    group = f.make_group(entity=entity, creator=owner, name="Section 101 Crew")
    f.make_membership(group, requester)
    event = f.make_event(entity=entity, name="Otters vs Herons", start_time=KICKOFF)
    ticket = f.make_ticket(
        group=group, event=event, owner=owner, section="101", row="C", seat="7"
    )
    ticket_request = f.make_ticket_request(
        ticket, requester, message="My dad's birthday!\nWe would love to go."
    )
    return owner, requester, group, ticket_request


def test_invitation_mail_carries_its_code_and_who_invited(send, season):
    owner, _, group, _ = season
    mail = send(mail_invitation, group, "friend@example.com", "JOIN-4F7Q", owner)
    assert mail.to == "friend@example.com"
    assert mail.subject == "Olivia Owner invited you to Section 101 Crew on SeatShare"
    assert "JOIN-4F7Q" in mail.body
    assert "Riverside Otters" in mail.body
    assert "https://seatshare.example/signup" in mail.body
    assert mail.message["Reply-To"] == "Olivia Owner <olivia@example.com>"


def test_ticket_request_mail_goes_to_the_owner_in_their_time_zone(send, season):
    _, _, _, ticket_request = season
    mail = send(mail_ticket_request, ticket_request)
    assert mail.to == "Olivia Owner <olivia@example.com>"
    assert mail.subject == "Ravi Requester asked for your ticket to Otters vs Herons"
    assert "Hello Olivia," in mail.body
    assert "Friday 10 April 2026 at 19:05 EDT" in mail.body
    assert "Section 101, Row C, Seat 7" in mail.body
    assert "    My dad's birthday!\n    We would love to go." in mail.body
    assert mail.message["Reply-To"] == "Ravi Requester <ravi@example.com>"


def test_accepted_request_mail_tells_the_requester(send, season):
    _, _, _, ticket_request = season
    ticket_request.status = RequestStatus.ACCEPTED
    mail = send(mail_request_answer, ticket_request)
    assert mail.to == "Ravi Requester <ravi@example.com>"
    assert mail.subject == "Olivia Owner accepted your request for Otters vs Herons"
    assert "now assigned to you" in mail.body
    # The requester reads the time in London.
    assert "Saturday 11 April 2026 at 00:05 BST" in mail.body


def test_declined_request_mail_tells_the_requester(send, season):
    _, _, _, ticket_request = season
    ticket_request.status = RequestStatus.DECLINED
    mail = send(mail_request_answer, ticket_request)
    assert mail.to == "Ravi Requester <ravi@example.com>"
    assert mail.subject == "Olivia Owner declined your request for Otters vs Herons"
    assert "stays with its owner" in mail.body
    assert "assigned to you" not in mail.body


def test_withdrawn_request_mail_tells_the_owner(send, season):
    _, _, _, ticket_request = season
    ticket_request.status = RequestStatus.WITHDRAWN
    mail = send(mail_request_withdrawn, ticket_request)
    assert mail.to == "Olivia Owner <olivia@example.com>"
    assert mail.subject == "Ravi Requester withdrew their request for Otters vs Herons"
    assert "Section 101, Row C, Seat 7" in mail.body


def test_time_to_be_announced_is_said_so(send, season, dbsession):
    _, _, _, ticket_request = season
    ticket_request.ticket.event.time_tba = True
    mail = send(mail_ticket_request, ticket_request)
    assert "Friday 10 April 2026, time to be announced" in mail.body


def test_names_cannot_inject_mail_headers(send, season):
    owner, requester, _, ticket_request = season
    requester.first_name = "Ravi\nBcc: everyone@example.com"
    mail = send(mail_ticket_request, ticket_request)
    assert mail.message["Bcc"] is None
    assert "\n" not in mail.subject


def test_mail_never_carries_a_calendar_or_access_token(send, season, app):
    from seatshare.calendar import feed_token

    owner, requester, group, ticket_request = season
    bodies = [
        send(mail_invitation, group, "friend@example.com", "JOIN-4F7Q", owner).body,
        send(mail_ticket_request, ticket_request).body,
    ]
    for user in (owner, requester):
        token = feed_token(app.registry.settings, user)
        assert not any(token in body for body in bodies)


def test_names_outside_ascii_arrive_intact(send, season):
    owner, requester, _, ticket_request = season
    requester.first_name, requester.last_name = "José", "Muñoz"
    mail = send(mail_ticket_request, ticket_request)
    assert mail.subject == "José Muñoz asked for your ticket to Otters vs Herons"
    assert "José Muñoz would like your ticket" in mail.body
    assert mail.message["Reply-To"].addresses[0].display_name == "José Muñoz"


def test_a_request_not_yet_flushed_can_be_mailed(send, season, dbsession):
    owner, requester, _, ticket_request = season
    fresh = TicketRequest(ticket_id=ticket_request.ticket_id, requester_id=requester.id, message="Me too")
    dbsession.add(fresh)
    mail = send(mail_ticket_request, fresh)
    assert mail.to == "Olivia Owner <olivia@example.com>"
    assert "Me too" in mail.body


FAMILY = "\N{WOMAN}\N{ZERO WIDTH JOINER}\N{GIRL}\N{ZERO WIDTH JOINER}\N{BOY}"
FLAG = "\N{REGIONAL INDICATOR SYMBOL LETTER F}\N{REGIONAL INDICATOR SYMBOL LETTER R}"
THUMBS_UP = "\N{THUMBS UP SIGN}\N{EMOJI MODIFIER FITZPATRICK TYPE-4}"


@pytest.mark.parametrize("name, shortened", [
    ("Gulls Crew", "Gulls Crew"),
    ("Harbour Gulls Season Ticket Holders", "Harbour Gulls Season…"),
    # No space to cut at: cut between two characters a reader sees, never
    # between a letter and its combining accent, nor inside an emoji.
    ("A" * 22 + "e\N{COMBINING ACUTE ACCENT}tienne", "A" * 22 + "…"),
    ("Crew" + FAMILY * 5, "Crew" + FAMILY * 3 + "…"),
    ("Crewxy" + FLAG * 12, "Crewxy" + FLAG * 8 + "…"),
    ("Crewx" + FLAG * 12, "Crewx" + FLAG * 9 + "…"),
    ("Crew" + THUMBS_UP * 12, "Crew" + THUMBS_UP * 9 + "…"),
])
def test_a_name_in_a_subject_is_cut_at_a_word_or_between_whole_characters(name, shortened):
    assert short(name) == shortened
    assert len(shortened) <= 24
