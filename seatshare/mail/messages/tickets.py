"""Mail about a ticket changing hands: moved away from its assignee, or
given to a member directly."""
from ...calendar.describe import person_name
from .compose import alias_cleared, mail_about_tickets, seat_lost, seats_free_again, short


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
            subject = f"{short(actor_name)} unassigned your ticket to {short(event_name)}"
            opening = f"{actor_name} unassigned {held}:"
        elif new_id == actor.id:
            subject = f"{short(actor_name)} took back your ticket to {short(event_name)}"
            opening = f"{actor_name} took back {held}:"
        else:
            subject = (f"{short(actor_name)} gave your ticket to {short(event_name)} "
                       f"to {short(new_name)}")
            opening = f"{actor_name} gave {held}, to {new_name}:"
        closing = seat_lost(group)
        place = "your"
    else:
        held = f"this ticket of yours, which was assigned to them in {group.name}"
        if new_id is None:
            subject = f"{short(actor_name)} gave up your ticket to {short(event_name)}"
            opening = f"{actor_name} gave up {held}:"
            closing = seats_free_again(group)
        elif new_id == reader.id:
            subject = f"{short(actor_name)} gave your ticket to {short(event_name)} back to you"
            opening = f"{actor_name} gave {held}, back to you:"
            closing = ("It is assigned to you again: you can give it to another member of "
                       f"{group.name} in your SeatShare app.")
        else:
            subject = (f"{short(actor_name)} passed your ticket to {short(event_name)} "
                       f"on to {short(new_name)}")
            opening = f"{actor_name} passed {held}, on to {new_name}:"
            closing = ("There is nothing for you to do. You can give it to someone else "
                       "in your SeatShare app.")
        place = "their"
    mail_about_tickets(
        request,
        [ticket],
        reader=reader,
        sender=actor,
        subject=subject,
        opening=opening,
        closing=closing,
        # Below its seat, as the other mails place it: the opening stays
        # one sentence.
        notes={} if alias is None else {ticket.id: alias_cleared(alias, place)},
    )


def mail_tickets_given(request, reader, actor, group, tickets, alias=None):
    """To ``reader``: ``actor`` gave them ``tickets`` in ``group`` directly
    (``PUT /ticket/ID``, or ``POST /tickets`` with an assignee: a season
    ticket is one message), each with its ``event`` loaded, in order.
    ``alias``, one of the reader's, is to use the seats in their place:
    named, as ``mail_ticket_moved`` names the one cleared."""
    actor_name, one = person_name(actor), len(tickets) == 1
    if one:
        subject = f"{short(actor_name)} gave you a ticket to {short(tickets[0].event.name)}"
        opening = f"{actor_name} gave you this ticket in {group.name}:"
        closing = ("The seat is yours: it shows in your SeatShare app. If you cannot use it, "
                   f"you can pass it on to another member of {group.name} there.")
    else:
        subject = f"{short(actor_name)} gave you {len(tickets)} tickets in {short(group.name)}"
        opening = f"{actor_name} gave you these tickets in {group.name}:"
        closing = ("The seats are yours: they show in your SeatShare app. If you cannot use "
                   f"one, you can pass it on to another member of {group.name} there.")
    notes = {} if alias is None else {
        ticket.id: f"{person_name(alias)} is to use it in your place." for ticket in tickets}
    mail_about_tickets(request, tickets, reader=reader, sender=actor, subject=subject,
                       opening=opening, closing=closing, notes=notes)
