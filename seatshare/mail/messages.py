"""The transactional mail SeatShare sends, one function per occasion.

Each function builds a plain-text message and hands it to the request's
transaction: it is sent only if the request's transaction commits. Call them
from a view after the change they announce, e.g.
``mail_ticket_request(request, ticket_request)`` once the request is added.

Bodies never carry access tokens or feed URLs; an invitation carries its
invitation code, and a reset mail its link, because that is what they are for.
"""
from email.utils import formataddr
from textwrap import indent
from typing import NamedTuple

from pyramid_mailer.message import Message

from .. import models
from ..calendar.describe import describe_when, person_name, seat_label
from .queue import send

SIGNATURE = "-- \nSeatShare: season tickets, shared with friends."


def mail_invitation(request, group, email, code, inviter):
    """To ``email``: ``inviter`` invites them into ``group`` with a single-use ``code``."""
    entity = request.dbsession.get(models.Entity, group.entity_id)
    inviter_name = person_name(inviter)
    body = f"""\
Hello,

{inviter_name} invited you to join "{group.name}", a SeatShare group that
shares season tickets for {entity.name}.

Your invitation code:

    {code}

To accept, open your SeatShare app, choose to join a group and enter the
code. It works once.

New to SeatShare? Create an account first:
{request.application_url}/signup

If you were not expecting this invitation, you can ignore this message;
nothing happens unless the code is used.
"""
    _send(
        request,
        to=email,
        subject=f"{inviter_name} invited you to {group.name} on SeatShare",
        body=body,
        reply_to=inviter,
    )


def mail_password_reset(request, user, link):
    """To ``user``: the link that sets a new password (asked for on the
    reset page, by them or by someone who knows their email)."""
    body = f"""\
Hello {user.first_name or person_name(user)},

Someone, hopefully you, asked to choose a new password for your SeatShare
account. To choose one, open this link:

{link}

It works for an hour, and once. Choosing a new password signs you out in
every other browser, disconnects the apps connected to your account and
gives your calendar feeds new links.

If you did not ask for this, ignore this message: your password stays as
it is.
"""
    _send(request, to=user, subject="Choose a new SeatShare password", body=body)


def mail_email_changed(request, user, old_email, application_name, undo_url=None,
                       undo_expires=None):
    """To ``old_email``: ``application_name`` changed the account's email
    to ``user.email`` (``PUT /api/v1/users/me``). A reset link now goes to
    the new address, so whoever holds that application's token could take
    the account. With ``undo_url`` (until ``undo_expires``, naive UTC), the
    mailbox's owner can take it back in one step (``services.email_undo``);
    without, the address was only passed through, and is told all the same."""
    body = f"""\
Hello {user.first_name or person_name(user)},

The email address of your SeatShare account was changed from
{old_email} to {user.email}
by {application_name}, an app you allowed to make changes for you.

If you made this change, there is nothing to do.
"""
    if undo_url:
        body += f"""
This wasn't you? Undo this change:

{undo_url}

It puts {old_email} back as the account's address, signs out every
browser, disconnects every app, and has you choose a new password: a
link to choose one now goes to the new address, so whoever made this
change may have chosen one already. The link works once, until
{undo_expires:%Y-%m-%d %H:%M} UTC, and not once the address is {old_email} again.
"""
    else:
        body += """
If you did not, whoever holds that app's access may be taking over the
account: a link to choose a new password now goes to the new address.
"""
    _send(request, to=formataddr((_one_line(person_name(user)), old_email)),
          subject="Your SeatShare email address was changed", body=body)


