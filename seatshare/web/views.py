"""Sign-in, sign-out, sign-up and change-password pages.

Sign-in never says whether an account exists; a wrong password and an
unknown email read, and take, the same. Sign-up must say when an email is
taken, so it is throttled per address as sign-in is. Signing in starts a fresh session
(new contents, new CSRF token) so nothing planted before survives it.
"""
from functools import partial
from urllib.parse import parse_qs, urlsplit

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPFound
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED, forget
from pyramid.view import exception_view_config, forbidden_view_config, view_config
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ..errors import database_unavailable_view
from ..models import Application, User
from ..oauth.applications import enabled_application
from ..paths import OAUTH_AUTHORIZATION_PATH
from ..permissions import Permission
from ..resources import Root
from ..services.users import email_holder
from .devices import trusted_device
from .forms import (
    PasswordForm, SignInForm, SignUpForm, new_password_errors, posted_text, validate,
)
from .pages import (
    form_again_url, page, paused_by_failure, safe_next, set_new_password, sign_in_first,
    start_session, throttle, with_next,
)
from .password_reset import PasswordResetPage, request_form
from .ratelimit import attempt_keys, sign_up_keys
from .resources import PasswordPage, SignedInPage, SignInPage, SignOutPage, SignUpPage

SIGN_IN_FAILED = "That email and password do not match an account."
FAILED_SIGN_INS = "failed sign-ins"
WRONG_PASSWORDS = "wrong passwords"
SIGN_UPS = "sign-ups from your address"
EMAIL_UNAVAILABLE = "This email cannot be used to sign up. If it is yours, sign in instead."
WRONG_PASSWORD = "This is not your current password."
SIGNED_OUT = "You are signed out, in every browser where you were signed in."


def form_application(request, next_url, database: bool) -> Application | None:
    """The application a sign-in or sign-up form is for, named on the page;
    None without ``database`` (it cannot be reached)."""
    return requesting_application(request.dbsession, next_url) if database else None


def requesting_application(dbsession, next_url) -> Application | None:
    """The application whose authorization request the user signs in for."""
    parts = urlsplit(next_url or "")
    if parts.path != OAUTH_AUTHORIZATION_PATH:
        return None
    return enabled_application(dbsession, parse_qs(parts.query).get("client_id", [""])[0])


