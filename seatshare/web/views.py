"""Sign-in, sign-out, sign-up and change-password pages.

Sign-in never says whether an account exists; a wrong password and an
unknown email read, and take, the same. Sign-up must say when an email is
taken, so it is throttled per address as sign-in is. Signing in starts a fresh session
(new contents, new CSRF token) so nothing planted before survives it.
"""
import re
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from pyramid.csrf import new_csrf_token
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import forbidden_view_config, view_config
from sqlalchemy import select, update

from ..models import Application, User
from ..oauth.applications import enabled_application
from ..permissions import Permission
from ..resources import Root
from .devices import issue_device_cookie, trusted_device
from .forms import (
    PasswordForm, SignInForm, SignUpForm, new_password_errors, posted_text, validate,
)
from .ratelimit import SignInLimiter, attempt_keys, sign_up_keys
from .resources import PasswordPage, SignedInPage, SignInPage, SignOutPage, SignUpPage

SIGN_IN_FAILED = "That email and password do not match an account."
EMAIL_UNAVAILABLE = "This email cannot be used to sign up. If it is yours, sign in instead."
WRONG_PASSWORD = "This is not your current password."
SIGNED_OUT = "You are signed out, in every browser where you were signed in."
PASSWORD_CHANGED = ("Your password has been changed. Every other browser where you were "
                    "signed in has been signed out.")
MAX_NEXT_LENGTH = 4096
# What a URL carries as it is: RFC 3986's reserved characters and the "%" of
# escapes already made (the app's own paths and queries arrive encoded).
URL_SAFE = "!#$&'()*+,/:;=?@[]~%"
STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def safe_next(value) -> str | None:
    """A same-site path to return to after signing in, or None.

    Only ``/path?query``: no scheme, no host, no ``//`` or ``/\\`` that a
    browser would read as another host (an open redirect). The result is
    ASCII, ready for a Location header (RFC 9110 §10.2.2): anything else is
    percent-encoded as UTF-8 (RFC 3986 §2.5), existing escapes kept as they
    are, so encoding twice changes nothing.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_NEXT_LENGTH:
        return None
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(c in value for c in "\r\n\t\\"):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    encoded = STRAY_PERCENT.sub("%25", quote(value, safe=URL_SAFE))
    return encoded if len(encoded) <= MAX_NEXT_LENGTH else None


def with_next(path, next_url) -> str:
    """``path``, carrying ``next`` in its query when there is one."""
    return path + ("?" + urlencode({"next": next_url}) if next_url else "")


# The pages whose forms post back to themselves.
FORM_PAGES = ("/signup", "/password", "/calendars", "/apps")


def form_again_url(request) -> str:
    """Where to fill a posted form in again, still going where it went: the
    sign-up, password, reset-link, calendar-feeds or connected-apps page for
    those (a Disconnect button posts to ``/apps/ID``), else the sign-in page,
    which sends a user who is signed in straight on to ``next``."""
    path = request.path
    if path.startswith("/apps/"):
        path = "/apps"
    elif path not in FORM_PAGES and not path.startswith("/password-reset"):
        path = "/signin"
    return with_next(path, safe_next(request.params.get("next")))


def sign_in_first(request) -> HTTPFound:
    """To the sign-in page, and back to this request after it."""
    return HTTPFound(location=request.application_url + with_next("/signin", request.path_qs))


def page(request, template, code=200, **values):
    """An HTML page from ``seatshare/templates``, never cached (it may carry a
    CSRF token or name the signed-in user)."""
    values.setdefault("csrf_token", request.session.get_csrf_token())
    response = Response(status=code)
    response.headers["Cache-Control"] = "no-store"
    return render_to_response(
        f"seatshare:templates/{template}", values, request=request, response=response
    )


def throttle(request, keys, attempts, back_label,
             also=None) -> tuple[SignInLimiter, Response | None]:
    """The limiter, and the 429 page of a throttled form (Retry-After in
    seconds) when one of ``keys`` has had its attempts in the window; else
    None, and the form goes on (recording its attempt with the limiter).
    ``also``: ``(url, label)`` of a second way on, under the first."""
    limiter = SignInLimiter.from_settings(request.registry.settings)
    wait = limiter.retry_after(request.dbsession, keys)
    if wait is None:
        return limiter, None
    minutes = max(1, round(wait / 60))
    response = page(request, "error.jinja2", 429, status=429, title="Too many attempts",
                    message=f"Too many {attempts}. Please wait {minutes} "
                    f"minute{'' if minutes == 1 else 's'} and try again.",
                    back_url=form_again_url(request), back_label=back_label, also=also)
    response.headers["Retry-After"] = str(wait)
    return limiter, response


def requesting_application(dbsession, next_url) -> Application | None:
    """The application whose authorization request the user signs in for."""
    parts = urlsplit(next_url or "")
    if parts.path != "/oauth/authorization":
        return None
    return enabled_application(dbsession, parse_qs(parts.query).get("client_id", [""])[0])


def sign_in_form(request, status=200, error=None, email="", invalid=()):
    """``invalid``: the fields ``error`` is about, marked for screen readers."""
    next_url = safe_next(request.params.get("next"))
    return page(request, "signin.jinja2", status, error=error, email=email, invalid=invalid,
                messages=request.session.pop_flash(),
                next_url=next_url or "", signup_url=with_next("/signup", next_url),
                reset_url=with_next("/password-reset", next_url),
                application=requesting_application(request.dbsession, next_url))


def start_session(request, user) -> HTTPFound:
    """Sign ``user`` in on a fresh session, with a new device cookie for
    the account, and go where the form said."""
    target = safe_next(request.POST.get("next")) or "/signin"
    request.session.invalidate()
    new_csrf_token(request)
    remember(request, user.id, generation=user.session_generation)
    response = HTTPFound(location=request.application_url + target)
    issue_device_cookie(request, response, user)
    return response


def set_new_password(request, user, new_password) -> HTTPFound | None:
    """Give ``user`` ``new_password``, end every browser session of theirs
    and sign this browser in afresh; None, changing nothing, when the
    password is no longer the one this request checked (the current
    password typed, the hash a reset link covers).

    One UPDATE, conditional on that hash: two requests that checked the same
    proof before either wrote (a reset link sent twice at once) change the
    password once, the second finding the hash gone (PostgreSQL's row lock
    makes it wait for the first and read the row anew)."""
    changed = request.dbsession.execute(
        update(User)
        .where(User.id == user.id, User.password_hash.is_not_distinct_from(user.password_hash))
        .values(password_hash=request.passwords.hash(new_password),
                session_generation=User.session_generation + 1)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if changed != 1:
        return None
    response = start_session(request, user)
    request.session.flash(PASSWORD_CHANGED)
    return response


@view_config(context=Root, name="", request_method="GET", permission=NO_PERMISSION_REQUIRED)
def site_root(request):
    """``/``: the sign-in page, which is a signed-in user's home page."""
    return HTTPFound(location=request.application_url + "/signin")


