"""Mail about belonging to a group: an invitation into it, a member an
administrator removed, the group deleted."""
from ... import models
from ...calendar.describe import person_name
from .compose import mail_about_sections, send_message


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


def mail_removed_from_group(request, member, remover, group, owned, withdrawn):
    """To ``member``: ``remover``, an administrator, removed them from
    ``group``: ``owned``, the tickets they owned to games still to come,
    are deleted with the membership, and their pending requests for
    ``withdrawn`` are withdrawn (each ticket with its ``event`` loaded,
    each list in order). Built before the tickets are deleted: the
    message reads them."""
    remover_name = person_name(remover)
    subject = f"{remover_name} removed you from {group.name}"
    removed = (f"{remover_name}, an administrator of {group.name}, removed you from the\n"
               "group on SeatShare. Any ticket assigned to you in it is unassigned, and")
    closing = "To come back, ask one of its administrators to invite you again."
    sections = []
    if owned:
        sections.append((f"{removed} the\ntickets you owned in it are deleted; "
                         "those to games still to come:", owned))
    else:
        removed = f"{removed} any\nticket you owned in it is deleted."
    if withdrawn:
        asked = ("Your request for this ticket in it is withdrawn:" if len(withdrawn) == 1
                 else "Your requests for these tickets in it are withdrawn:")
        sections.append((asked if sections else f"{removed}\n\n{asked}", withdrawn))
    if sections:
        mail_about_sections(request, sections, reader=member, sender=remover, subject=subject,
                            closing=closing)
        return
    body = f"""\
Hello {member.first_name or person_name(member)},

{removed}

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
