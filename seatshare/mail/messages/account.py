"""Mail about the account itself: a password-reset link, and an
application changing the account's email."""
from email.utils import formataddr

from ...calendar.describe import person_name
from .compose import one_line, send_message


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
    send_message(request, to=user, subject="Choose a new SeatShare password", body=body)


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
    send_message(request, to=formataddr((one_line(person_name(user)), old_email)),
          subject="Your SeatShare email address was changed", body=body)