def sign_in_form(request, status=200, error=None, email="", invalid=(), database=True,
                 errors=None):
    """``error``: about the whole form, above it; ``invalid``: the fields
    ``error`` is about, marked for screen readers. ``errors``: per field,
    each beside its field. ``database``: whether the page may ask the
    database (which application the sign-in is for); not while it cannot
    be reached."""
    next_url = safe_next(request.params.get("next"))
    return page(request, "signin.jinja2", status, error=error, email=email, invalid=invalid,
                errors=errors or {},
                messages=request.session.pop_flash(),
                next_url=next_url or "", signup_url=with_next("/signup", next_url),
                reset_url=with_next("/password-reset", next_url),
                application=form_application(request, next_url, database))


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
        # which, beside it, and keep the email typed.
        return sign_in_form(request, 400, errors=errors,
                            email=posted_text(request, "email") or "")
    user = request.dbsession.execute(
        select(User).where(User.email == values["email"])
    ).scalar_one_or_none()
    keys = attempt_keys(values["email"], request.client_addr, trusted_device(request, user))
    counts, refused = throttle(request, keys, FAILED_SIGN_INS,
                                partial(sign_in_form, request, email=values["email"]))
    if refused:
        return refused
    if not request.passwords.verify(user.password_hash if user else None, values["password"]):
        paused = paused_by_failure(request, counts, FAILED_SIGN_INS)
        error = SIGN_IN_FAILED + ("" if paused is None else " " + paused)
        return sign_in_form(request, 400, error, email=values["email"],
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
    return sign_up_form(request)


def sign_up_form(request, status=200, error=None, errors=None, values=None, database=True,
                 email_taken=False):
    """``error``: about the whole form; ``errors``: per field. ``values``:
    what was typed in the fields other than the password, kept. ``database``:
    as for ``sign_in_form``. ``email_taken``: the email is an account's,
    maybe the user's own: the page offers signing in, or a new password."""
    next_url = safe_next(request.params.get("next"))
    return page(request, "signup.jinja2", status, error=error, errors=errors or {},
                values=values or {}, next_url=next_url or "", email_taken=email_taken,
                signin_url=with_next("/signin", next_url),
                reset_url=with_next("/password-reset", next_url),
                application=form_application(request, next_url, database))


def typed_for_sign_up(request) -> dict:
    """What a posted sign-up form keeps: every field but the password."""
    return {k: posted_text(request, k) or "" for k in ("first_name", "last_name", "email")}


@view_config(
    context=SignUpPage,
    request_method="POST",
    require_csrf=True,
    permission=NO_PERMISSION_REQUIRED,
)
def sign_up(request):
    entered = typed_for_sign_up(request)
    keys = sign_up_keys(request.client_addr)
    counts, refused = throttle(request, keys, SIGN_UPS,
                                partial(sign_up_form, request, values=entered))
    if refused:
        return refused
    values, errors = validate(SignUpForm(), request)
    taken, paused = False, None
    if values is not None:
        # Whether the email is taken or not: each answer tells something.
        paused = paused_by_failure(request, counts, SIGN_UPS)
        taken = email_holder(request.dbsession, values["email"]) is not None
        if taken:
            values, errors = None, {"email": EMAIL_UNAVAILABLE}
    if values is None:
        return sign_up_form(request, 400, error=paused, errors=errors, values=entered,
                            email_taken=taken)
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
    return password_form(request)


def password_form(request, status=200, error=None, errors=None):
    return page(request, "password.jinja2", status, error=error, errors=errors or {},
                user=request.identity.user)


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
    counts, refused = throttle(request, keys, WRONG_PASSWORDS, partial(password_form, request))
    if refused:
        return refused
    values, errors = validate(PasswordForm(), request)
    current = posted_text(request, "current_password")
    paused = None
    if current and "current_password" not in errors:
        if not request.passwords.verify(user.password_hash, current):
            paused = paused_by_failure(request, counts, WRONG_PASSWORDS)
            values, errors = None, {**errors, "current_password": WRONG_PASSWORD}
    if values is not None:
        errors = new_password_errors(values, user.email)
    if values is not None and not errors:
        response = set_new_password(request, user, values["new_password"])
        if response is not None:
            return response
        # Changed since it was checked, by another request: no longer current.
        errors = {"current_password": WRONG_PASSWORD}
    return password_form(request, 400, error=paused, errors=errors)


FORM_EXPIRED = "This form has expired, so it was not sent. "
DATABASE_UNAVAILABLE = ("SeatShare is briefly unavailable, so this was not sent. "
                        "Wait a few seconds and try again. ")


def form_again(request, status, why, database=True) -> Response | None:
    """The posted form itself, saying ``why`` it was not sent, when it is
    one with values typed in it other than passwords (sign-in, sign-up,
    asking for a reset link), those values kept and the page's ``next``
    too; else None. A browser signed in meanwhile (in another tab) gets no
    sign-in or sign-up form: the error page's link sends it on.
    ``database``: as for ``sign_in_form``."""
    context = type(getattr(request, "context", None))
    email = posted_text(request, "email") or ""
    if context is SignInPage and request.identity is None:
        return sign_in_form(request, status, why + "Type your password again and sign in.",
                            email=email, database=database)
    if context is SignUpPage and request.identity is None:
        return sign_up_form(request, status, why + "Type your password again and "
                            "create your account.", values=typed_for_sign_up(request),
                            database=database)
    if context is PasswordResetPage:
        return request_form(request, status, why + "Send it again.", email=email)
    return None


def expired_form_again(request) -> Response | None:
    return form_again(request, 400, FORM_EXPIRED)


@exception_view_config(DBAPIError, request_method="POST", containment=SignInPage)
@exception_view_config(DBAPIError, request_method="POST", containment=SignUpPage)
@exception_view_config(DBAPIError, request_method="POST", containment=PasswordResetPage)
def unavailable_form_again(exc, request):
    """A form the database could not answer: the 503 (logged, with its
    Retry-After) is the form again, saying so, with what was typed kept, as
    for an expired form, where it was the bare 503 page and the typing was
    lost. Any other database error is answered as elsewhere."""
    response = database_unavailable_view(exc, request)
    if response.status_code != 503:
        return response
    try:
        again = form_again(request, 503, DATABASE_UNAVAILABLE, database=False)
    except DBAPIError:  # who is signed in, read from the database
        again = None
    if again is None:
        return response
    again.headers["Retry-After"] = response.headers["Retry-After"]
    return again


@view_config(context=BadCSRFToken, permission=NO_PERMISSION_REQUIRED)
def bad_csrf_token(exc, request):
    """A form posted without this session's token (an old tab, or another
    site): the form again, or a page leading back to it."""
    again = expired_form_again(request)
    if again is not None:
        return again
    return page(request, "error.jinja2", 400, status=400, title="This form has expired",
                message="Open the form again and try once more.",
                back_url=form_again_url(request), back_label="Back to the form")
