"""Mail about belonging to a group: an invitation into it, a member an
administrator removed, the group deleted."""
from ... import models
from ...calendar.describe import person_name
from .compose import mail_about_tickets, send_message


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
    send_message(
        request,
        to=email,
        subject=f"{inviter_name} invited you to {group.name} on SeatShare",
        body=body,
        reply_to=inviter,
    )


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
        mail_about_tickets(
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
    send_message(request, to=member, subject=subject, body=body, reply_to=remover)


def mail_group_deactivated(request, member, admin, group):
    """To ``member``: ``admin`` deleted (deactivated) ``group``."""
    admin_name = person_name(admin)
    body = f"""\
Hello {member.first_name or person_name(member)},

{admin_name}, an administrator of {group.name}, deleted the group on
SeatShare. Its games, its tickets and its members no longer show in your
SeatShare app through it, and its invitation codes no longer work.
"""
    send_message(request, to=member, subject=f"{admin_name} deleted {group.name}", body=body,
          reply_to=admin)
