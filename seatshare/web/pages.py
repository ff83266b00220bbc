"""What the HTML pages share: a page rendered uncached, the same-site
``next`` a form carries on to, a throttled form's 429, and a fresh
signed-in session (after sign-in, sign-up or a new password)."""
import re
from urllib.parse import quote, urlencode, urlsplit

from pyramid.csrf import new_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.security import remember
from sqlalchemy import update

from ..errors.views import page_not_found
from ..models import User
from .devices import issue_device_cookie
from .forms import FIELD_LENGTHS
from .ratelimit import AttemptCounts, SignInLimiter

PASSWORD_CHANGED = ("Your password has been changed. Every other browser where you were "
                    "signed in has been signed out.")
PASSWORD_RESET = ("Your password has been changed. Every other browser where you were "
                  "signed in has been signed out, every app you had connected was "
                  "disconnected, and your calendar feeds have new links: approve the "
                  "apps you use again, and subscribe with the new calendar links.")
# A mailed link that does not work (``LinkCredential.why``): what the page
# is titled, and what each says first of what happened.
LINK_TITLES = {
    "damaged": "This link is incomplete",
    "expired": "This link has expired",
    "used": "This link has been used",
    "gone": "This link no longer works",
}
LINK_DAMAGED = ("Part of it is missing or was changed, as when a mail program breaks a long "
                "link across two lines. Open it from the mail again, or copy all of it into "
                "the address bar.")
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
# The mailed links whose page is a form posting back to the link itself.
MAILED_LINKS = ("/password-reset", "/email-undo/")


def form_again_url(request) -> str:
    """Where to fill a posted form in again, still going where it went: the
    sign-up, password, calendar-feeds or connected-apps page for those (a
    Disconnect button posts to ``/apps/ID``), a mailed link's own page (a
    reset or an email-change undo), else the sign-in page, which sends a
    user who is signed in straight on to ``next``."""
    path = request.path
    if path.startswith("/apps/"):
        path = "/apps"
    elif path not in FORM_PAGES and not path.startswith(MAILED_LINKS):
        path = "/signin"
    return with_next(path, safe_next(request.params.get("next")))


def sign_in_first(request) -> HTTPFound:
    """To the sign-in page, and back to this request after it."""
    return HTTPFound(location=request.application_url + with_next("/signin", request.path_qs))


def page(request, template, code=200, **values):
    """An HTML page from ``seatshare/templates``, never cached (it may carry a
    CSRF token or name the signed-in user). ``lengths``: what the forms'
    fields may hold (``forms.FIELD_LENGTHS``)."""
    values.setdefault("csrf_token", request.session.get_csrf_token())
    values.setdefault("lengths", FIELD_LENGTHS)
    response = Response(status=code)
    response.headers["Cache-Control"] = "no-store"
    return render_to_response(
        f"seatshare:templates/{template}", values, request=request, response=response
    )


def throttle(request, keys, attempts, form) -> tuple[AttemptCounts, Response | None]:
    """The attempts counted under ``keys``, and, when one of them has had
    its attempts in the window, the throttled form's answer: ``form(429,
    message)``, the form again with what was typed in it (never a password)
    and how long to wait, and Retry-After in seconds. Else None, and the
    form goes on (recording its attempt with the counts'
    ``record_failure``)."""
    counts = SignInLimiter.from_settings(request.registry.settings).counts(
        request.dbsession, keys)
    wait = counts.retry_after
    if wait is None:
        return counts, None
    response = form(429, too_many(attempts, wait))
    response.headers["Retry-After"] = str(wait)
    return counts, response


def paused_by_failure(request, counts, attempts) -> str | None:
    """Count a failed attempt (a wrong password) against the keys of the
    ``counts`` ``throttle`` read; when it is the one that reaches the
    limit, what the form says about it (the next try, the right password
    perhaps, would be refused unchecked and unforewarned), else None."""
    wait = counts.record_failure(request.dbsession)
    return None if wait is None else too_many(attempts, wait)


def too_many(attempts: str, wait: int) -> str:
    """What a throttled form says: which attempts, and ``wait`` seconds in
    plain words."""
    minutes = max(1, round(wait / 60))
    return (f"Too many {attempts}. Please wait {minutes} "
            f"minute{'' if minutes == 1 else 's'} and try again.")


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


def set_new_password(request, user, new_password,
                     notice=PASSWORD_CHANGED) -> HTTPFound | None:
    """Give ``user`` ``new_password``, end every browser session of theirs
    and sign this browser in afresh, saying ``notice``; None, changing nothing, when the
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
    request.session.flash(notice)
    return response


def link_refused(request, why: str, says: dict, back_url: str, back_label: str, status=400):
    """The page of a mailed link that does not work, ``why`` (one of
    ``LINK_TITLES``): what happened, in the link's own words (``says``, by
    why; a damaged link adds how to open it whole), and what to do, with
    the way on."""
    message = says[why] + (f" {LINK_DAMAGED}" if why == "damaged" else "")
    return page(request, "error.jinja2", status, status=status, title=LINK_TITLES[why],
                message=message, back_url=back_url, back_label=back_label)


def link_not_found(exc, request, says: dict, back_url: str, back_label: str):
    """No page below a mailed link (a path cut short, or more after its
    key): ``link_refused``'s page for a link that is not whole, a 404; a
    wrong method stays the 405 it is."""
    return page_not_found(exc, request, lambda: link_refused(
        request, "damaged", says, back_url, back_label, status=404))
