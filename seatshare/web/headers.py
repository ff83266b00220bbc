"""Security headers on every page outside ``/api/``.

No page may be framed (the consent page above all: clickjacking would let
another site press Approve), none runs script, and none leaks its URL to
the next site in ``Referer``.
"""
from pyramid.events import NewResponse, subscriber

from ..paths import is_api_request

# No form-action: Chromium applies it to the redirect after the consent
# form, which goes to the client's own (other-origin) redirect URI.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@subscriber(NewResponse)
def add_page_headers(event):
    if is_api_request(event.request):
        return
    for name, value in PAGE_HEADERS.items():
        event.response.headers.setdefault(name, value)
