"""HEAD is safe (RFC 9110 §9.2.1): it answers what GET would, and changes nothing.

Pyramid serves HEAD with a resource's GET view (the body left off), and a
few GET views change something as they answer: the authorization endpoint
issues a code for a remembered approval, and the pages take their one-time
notices out of the session cookie, which a GET also renews. For HEAD, the
request's transaction is doomed, so whatever it wrote (a code, an approval,
a throttling count, a mail) is rolled back, and the response sets no
cookie, so the browser's session keeps its notices, its CSRF token and its
expiry. (The token endpoint refuses HEAD: see ``seatshare.oauth.views.token``.)
"""
from pyramid.events import ContextFound, NewResponse, subscriber


@subscriber(ContextFound)
def doom_head_transaction(event):
    """Before the view runs; pyramid_tm began the transaction before traversal."""
    request = event.request
    if request.method == "HEAD" and request.environ.get("tm.active"):
        request.tm.doom()


@subscriber(NewResponse)
def keep_cookies_on_head(event):
    headers = event.response.headers
    if event.request.method == "HEAD" and "Set-Cookie" in headers:
        del headers["Set-Cookie"]  # every one of them


def includeme(config):
    config.scan(__name__)
