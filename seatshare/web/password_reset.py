"""Forgotten passwords: a link by mail, good for an hour and for one change.

``/password-reset`` asks for an email and, when an account has it, mails
``/password-reset/<user id>-<expires>-<mac>``, where ``mac`` is two
HMAC-SHA256s cut to 128 bits each, under a key derived from
``seatshare.session_secret``: of the user's id, the expiry, and the
account's email and password hash (the account is as it was), then of the
id, the expiry and that first one (SeatShare made this whole link). Nothing is stored: the link verifies itself,
and it stops working once the password or the email changes (after it is
used, say) or the hour is over; its page says which of these it is, or
that the link is not whole. The page
answers the same whether or not an account has the email, and is throttled
per address and per email like sign-in (per device cookie instead of per
email for a browser that has signed in to the account before).
"""
import hashlib
import hmac
import re
import time
from functools import partial

from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import forbidden_view_config, notfound_view_config, view_config
from sqlalchemy import select

from ..calendar import reset_feed_secret
from ..mail import mail_password_reset
from ..models import User
from ..permissions import Permission
from ..resources import Resource, register_root_child
from ..schemas.types import record_id
from ..services.authorizations import revoke_authorization
from ..tokens import derived_key
from .devices import trusted_device
from .forms import NewPasswordForm, ResetRequestForm, new_password_errors, posted_text, validate
from .pages import (
    PASSWORD_RESET,
    link_not_found,
    link_refused,
    page,
    safe_next,
    set_new_password,
    throttle,
    with_next,
)
from .ratelimit import reset_keys
from .resources import LinkCredential

LINK_SECONDS = 3600
LINK_RE = re.compile(r"([0-9]{1,20})-([0-9]{1,12})-([0-9a-f]{64})")
SENT = ("If an account uses {email}, we have sent it a link to choose a new "
        "password. The link works for an hour, and once.")


def _half_mac(settings, message: str) -> str:
    key = derived_key(settings, b"seatshare password reset")
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _holds(settings, user_id: int, expires: int, user: User | None) -> str:
    """32 hex digits that hold while the account's email and password are
    those the link was made for."""
    email, password_hash = (user.email, user.password_hash or "") if user else ("", "")
    return _half_mac(settings, f"{user_id}\n{expires}\n{email}\n{password_hash}")


def _made(settings, user_id: int, expires: int, holds: str) -> str:
    """32 hex digits that SeatShare made the link, ``holds`` included: a
    link changed anywhere is told apart from one whose account changed."""
    return _half_mac(settings, f"made\n{user_id}\n{expires}\n{holds}")


def _mac(settings, user_id: int, expires: int, user: User | None) -> str:
    holds = _holds(settings, user_id, expires, user)
    return holds + _made(settings, user_id, expires, holds)


def reset_key(settings, user: User, now: float | None = None) -> str:
    """The last path segment of ``user``'s reset link, valid for an hour."""
    expires = int(now if now is not None else time.time()) + LINK_SECONDS
    return f"{user.id}-{expires}-{_mac(settings, user.id, expires, user)}"


def reset_key_state(dbsession, settings, key: str, now: float | None = None):
    """``(user, None)`` for a link that works; else ``(None, why)``:
    ``"damaged"``, malformed or not made by SeatShare (cut short, forged);
    ``"expired"``; ``"used"``, the account's password or email changed
    since (or the account is gone). An unknown user costs the same HMACs
    as a known one."""
    match = LINK_RE.fullmatch(key)
    if match is None:
        return None, "damaged"
    try:
        user_id = record_id(match[1])
    except KeyError:
        return None, "damaged"
    expires = int(match[2])
    user = dbsession.get(User, user_id)
    sent_holds, sent_made = match[3][:32], match[3][32:]
    made = hmac.compare_digest(_made(settings, user_id, expires, sent_holds), sent_made)
    holds = hmac.compare_digest(_holds(settings, user_id, expires, user), sent_holds)
    now = now if now is not None else time.time()
    if not made:
        return None, "damaged"
    if now >= expires:
        return None, "expired"
    if user is None or not holds:
        return None, "used"
    return user, None


@register_root_child("password-reset")
class PasswordResetPage(Resource):
    """``/password-reset``: anyone may ask for a link."""

    def __getitem__(self, key):
        user, why = reset_key_state(self.request.dbsession, self.request.registry.settings, key)
        return PasswordResetLink(self.request, key, self, user, why)


class PasswordResetLink(LinkCredential):
    """``/password-reset/<key>``: whoever holds a valid link may set the
    password of the account it is for, ``found``."""

    permission = Permission.RESET_PASSWORD


# The session key of where the browser that asked for a link was going.
RESET_NEXT = "password_reset_next"
# A longer one would not fit in the session's cookie (browsers keep 4 kB).
MAX_SESSION_NEXT = 1024