def mail_ticket_request(request, ticket_request):
    """To the ticket's owner: someone asks for their ticket. Accepting
    takes it from the member it is assigned to, if any: the mail says so."""
    ticket, owner, requester = _parties(request, ticket_request)
    requester_name = person_name(requester)
    message = ticket_request.message.strip() or "(no message)"
    taken = ""
    if ticket.assignee_id not in (None, owner.id):
        holder = person_name(request.dbsession.get(models.User, ticket.assignee_id))
        taken = f",\ntaking it from {holder}, who has it now"
    _mail_about_tickets(
        request,
        [ticket],
        reader=owner,
        sender=requester,
        subject=f"{requester_name} asked for your ticket to {ticket.event.name}",
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
    the ticket to them, or to someone else."""
    ticket, owner, requester = _parties(request, ticket_request)
    owner = answerer or owner
    if ticket_request.status == models.RequestStatus.ACCEPTED:
        verdict, closing = "accepted", "The ticket is now assigned to you. Enjoy the event!"
    else:
        # Declined as the ticket was given to someone else (accepting
        # another request, or assigning it), or with it already theirs.
        held = ("is assigned to someone else" if ticket.assignee_id is not None
                else "stays with its owner")
        verdict, closing = "declined", (
            f"The ticket {held}. You can still ask for other "
            f"tickets in {ticket.group.name}."
        )
    owner_name = person_name(owner)
    _mail_about_tickets(
        request,
        [ticket],
        reader=requester,
        sender=owner,
        subject=f"{owner_name} {verdict} your request for {ticket.event.name}",
        opening=f"{owner_name} {verdict} your request for this ticket in {ticket.group.name}:",
        closing=closing,
    )


def mail_request_withdrawn(request, ticket_request):
    """To the ticket's owner: the requester no longer wants the ticket.
    (A requester leaving the group: ``mail_tickets_gone``.)"""
    ticket, owner, requester = _parties(request, ticket_request)
    requester_name = person_name(requester)
    _mail_about_tickets(
        request,
        [ticket],
        reader=owner,
        sender=requester,
        subject=f"{requester_name} withdrew their request for {ticket.event.name}",
        opening=f"{requester_name} withdrew their request for your ticket in {ticket.group.name}:",
        closing="There is nothing for you to do: the ticket stays as it was.",
    )


# What ``mail_tickets_gone`` tells, in the order its message tells it.
GONE_KINDS = ("deleted", "dropped", "asked", "withdrawn")


def mail_tickets_gone(request, reader, party, group, tickets, left_group=False):
    """To ``reader``: what ``party`` deleting a ticket (``DELETE
    /ticket/ID``), or (``left_group``) leaving ``group`` or being removed
    from it, did to them. ``tickets`` maps each of ``GONE_KINDS`` that
    applies to its tickets, each with its ``event`` loaded, in order:
    ``deleted``, ``party``'s tickets assigned to ``reader``, deleted;
    ``dropped``, ``reader``'s tickets assigned to ``party``, deleted by
    them or unassigned; ``asked``, tickets ``reader`` asked for, deleted,
    and their requests with them; ``withdrawn``, ``reader``'s tickets
    ``party`` asked for, their requests withdrawn. One message for all.
    Built before the tickets change: the message reads them."""
    name = person_name(party)
    builders = {"deleted": _deleted_part, "dropped": _dropped_part, "asked": _asked_part,
                "withdrawn": _withdrawn_part}
    parts = [builders[kind](name, group, tickets[kind], left_group)
             for kind in GONE_KINDS if tickets.get(kind)]
    if len(parts) == 1:
        subject = parts[0].subject
    else:
        # Only a member leaving does more than one.
        besides = [part.beside for part in parts]
        subject = (f"{name} is no longer a member of {group.name}: "
                   f"{', '.join(besides[:-1])}, and {besides[-1]}")
    _mail_about_sections(
        request,
        [(part.opening if i == 0 else part.after, part.tickets) for i, part in enumerate(parts)],
        reader=reader,
        sender=party,
        subject=subject,
        closing="\n\n".join(part.closing for part in parts),
    )


class _Part(NamedTuple):
    """One list of a ``mail_tickets_gone`` message: what happened to these
    tickets, in the subject (alone, or ``beside`` the other lists'), above
    the games (``opening`` first, ``after`` another list), and what the
    reader can do about it."""
    tickets: list
    subject: str
    beside: str
    opening: str
    after: str
    closing: str


def _deleted_part(owner_name, group, tickets, left_group) -> _Part:
    """``owner_name``'s ``tickets``, assigned to the reader, deleted."""
    one = len(tickets) == 1
    what = (f"your ticket to {tickets[0].event.name}" if one
            else f"{len(tickets)} tickets assigned to you")
    if left_group:
        # Not "left": an administrator may have removed them.
        these = "this one, which was" if one else "these, which were"
        subject = (f"{owner_name} is no longer a member of {group.name}: "
                   f"{what} {'is' if one else 'are'} deleted")
        opening = (f"{owner_name} is no longer a member of {group.name}. The tickets they owned\n"
                   f"were deleted, and with them {these} assigned to you:")
    else:
        these = "this ticket, which was" if one else "these tickets, which were"
        subject = f"{owner_name} deleted {what}"
        opening = f"{owner_name} deleted {these} assigned to you in {group.name}:"
    closing = (f"If you still need a seat, you can ask the other members of {group.name}\n"
               "for one of their tickets in your SeatShare app.")
    # Beside the other lists' "your ticket to", which ticket is meant.
    beside = (f"the ticket to {tickets[0].event.name} assigned to you is deleted" if one
              else f"{len(tickets)} tickets assigned to you are deleted")
    # Told first whenever there is one: ``after`` is never used.
    return _Part(tickets, subject, beside, opening, opening, closing)


def _dropped_part(assignee_name, group, tickets, left_group) -> _Part:
    """The reader's ``tickets``, assigned to ``assignee_name``, deleted by
    them or (``left_group``) unassigned."""
    one = len(tickets) == 1
    what = f"your ticket to {tickets[0].event.name}" if one else f"{len(tickets)} of your tickets"
    these = "this ticket of yours, which was" if one else "these tickets of yours, which were"
    is_ = "is" if one else "are"
    if left_group:
        # Not "left": an administrator may have removed them.
        subject = f"{assignee_name} is no longer a member of {group.name}: {what} {is_} free again"
        opening = (f"{assignee_name} is no longer a member of {group.name}, so {these} "
                   f"assigned to them, {is_} unassigned:")
        closing = (f"{'Its seat is' if one else 'Their seats are'} free again: you can give "
                   f"{'it' if one else 'them'} to another member of {group.name} "
                   "in your SeatShare app.")
    else:
        subject = f"{assignee_name} deleted {what}"
        opening = f"{assignee_name} deleted {these} assigned to them in {group.name}:"
        closing = "If you still hold the seat, you can add the ticket again in your SeatShare app."
    after = f"And {these} assigned to them, {is_} unassigned:"
    return _Part(tickets, subject, f"{what} {is_} free again", opening, after, closing)


def _asked_part(deleter_name, group, tickets, left_group) -> _Part:
    """``tickets`` the reader asked for, deleted, and their requests with them."""
    one = len(tickets) == 1
    if one:
        event = tickets[0].event.name
        subject = f"The ticket you asked for to {event} was deleted"
        beside = f"the ticket to {event} you asked for is deleted"
        these, was, requests = "This ticket", "was", "your request with it"
    else:
        subject = f"{len(tickets)} tickets you asked for were deleted"
        beside = f"{len(tickets)} tickets you asked for are deleted"
        these, was, requests = "These tickets", "were", "your requests with them"
    opening = f"{these} in {group.name}, which you asked for, {was} deleted, and {requests}:"
    after = f"And {these.lower()}, which you asked for, {was} deleted, and {requests}:"
    closing = f"You can still ask for other tickets in {group.name}."
    return _Part(tickets, subject, beside, opening, after, closing)


def _withdrawn_part(requester_name, group, tickets, left_group) -> _Part:
    """The reader's ``tickets`` that ``requester_name``, no longer a member
    of ``group``, had asked for: their requests are withdrawn."""
    one = len(tickets) == 1
    if one:
        requests = f"their request for {tickets[0].event.name} is withdrawn"
        beside = f"their request for your ticket to {tickets[0].event.name} is withdrawn"
        these = "their request for your ticket is withdrawn"
        after = "And their request for this ticket of yours is withdrawn:"
        closing = "There is nothing for you to do about it: the ticket stays as it was."
    else:
        requests = f"their requests for {len(tickets)} of your tickets are withdrawn"
        beside = requests
        these = "their requests for these tickets of yours are withdrawn"
        after = "And their requests for these tickets of yours are withdrawn:"
        closing = "There is nothing for you to do about them: the tickets stay as they were."
    # Not "left": an administrator may have removed them.
    subject = f"{requester_name} is no longer a member of {group.name}: {requests}"
    opening = f"{requester_name} is no longer a member of {group.name}, so {these}:"
    return _Part(tickets, subject, beside, opening, after, closing)


def mail_removed_from_group(request, member, remover, group, tickets):
    """To ``member``: ``remover``, an administrator, removed them from
    ``group``; ``tickets`` are those they owned to games still to come
    (each with its ``event`` loaded, in order), deleted with the
    membership. Built before the tickets are deleted: the message reads
    them."""
    remover_name = person_name(remover)
    subject = f"{remover_name} removed you from {group.name}"
    opening = (f"{remover_name}, an administrator of {group.name}, removed you from the\n"
               "group on SeatShare. Any ticket assigned to you in it is unassigned, and")
    closing = "To come back, ask one of its administrators to invite you again."
    if tickets:
        _mail_about_tickets(
            request, tickets, reader=member, sender=remover, subject=subject,
            opening=(f"{opening} the\ntickets you owned in it are deleted; "
                     "those to games still to come:"),
            closing=closing,
        )
        return
    body = f"""\
Hello {member.first_name or person_name(member)},

{opening} any
ticket you owned in it is deleted.

{closing}
"""
    _send(request, to=member, subject=subject, body=body, reply_to=remover)


def mail_group_deactivated(request, member, admin, group):
    """To ``member``: ``admin`` deleted (deactivated) ``group``."""
    admin_name = person_name(admin)
    body = f"""\
Hello {member.first_name or person_name(member)},

{admin_name}, an administrator of {group.name}, deleted the group on
SeatShare. Its games, its tickets and its members no longer show in your
SeatShare app through it, and its invitation codes no longer work.
"""
    _send(request, to=member, subject=f"{admin_name} deleted {group.name}", body=body,
          reply_to=admin)


def mail_ticket_moved(request, reader, actor, group, ticket, previous_id, assignee=None,
                      alias=None):
    """To ``reader``, the party of ``ticket`` that did not move it:
    ``actor`` changed its assignee (to ``assignee``: a member, its owner,
    or None), taking it from ``previous_id`` (``PUT /ticket/ID``, or
    accepting a request). The assignee it was taken from is told by its
    owner; the owner, when that assignee passed it on. ``alias``, who was to
    use the seat in the assignee's place, is cleared with them and named.
    The ticket's ``event`` is loaded."""
    actor_name, event_name = person_name(actor), ticket.event.name
    new_id = None if assignee is None else assignee.id
    new_name = None if assignee is None else person_name(assignee)
    if reader.id == previous_id:
        held = f"this ticket, which was assigned to you in {group.name}"
        if new_id is None:
            subject = f"{actor_name} unassigned your ticket to {event_name}"
            opening = f"{actor_name} unassigned {held}:"
        elif new_id == actor.id:
            subject = f"{actor_name} took back your ticket to {event_name}"
            opening = f"{actor_name} took back {held}:"
        else:
            subject = f"{actor_name} gave your ticket to {event_name} to {new_name}"
            opening = f"{actor_name} gave {held}, to {new_name}:"
        closing = (f"If you still need a seat, you can ask the other members of {group.name}\n"
                   "for one of their tickets in your SeatShare app.")
        place = "your"
    else:
        held = f"this ticket of yours, which was assigned to them in {group.name}"
        if new_id is None:
            subject = f"{actor_name} gave up your ticket to {event_name}"
            opening = f"{actor_name} gave up {held}:"
            closing = ("Its seat is free again: you can give it to another member of "
                       f"{group.name} in your SeatShare app.")
        elif new_id == reader.id:
            subject = f"{actor_name} gave your ticket to {event_name} back to you"
            opening = f"{actor_name} gave {held}, back to you:"
            closing = ("It is assigned to you again: you can give it to another member of "
                       f"{group.name} in your SeatShare app.")
        else:
            subject = f"{actor_name} passed your ticket to {event_name} on to {new_name}"
            opening = f"{actor_name} passed {held}, on to {new_name}:"
            closing = ("There is nothing for you to do. You can give it to someone else "
                       "in your SeatShare app.")
        place = "their"
    if alias is not None:
        # Below the game, before what to do: the opening stays one sentence.
        closing = (f"{person_name(alias)}, who was to use it in {place} place, no longer "
                   f"has the seat either.\n\n{closing}")
    _mail_about_tickets(
        request,
        [ticket],
        reader=reader,
        sender=actor,
        subject=subject,
        opening=opening,
        closing=closing,
    )


def mail_tickets_given(request, reader, actor, group, tickets):
    """To ``reader``: ``actor`` gave them ``tickets`` in ``group`` directly
    (``PUT /ticket/ID``, or ``POST /tickets`` with an assignee: a season
    ticket is one message), each with its ``event`` loaded, in order."""
    actor_name, one = person_name(actor), len(tickets) == 1
    if one:
        subject = f"{actor_name} gave you a ticket to {tickets[0].event.name}"
        opening = f"{actor_name} gave you this ticket in {group.name}:"
        closing = ("The seat is yours: it shows in your SeatShare app. If you cannot use it,\n"
                   f"you can pass it on to another member of {group.name} there.")
    else:
        subject = f"{actor_name} gave you {len(tickets)} tickets in {group.name}"
        opening = f"{actor_name} gave you these tickets in {group.name}:"
        closing = ("The seats are yours: they show in your SeatShare app. If you cannot use\n"
                   f"one, you can pass it on to another member of {group.name} there.")
    _mail_about_tickets(request, tickets, reader=reader, sender=actor, subject=subject,
                        opening=opening, closing=closing)


def _parties(request, ticket_request):
    # By id, not through the relationship: a request not yet flushed has none.
    ticket = request.dbsession.get(models.Ticket, ticket_request.ticket_id)
    owner = request.dbsession.get(models.User, ticket.owner_id)
    requester = request.dbsession.get(models.User, ticket_request.requester_id)
    return ticket, owner, requester


def _mail_about_tickets(request, tickets, reader, sender, subject, opening, closing):
    """Greeting, what happened, the tickets (each in the reader's time zone,
    in the order given), what next."""
    _mail_about_sections(request, [(opening, tickets)], reader, sender, subject, closing)


def _mail_about_sections(request, sections, reader, sender, subject, closing):
    """``_mail_about_tickets`` with several ``(opening, tickets)`` in turn."""
    told = "\n\n".join(
        f"{opening}\n\n"
        + indent("\n\n".join(_ticket_details(ticket, reader) for ticket in tickets), "    ")
        for opening, tickets in sections
    )
    body = f"""\
Hello {reader.first_name or person_name(reader)},

{told}

{closing}
"""
    _send(request, to=reader, subject=subject, body=body, reply_to=sender)


def _ticket_details(ticket, reader) -> str:
    """The ticket's event, when it is in ``reader``'s time zone, and its seat."""
    return "\n".join(
        [ticket.event.name, describe_when(ticket.event, reader.timezone), seat_label(ticket)]
    )


def _address(person) -> str:
    """A user as ``"Ana Lopez" <ana@example.com>``, or a bare address."""
    if isinstance(person, models.User):
        return formataddr((_one_line(person_name(person)), person.email))
    return person


def _one_line(text: str) -> str:
    # A name with a line break must not become a second header line.
    return " ".join(text.split())


def _send(request, to, subject, body, reply_to=None):
    headers = {"Auto-Submitted": "auto-generated"}
    if reply_to is not None:
        headers["Reply-To"] = _address(reply_to)
    message = Message(
        subject=_one_line(subject),
        recipients=[_address(to)],
        body=f"{body}\n{SIGNATURE}\n",
        extra_headers=headers,
    )
    send(request, message)