@view_config(context=SignInPage, request_method="GET", permission=NO_PERMISSION_REQUIRED)
def sign_in_page(request):
    next_url = safe_next(request.params.get("next"))
    if request.identity is not None:
        if next_url:
            return HTTPFound(location=request.application_url + next_url)
        return page(request, "signed_in.jinja2", user=request.identity.user,
                    messages=request.session.pop_flash())
    return sign_in_form(request)


@view_config(
    context=SignInPage,
    request_method="POST",
    require_csrf=True,
    permission=NO_PERMISSION_REQUIRED,
)
def sign_in(request):
    values, errors = validate(SignInForm(), request)
    if values is None:
        # A field left empty (or sent as a file) is no failed sign-in: say
        # which, and keep the email typed.
        field = "email" if "email" in errors else "password"
        return sign_in_form(request, 400, errors[field],
                            email=posted_text(request, "email") or "", invalid=(field,))
    user = request.dbsession.execute(
        select(User).where(User.email == values["email"])
    ).scalar_one_or_none()
    keys = attempt_keys(values["email"], request.client_addr, trusted_device(request, user))
    limiter, refused = throttle(request, keys, "failed sign-ins", "Back to sign in",
                                also=(with_next("/password-reset",
                                                safe_next(request.POST.get("next"))),
                                      "Forgot your password?"))
    if refused:
        return refused
    if not request.passwords.verify(user.password_hash if user else None, values["password"]):
        limiter.record_failure(request.dbsession, keys)
        return sign_in_form(request, 400, SIGN_IN_FAILED, email=values["email"],
                            invalid=("email", "password"))
    return start_session(request, user)


