"""Mail about tickets gone from a member: deleted by their other party, or
deleted, unassigned and no longer asked for as a member leaves a group
(or is removed), all that concerns one reader in one message."""
from typing import NamedTuple

from ...calendar.describe import person_name
from .compose import (Section, alias_cleared, ask_for_others, mail_about_sections, seat_lost,
                      seats_free_again, short)


# What ``mail_tickets_gone`` tells, in the order its message tells it.
GONE_KINDS = ("deleted", "dropped", "asked", "withdrawn")


# Whose place the alias of a ticket of each kind was to use it in: the
# reader's, for a ticket assigned to them; the party's, for one of theirs.
ALIAS_PLACES = {"deleted": "your", "dropped": "their"}


def mail_tickets_gone(request, reader, party, actor, group, tickets, left_group=False,
                      aliases=None):
    """To ``reader``, in the name of ``actor`` (Reply-To them): what
    ``party`` deleting a ticket (``DELETE /ticket/ID``), or
    (``left_group``) leaving ``group`` or being removed from it by
    ``actor``, an administrator, did to them. ``tickets`` maps each of ``GONE_KINDS`` that
    applies to its tickets, each with its ``event`` loaded, in order:
    ``deleted``, ``party``'s tickets assigned to ``reader``, deleted;
    ``dropped``, ``reader``'s tickets assigned to ``party``, deleted by
    them or unassigned; ``asked``, tickets ``reader`` asked for, deleted,
    and their requests with them; ``withdrawn``, ``reader``'s tickets
    ``party`` asked for, their requests withdrawn. One message for all,
    naming ``actor`` when they removed ``party``. ``aliases`` maps a
    ``deleted`` or ``dropped`` ticket's id to the alias who was to use it
    (the reader's, or ``party``'s), named below its seat.
    Built before the tickets change: the message reads them."""
    name = person_name(party)
    builders = {"deleted": _deleted_part, "dropped": _dropped_part, "asked": _asked_part,
                "withdrawn": _withdrawn_part}
    gone = None
    if left_group:
        # Not "left": an administrator may have removed them. If one did,
        # the first sentence says who (whom a reply reaches, and why).
        gone = f"{name} is no longer a member of {group.name}"
        if actor.id != party.id:
            gone += f" ({person_name(actor)}, an administrator, removed them)"
    parts = [builders[kind](name, group, tickets[kind], gone)
             for kind in GONE_KINDS if tickets.get(kind)]
    # Short enough for a mail client's list: the first list's, which
    # matters most (only a member leaving has more than one).
    subject = parts[0].subject + (", and more" if len(parts) > 1 else "")
    # What the reader can do about each list, right below it; a list after
    # the first opens with ``after``.
    mail_about_sections(
        request,
        [Section(part.after if index else part.opening, part.tickets, part.closing)
         for index, part in enumerate(parts)],
        reader=reader,
        sender=actor,
        subject=subject,
        notes=alias_notes(tickets, ALIAS_PLACES, aliases),
    )


def alias_notes(tickets, places, aliases) -> dict:
    """What each ticket of ``tickets`` (its kinds' lists) whose kind has a
    place in ``places`` tells of the alias ``aliases`` (by ticket id) names
    for it: who no longer has the seat."""
    aliases = aliases or {}
    return {ticket.id: alias_cleared(aliases[ticket.id], place)
            for kind, place in places.items() for ticket in tickets.get(kind, ())
            if aliases.get(ticket.id) is not None}


class _Part(NamedTuple):
    """One list of a ``mail_tickets_gone`` message: what happened to these
    tickets, in the subject (when it is the first list), above the games
    (``opening`` first, ``after`` another list), and what the reader can do
    about it."""
    tickets: list
    subject: str
    opening: str
    after: str
    closing: str


def gone_subject(group, headline: str) -> str:
    """A member leaving's subject: the group, then what matters most to the
    reader; the body says they are no longer a member, and why."""
    return f"{short(group.name)}: {headline}"


