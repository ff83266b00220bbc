"""Mail about belonging to a group: an invitation into it, a member an
administrator removed, the group deleted."""
from ... import models
from ...calendar.describe import person_name
from .compose import Section, mail_about_sections, send_message, short
from .gone import alias_notes


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
        subject=f"{short(inviter_name)} invited you to {short(group.name)} on SeatShare",
        body=body,
        reply_to=inviter,
    )


# What ``mail_removed_from_group`` lists, each above its list, in order.
REMOVED_LISTS = (
    ("owned", "The tickets you owned there, deleted (games still to come):"),
    ("held", "The tickets assigned to you there, unassigned (games still to come):"),
    ("withdrawn", "The tickets you asked for there, your requests withdrawn:"),
)


def mail_removed_from_group(request, member, remover, group, tickets, aliases=None):
    """To ``member``: ``remover``, an administrator, removed them from
    ``group``. ``tickets`` maps each kind of ``REMOVED_LISTS`` to its
    tickets (each with its ``event`` loaded, in order): ``owned``, those
    they owned to games still to come, deleted with the membership;
    ``held``, those assigned to them to games still to come, unassigned;
    ``withdrawn``, those their pending requests were for. ``aliases`` maps
    a ``held`` ticket's id to their alias who was to use it, named below its
    seat. Built before the tickets change: the message reads them."""
    remover_name = person_name(remover)
    subject = f"{short(remover_name)} removed you from {short(group.name)}"
    removed = (f"{remover_name}, an administrator of {group.name}, removed you from the "
               "group on SeatShare. Any ticket you owned there is deleted, any ticket "
               "assigned to you there unassigned, and your requests for its tickets "
               "withdrawn.")
    closing = "To come back, ask one of its administrators to invite you again."
    sections = [Section(removed)] + [Section(heading, tickets[kind])
                                     for kind, heading in REMOVED_LISTS if tickets.get(kind)]
    sections[-1] = sections[-1]._replace(closing=closing)
    mail_about_sections(request, sections, reader=member, sender=remover, subject=subject,
                        notes=alias_notes(tickets, {"held": "your"}, aliases))


def mail_group_deactivated(request, member, admin, group):
    """To ``member``: ``admin`` deleted (deactivated) ``group``."""
    admin_name = person_name(admin)
    body = f"""\
Hello {member.first_name or person_name(member)},

{admin_name}, an administrator of {group.name}, deleted the group on
SeatShare. Its games, its tickets and its members no longer show in your
SeatShare app through it, and its invitation codes no longer work.
"""
    send_message(request, to=member, subject=f"{short(admin_name)} deleted {short(group.name)}",
                 body=body, reply_to=admin)