def next_url(request) -> str | None:
    """Where the user was going when they asked for a link (an application's
    authorization request, say): from the sign-in page to the form that
    asks for a link."""
    return safe_next(request.params.get("next"))


def next_after_reset(request) -> str | None:
    """Where a new password goes on to: where this browser was going when it
    asked for the link, kept in its session. Never in the mail: whoever asks
    for a link may type anyone's email and any ``next``, and the account's
    owner, opening the mail, would land where the asker chose (an
    application's consent page, under "Your password has been changed")."""
    return safe_next(request.session.get(RESET_NEXT))


def request_form(request, status=200, error=None, errors=None, email="", sent=None):
    """``error``: about the whole form; ``errors``: per field."""
    going = next_url(request)
    return page(request, "password_reset.jinja2", status, error=error, errors=errors or {},
                email=email, sent=sent, next_url=going or "",
                signin_url=with_next("/signin", going), signup_url=with_next("/signup", going),
                signed_in=request.identity is not None)


@view_config(context=PasswordResetPage, request_method="GET",
             permission=NO_PERMISSION_REQUIRED)
def ask_for_link(request):
    """Signed in (come from the change-password page), the form holds the
    account's email."""
    identity = request.identity
    return request_form(request, email=identity.user.email if identity is not None else "")


@view_config(context=PasswordResetPage, request_method="POST", require_csrf=True,
             permission=NO_PERMISSION_REQUIRED)
def send_link(request):
    values, errors = validate(ResetRequestForm(), request)
    if values is None:
        return request_form(request, 400, errors=errors,
                            email=posted_text(request, "email") or "")
    user = request.dbsession.execute(
        select(User).where(User.email == values["email"])
    ).scalar_one_or_none()
    keys = reset_keys(values["email"], request.client_addr, trusted_device(request, user))
    counts, refused = throttle(request, keys, "requests for a reset link",
                                partial(request_form, request, email=values["email"]))
    if refused:
        return refused
    counts.record_failure(request.dbsession)
    going = next_url(request)
    if going and len(going) <= MAX_SESSION_NEXT:
        request.session[RESET_NEXT] = going
    else:
        request.session.pop(RESET_NEXT, None)
    if user is not None:
        key = reset_key(request.registry.settings, user)
        mail_password_reset(request, user, f"{request.application_url}/password-reset/{key}")
    return request_form(request, email=values["email"], sent=SENT.format(email=values["email"]))


def new_password_form(request, status=200, errors=None):
    going = next_after_reset(request)
    return page(request, "password.jinja2", status, errors=errors or {},
                user=request.context.found, action=request.path, ask_current=False,
                next_url=going, signin_url=with_next("/signin", going),
                signed_in=request.identity is not None)


@view_config(context=PasswordResetLink, request_method="GET",
             permission=Permission.RESET_PASSWORD)
def reset_form(request):
    return new_password_form(request)


@view_config(context=PasswordResetLink, request_method="POST", require_csrf=True,
             permission=Permission.RESET_PASSWORD)
def reset_password(request):
    """Set the new password, end every browser session of the user,
    disconnect every application, replace the calendar feed URLs, and sign
    this browser in (the mailbox proved who it is). A reset is how the
    mailbox's owner takes the account back from whoever held it (who signed
    up with this email first, or learned the password): the tokens of the
    applications connected meanwhile, their remembered approvals and the
    feed URLs they could read end with the sessions."""
    user = request.context.found
    values, errors = validate(NewPasswordForm(), request)
    if values is not None:
        errors = new_password_errors(values, user.email)
    if values is None or errors:
        return new_password_form(request, 400, errors)
    response = set_new_password(request, user, values["new_password"], notice=PASSWORD_RESET)
    if response is None:
        # Used meanwhile, by another request: nothing changed.
        return refused_page(request, "used")
    revoke_authorization(request.dbsession, user.id)
    reset_feed_secret(user)
    return response


# What a reset link that does not work says, by why.
REFUSED = {
    "damaged": "This is not a whole link to choose a new password.",
    "expired": "A link to choose a new password works for an hour, and this one's hour is "
               "over. Ask for a new one: it comes by mail at once.",
    "used": "A link to choose a new password works once, and the account's password or "
            "email has changed since this one was sent (with this link, perhaps). If you "
            "chose a new password, sign in with it; if not, ask for a new link.",
}


def refused_page(request, why: str):
    return link_refused(request, why, REFUSED,
                        with_next("/password-reset", next_after_reset(request)),
                        "Ask for a new link")


@forbidden_view_config(containment=PasswordResetLink)
def link_refused_page(exc, request):
    return refused_page(request, request.context.why)


@notfound_view_config(containment=PasswordResetLink)
def beyond_a_link(exc, request):
    """Anything after a link's key (a mail program's leftovers, or a
    second path segment): not a whole link, not a bare 404."""
    return link_not_found(exc, request, REFUSED, "/password-reset", "Ask for a new link")
