"""The two feed views: thin, the traversal already verified the URL's token;
and the page of a feed URL that does not work."""
import gzip

from pyramid.response import Response
from pyramid.view import notfound_view_config, view_config
from webob.acceptparse import AcceptEncodingValidHeader

from ..errors import html_error
from ..errors.views import page_not_found
from ..permissions import Permission
from .resources import CalendarRoot, Feed

# One page for every feed URL that does not work: which part is wrong
# (the user, the secret, the group) is not told, so the page does not
# tell whether a user exists or is in a group.
FEED_GONE = (
    "It may be an old one: a feed's links change when you make new links on the "
    "Calendars page or choose a new password, an app's link ends when you disconnect "
    "the app, and a group's feed ends when you leave the group or it is deleted. Or "
    "part of it is missing or was changed. Your links that work are on your Calendars "
    "page: subscribe with them again."
)

# Calendar apps poll; a minute of caching is harmless, and only the holder of
# the secret URL should cache it.
CACHE_SECONDS = 60

# A feed URL is a secret, in every answer to it (a feed, or the page of one
# that does not work): kept out of search engines and Referer headers.
SECRET_URL_HEADERS = {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


def calendar_response(request, version: str, build) -> Response:
    """The feed ``build()`` makes, whose content ``version`` names: its
    ETag. Most polls name the current ETag: WebOb answers them 304 from
    these headers alone (dropping Content-Length), so the feed is built
    and compressed only to be sent."""
    response = Response(content_type="text/calendar", charset="utf-8",
                        conditional_response=True)
    # No Last-Modified: an entry leaving the feed (a ticket deleted, a group
    # left) leaves no date behind, so If-Modified-Since could be answered
    # 304 for a feed that changed.
    response.etag = version
    compress = _accepts_gzip(request)
    if compress:
        response.content_encoding = "gzip"
        response.etag = f"{version}-gzip"
    if response.etag not in request.if_none_match:
        body = build().to_ical()
        # mtime=0: the same feed compresses to the same bytes. Level 6
        # (zlib's own default) takes half level 9's time, for a few % more.
        response.body = gzip.compress(body, compresslevel=6, mtime=0) if compress else body
    response.vary = ("Accept-Encoding",)
    response.cache_control.private = True
    response.cache_control.max_age = CACHE_SECONDS
    response.headers.update(SECRET_URL_HEADERS)
    return response


def _accepts_gzip(request) -> bool:
    """Whether the client said it reads gzip. No header, or one WebOb cannot
    parse, gets the calendar as it is: RFC 9110 would allow any coding
    then, but a client that names none is safest given none."""
    accept = request.accept_encoding
    return isinstance(accept, AcceptEncodingValidHeader) and bool(accept.acceptable_offers(["gzip"]))


def site(request) -> str:
    """The right-hand side of the feeds' UIDs (RFC 5545 §3.8.4.7): the
    domain of the feed's URL, which stays the same for a subscription."""
    return request.domain.lower()


@view_config(context=Feed, request_method=("GET", "HEAD"), permission=Permission.VIEW)
def feed_view(context, request):
    domain = site(request)
    return calendar_response(request, context.version(domain), lambda: context.calendar(domain))


@notfound_view_config(containment=CalendarRoot)
def feed_not_found(exc, request):
    """A person opening an old or damaged feed URL learns what to do, not
    "There is no page here"; a calendar app still gets its 404."""
    return page_not_found(exc, request, lambda: html_error(
        request, 404, FEED_GONE, headers={**SECRET_URL_HEADERS, "Cache-Control": "no-store"},
        title="This calendar link does not work",
        back_url="/calendars", back_label="Go to your calendar links"))
