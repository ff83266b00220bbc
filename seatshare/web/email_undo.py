"""``/email-undo/<token>``: the former address takes the account back.

The link mailed to the old address when an application changed the
account's email (``services.email_undo``). A GET shows what undoing does,
and changes nothing (mail scanners follow links); its button posts, with
the session's CSRF token, and the account gets its address back and loses
its password, sessions and applications. The browser then goes straight
to the reset link's form to choose a new password: the undo link arrived
in the same mailbox a reset link would go to, so it proves as much, and
the owner is not left, in the middle of taking the account back, with a
second mail to wait for and an account without a password.
"""
from pyramid.authorization import DENY_ALL
from pyramid.httpexceptions import HTTPFound
from pyramid.view import forbidden_view_config, notfound_view_config, view_config

from ..permissions import Permission
from ..resources import Resource, register_root_child
from ..services.email_undo import undo_email_change, undo_token_state
from .pages import link_not_found, link_refused, page
from .password_reset import reset_key
from .resources import LinkCredential


@register_root_child("email-undo")
class EmailUndoPage(Resource):
    """``/email-undo``: nothing here but the links."""

    __acl__ = [DENY_ALL]

    def __getitem__(self, key):
        return EmailUndoLink(self.request, key, self,
                             *undo_token_state(self.request.dbsession, key))


class EmailUndoLink(LinkCredential):
    """``/email-undo/<token>``: whoever holds a live link may undo the change
    it was mailed for; none when the token is unknown, or its undo used,
    ended by a later change, or expired."""

    permission = Permission.UNDO_EMAIL_CHANGE


@view_config(context=EmailUndoLink, request_method="GET",
             permission=Permission.UNDO_EMAIL_CHANGE)
def confirm_undo(request):
    return page(request, "email_undo.jinja2", undo=request.context.found, action=request.path)


@view_config(context=EmailUndoLink, request_method="POST", require_csrf=True,
             permission=Permission.UNDO_EMAIL_CHANGE)
def undo(request):
    user = undo_email_change(request.dbsession, request.context.found)
    if user is None:
        # Used or changed meanwhile, by another request: nothing changed.
        return refused_page(request, "used")
    key = reset_key(request.registry.settings, user)
    return HTTPFound(location=f"{request.application_url}/password-reset/{key}")


# What an undo link that does not work says, by why.
REFUSED = {
    "damaged": "This is not a whole link to undo an email change.",
    "expired": "A link to undo an email change works until the time its mail gives, and "
               "this one's time is over. If your account was taken, ask for a link to "
               "choose a new password.",
    "used": "A link to undo an email change works once: this change was undone already "
            "(with this link, or another mailed for it), or the address was changed back "
            "since. Sign in with the address it put back; if you cannot, ask for a link to "
            "choose a new password.",
    "gone": "A link to undo an email change works once, until the time its mail gives: "
            "this one was used (it, or another mailed for the same change), its time is "
            "over, or the address was changed back since. Sign in with the address you "
            "expect; if you cannot, ask for a link to choose a new password.",
}


def refused_page(request, why: str):
    return link_refused(request, why, REFUSED, "/password-reset", "Ask for a new password link")


@forbidden_view_config(containment=EmailUndoLink)
def link_refused_page(exc, request):
    return refused_page(request, request.context.why)


@notfound_view_config(containment=EmailUndoPage)
def beyond_a_link(exc, request):
    """``/email-undo`` without its token (a link cut short), or anything
    after one: not a whole link, not a bare 404."""
    return link_not_found(exc, request, REFUSED, "/password-reset",
                          "Ask for a new password link")