def _deleted_part(owner_name, group, tickets, gone) -> _Part:
    """``owner_name``'s ``tickets``, assigned to the reader, deleted (by
    them, or with them ``gone`` from the group)."""
    one = len(tickets) == 1
    what = (f"your ticket to {short(tickets[0].event.name)}" if one
            else f"{len(tickets)} tickets assigned to you")
    if gone:
        these = "this one, which was" if one else "these, which were"
        subject = gone_subject(group, f"your ticket from {short(owner_name)} is deleted" if one
                               else f"{len(tickets)} tickets from {short(owner_name)} are deleted")
        opening = (f"{gone}. The tickets they owned "
                   f"were deleted, and with them {these} assigned to you:")
    else:
        these = "this ticket, which was" if one else "these tickets, which were"
        subject = f"{short(owner_name)} deleted {what}"
        opening = f"{owner_name} deleted {these} assigned to you in {group.name}:"
    closing = seat_lost(group)
    # Told first whenever there is one: ``after`` is never used.
    return _Part(tickets, subject, opening, opening, closing)


def _dropped_part(assignee_name, group, tickets, gone) -> _Part:
    """The reader's ``tickets``, assigned to ``assignee_name``, deleted by
    them or, with them ``gone`` from the group, unassigned."""
    one = len(tickets) == 1
    what = (f"your ticket to {short(tickets[0].event.name)}" if one
            else f"{len(tickets)} of your tickets")
    these = "this ticket of yours, which was" if one else "these tickets of yours, which were"
    is_ = "is" if one else "are"
    if gone:
        subject = gone_subject(group, f"the seat {short(assignee_name)} held is free" if one
                               else f"{len(tickets)} seats {short(assignee_name)} held are free")
        opening = (f"{gone}, so {these} "
                   f"assigned to them, {is_} unassigned:")
        closing = seats_free_again(group, len(tickets))
    else:
        subject = f"{short(assignee_name)} deleted {what}"
        opening = f"{assignee_name} deleted {these} assigned to them in {group.name}:"
        closing = "If you still hold the seat, you can add the ticket again in your SeatShare app."
    after = f"And {these} assigned to them, {is_} unassigned:"
    return _Part(tickets, subject, opening, after, closing)


def _asked_part(deleter_name, group, tickets, gone) -> _Part:
    """``tickets`` the reader asked for, deleted by ``deleter_name``, their
    owner (or with them ``gone`` from the group), and their requests with
    them."""
    one = len(tickets) == 1
    if one:
        event = tickets[0].event.name
        these, was, requests = "This ticket", "was", "your request with it"
    else:
        these, was, requests = "These tickets", "were", "your requests with them"
    if gone:
        subject = gone_subject(
            group, f"the ticket you asked {short(deleter_name)} for is deleted" if one
            else f"{len(tickets)} tickets you asked {short(deleter_name)} for are deleted")
        opening = (f"{gone}. The tickets "
                   f"they owned were deleted, {'this one' if one else 'these'} you asked for "
                   f"among them, and {requests}:")
    else:
        subject = (f"{short(deleter_name)} deleted the ticket to {short(event)} you asked for"
                   if one
                   else f"{short(deleter_name)} deleted {len(tickets)} tickets you asked for")
        opening = (f"{deleter_name} deleted {these.lower()} in {group.name}, which you asked "
                   f"for, and {requests}:")
    after = f"And {these.lower()}, which you asked for, {was} deleted, and {requests}:"
    closing = ask_for_others(group)
    return _Part(tickets, subject, opening, after, closing)


def _withdrawn_part(requester_name, group, tickets, gone) -> _Part:
    """The reader's ``tickets`` that ``requester_name``, ``gone`` from
    ``group``, had asked for: their requests are withdrawn."""
    one = len(tickets) == 1
    if one:
        subject = gone_subject(group, f"{short(requester_name)}'s request to you is withdrawn")
        these = "their request for your ticket is withdrawn"
        after = "And their request for this ticket of yours is withdrawn:"
        closing = "You need not answer their request: that ticket of yours stays as it was."
    else:
        subject = gone_subject(group, f"{short(requester_name)}'s {len(tickets)} requests to "
                               "you are withdrawn")
        these = "their requests for these tickets of yours are withdrawn"
        after = "And their requests for these tickets of yours are withdrawn:"
        closing = ("You need not answer their requests: those tickets of yours stay as "
                   "they were.")
    opening = f"{gone}, so {these}:"
    return _Part(tickets, subject, opening, after, closing)
