"""The two feed views: thin, the traversal already verified the URL's token."""
import gzip

from pyramid.response import Response
from pyramid.view import view_config
from webob.acceptparse import AcceptEncodingValidHeader

from ..permissions import Permission
from .feeds import group_feed, ticket_feed
from .resources import GroupFeed, TicketFeed

# Calendar apps poll; a minute of caching is harmless, and only the holder of
# the secret URL should cache it.
CACHE_SECONDS = 60


def calendar_response(request, calendar) -> Response:
    response = Response(
        body=calendar.to_ical(),
        content_type="text/calendar",
        charset="utf-8",
        conditional_response=True,
    )
    # The body's hash (the plain one's, with "-gzip" for the compressed
    # representation), and no Last-Modified: an entry leaving the feed (a
    # ticket deleted, a group left) leaves no date behind, so If-Modified-Since
    # could be answered 304 for a feed that changed.
    response.md5_etag()
    if _accepts_gzip(request):
        # mtime=0: the same feed compresses to the same bytes, so this
        # representation's ETag stays as stable as the plain one's. Level 6
        # (zlib's own default) takes half level 9's time, for a few % more.
        response.body = gzip.compress(response.body, compresslevel=6, mtime=0)
        response.content_encoding = "gzip"
        response.etag = f"{response.etag}-gzip"
    response.vary = ("Accept-Encoding",)
    response.cache_control.private = True
    response.cache_control.max_age = CACHE_SECONDS
    # The URL is a secret: keep it out of search engines and Referer headers.
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
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


@view_config(context=TicketFeed, request_method=("GET", "HEAD"), permission=Permission.VIEW)
def ticket_feed_view(context, request):
    return calendar_response(request, ticket_feed(request.dbsession, context.user, site(request)))


@view_config(context=GroupFeed, request_method=("GET", "HEAD"), permission=Permission.VIEW)
def group_feed_view(context, request):
    calendar = group_feed(request.dbsession, context.user, context.group, site(request))
    return calendar_response(request, calendar)
