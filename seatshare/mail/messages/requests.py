"""Mail about ticket requests: asking for a ticket, the owner's answer, a
request withdrawn."""
from textwrap import indent

from ... import models
from ...calendar.describe import person_name
from .compose import ask_for_others, mail_about_tickets, short


def mail_ticket_request(request, ticket_request):
    """To the ticket's owner: someone asks for their ticket. Accepting
    takes it from the member it is assigned to, if any: the mail says so."""
    ticket, owner, requester = _parties(request, ticket_request)
    requester_name = person_name(requester)
    message = ticket_request.message.strip() or "(no message)"
    taken = ""
    if ticket.assignee_id not in (None, owner.id):
        holder = person_name(request.dbsession.get(models.User, ticket.assignee_id))
        taken = f", taking it from {holder}, who has it now"
    mail_about_tickets(
        request,
        [ticket],
        reader=owner,
        sender=requester,
        subject=f"{short(requester_name)} asked for your ticket to {short(ticket.event.name)}",
        opening=f"{requester_name} would like your ticket in {ticket.group.name}:",
        closing=f"""\
Their message:

{indent(message, "    ")}

You can accept or decline the request in your SeatShare app. Accepting
assigns the ticket to {requester_name}{taken}.""",
    )


def mail_request_answer(request, ticket_request, answerer=None):
    """To the requester: the owner accepted or declined their request; or
    ``answerer`` (the owner, or the assignee passing the ticket on) gave
    the ticket to them, or to someone else: an assignee passing it on is
    said to have done so, to them or to someone else, not to have
    accepted or declined a request made to the owner."""
    ticket, owner, requester = _parties(request, ticket_request)
    accepted = ticket_request.status == models.RequestStatus.ACCEPTED
    if answerer is not None and answerer.id != owner.id:
        # They asked its owner: the assignee answered nothing, but passed it on.
        _mail_passed_on(request, ticket, owner, requester, answerer, accepted)
        return
    if accepted:
        verdict, closing = "accepted", ACCEPTED_CLOSING
    else:
        # Declined as the ticket was given to someone else (accepting
        # another request, or assigning it), or with it already theirs.
        held = ("is assigned to someone else" if ticket.assignee_id is not None
                else "stays with its owner")
        verdict, closing = "declined", (
            f"The ticket {held}. {ask_for_others(ticket.group)}"
        )
    owner_name = person_name(owner)
    mail_about_tickets(
        request,
        [ticket],
        reader=requester,
        sender=owner,
        subject=f"{short(owner_name)} {verdict} your request for {short(ticket.event.name)}",
        opening=f"{owner_name} {verdict} your request for this ticket in {ticket.group.name}:",
        closing=closing,
    )


ACCEPTED_CLOSING = "The ticket is now assigned to you. Enjoy the event!"


def _mail_passed_on(request, ticket, owner, requester, assignee, to_them):
    """To the requester: ``assignee`` passed ``ticket`` on, to them
    (``to_them``), which accepted the request they had made to its
    ``owner``, or to someone else, which declined it."""
    name, event_name = person_name(assignee), ticket.event.name
    if to_them:
        subject = f"{short(name)} passed you the ticket to {short(event_name)} you asked for"
        whom, verdict, closing = "you", "accepted", ACCEPTED_CLOSING
    else:
        subject = f"{short(name)} passed on the ticket to {short(event_name)} you asked for"
        whom, verdict = "someone else", "declined"
        closing = ask_for_others(ticket.group)
    mail_about_tickets(
        request,
        [ticket],
        reader=requester,
        sender=assignee,
        subject=subject,
        opening=(f"{name}, who had this ticket in {ticket.group.name}, passed it on to {whom}, "
                 f"so your request to {person_name(owner)} for it is {verdict}:"),
        closing=closing,
    )


def mail_request_withdrawn(request, ticket_request):
    """To the ticket's owner: the requester no longer wants the ticket.
    (A requester leaving the group: ``mail_tickets_gone``.)"""
    ticket, owner, requester = _parties(request, ticket_request)
    requester_name = person_name(requester)
    mail_about_tickets(
        request,
        [ticket],
        reader=owner,
        sender=requester,
        subject=f"{short(requester_name)} withdrew their request for {short(ticket.event.name)}",
        opening=f"{requester_name} withdrew their request for your ticket in {ticket.group.name}:",
        closing="There is nothing for you to do: the ticket stays as it was.",
    )


def _parties(request, ticket_request):
    # By id, not through the relationship: a request not yet flushed has none.
    ticket = request.dbsession.get(models.Ticket, ticket_request.ticket_id)
    owner = request.dbsession.get(models.User, ticket.owner_id)
    requester = request.dbsession.get(models.User, ticket_request.requester_id)
    return ticket, owner, requester
