"""The transactional mail SeatShare sends, one function per occasion.

Each function builds a plain-text message and hands it to the request's
transaction: it is sent only if the request's transaction commits. Call them
from a view after the change they announce, e.g.
``mail_ticket_request(request, ticket_request)`` once the request is added.

Bodies never carry access tokens or feed URLs; an invitation carries its
invitation code, and a reset mail its link, because that is what they are for.

One module per subject: ``account`` (password reset, email changed),
``groups`` (invitation, removal, group deleted), ``requests`` (ticket
requests and their answers), ``tickets`` (a ticket moved or given),
``gone`` (tickets deleted or freed, and a member leaving), on what
``compose`` gives them all.
"""
from .account import mail_email_changed, mail_password_reset
from .gone import GONE_KINDS, mail_tickets_gone
from .groups import mail_group_deactivated, mail_invitation, mail_removed_from_group
from .requests import mail_request_answer, mail_request_withdrawn, mail_ticket_request
from .tickets import mail_ticket_moved, mail_tickets_given

__all__ = [
    "GONE_KINDS",
    "mail_email_changed",
    "mail_group_deactivated",
    "mail_invitation",
    "mail_password_reset",
    "mail_removed_from_group",
    "mail_request_answer",
    "mail_request_withdrawn",
    "mail_ticket_moved",
    "mail_ticket_request",
    "mail_tickets_given",
    "mail_tickets_gone",
]