@view_config(
    context=SignOutPage,
    request_method="POST",
    require_csrf=True,
    permission=NO_PERMISSION_REQUIRED,
)
def sign_out(request):
    """Sign out, everywhere: every browser session of the user ends, copies
    of this one's cookie included. With a ``next`` (the consent page's "Not
    you?"), the sign-in page then goes back there as whoever signs in."""
    forget(request)
    request.session.flash(SIGNED_OUT)
    next_url = safe_next(request.POST.get("next"))
    return HTTPFound(location=request.application_url + with_next("/signin", next_url))


@view_config(context=SignUpPage, request_method="GET", permission=NO_PERMISSION_REQUIRED)
def sign_up_page(request):
    next_url = safe_next(request.params.get("next")) or ""
    if request.identity is not None:
        # Signed up or in already (the back button, after the consent
        # page): on where it was going, or home; never a second account.
        return HTTPFound(location=request.application_url + (next_url or "/signin"))
    return page(request, "signup.jinja2", errors={}, values={}, next_url=next_url)


@view_config(
    context=SignUpPage,
    request_method="POST",
    require_csrf=True,
    permission=NO_PERMISSION_REQUIRED,
)
def sign_up(request):
    keys = sign_up_keys(request.client_addr)
    limiter, refused = throttle(request, keys, "sign-ups from your address", "Back to sign up")
    if refused:
        return refused
    values, errors = validate(SignUpForm(), request)
    entered = {k: posted_text(request, k) or "" for k in ("first_name", "last_name", "email")}
    next_url = safe_next(request.POST.get("next")) or ""
    if values is not None:
        # Whether the email is taken or not: each answer tells something.
        limiter.record_failure(request.dbsession, keys)
        taken = request.dbsession.execute(
            select(User.id).where(User.email == values["email"])
        ).first()
        if taken is not None:
            values, errors = None, {"email": EMAIL_UNAVAILABLE}
    if values is None:
        return page(request, "signup.jinja2", 400, errors=errors, values=entered,
                    next_url=next_url)
    user = User(
        email=values["email"],
        first_name=values["first_name"],
        last_name=values["last_name"],
        password_hash=request.passwords.hash(values["password"]),
    )
    request.dbsession.add(user)
    request.dbsession.flush()
    return start_session(request, user)


@forbidden_view_config(containment=SignedInPage)
def sign_in_to_continue(exc, request):
    """A page for signed-in browsers: sign in first, then back here."""
    if request.identity is None:
        return sign_in_first(request)
    return exc


@view_config(context=PasswordPage, request_method="GET",
             permission=Permission.CHANGE_PASSWORD)
def password_page(request):
    return page(request, "password.jinja2", errors={}, user=request.identity.user)


@view_config(
    context=PasswordPage,
    request_method="POST",
    require_csrf=True,
    permission=Permission.CHANGE_PASSWORD,
)
def change_password(request):
    """A new password, given the current one; every other browser session
    of the user ends (a password is changed when someone else may know
    it), and this one goes on under a fresh cookie. A wrong current
    password counts as a failed sign-in of the account (of this browser
    alone when it shows the account's device cookie, as at sign-in), so a
    session left open cannot be used to guess it beyond sign-in's limit.
    Tokens of approved applications stay valid:
    ``DELETE /api/v1/authorizations/ID`` ends those."""
    user = request.identity.user
    keys = attempt_keys(user.email, request.client_addr, trusted_device(request, user))
    limiter, refused = throttle(request, keys, "wrong passwords", "Back to your password")
    if refused:
        return refused
    values, errors = validate(PasswordForm(), request)
    current = posted_text(request, "current_password")
    if current and "current_password" not in errors:
        if not request.passwords.verify(user.password_hash, current):
            limiter.record_failure(request.dbsession, keys)
            values, errors = None, {**errors, "current_password": WRONG_PASSWORD}
    if values is not None:
        errors = new_password_errors(values, user.email)
    if values is not None and not errors:
        response = set_new_password(request, user, values["new_password"])
        if response is not None:
            return response
        # Changed since it was checked, by another request: no longer current.
        errors = {"current_password": WRONG_PASSWORD}
    return page(request, "password.jinja2", 400, errors=errors, user=user)


@view_config(context=BadCSRFToken, permission=NO_PERMISSION_REQUIRED)
def bad_csrf_token(exc, request):
    """A form posted without this session's token (an old tab, or another site)."""
    return page(request, "error.jinja2", 400, status=400, title="This form has expired",
                message="Open the form again and try once more.",
                back_url=form_again_url(request), back_label="Back to the form")
