"""Security headers on every page outside ``/api/``, and HSTS on every
HTTPS response.

No page may be framed (the consent page above all: clickjacking would let
another site press Approve), none runs script, and none leaks its URL to
the next site in ``Referer``. With ``seatshare.hsts_max_age``, a browser
that has seen the site over HTTPS comes back over HTTPS only (RFC 6797),
so nobody on the way can serve it the sign-in page over plain HTTP.
"""
from pyramid.tweens import INGRESS

from ..paths import is_api_request
from ..settings import number

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


def hsts_header(settings) -> str | None:
    """``Strict-Transport-Security``'s value, or None for ``0``."""
    max_age = number(settings, "seatshare.hsts_max_age")
    return f"max-age={max_age}" if max_age else None


def add_page_headers(request, response, hsts) -> None:
    # RFC 6797 §7.2: never over plain HTTP.
    if hsts is not None and request.scheme == "https":
        response.headers.setdefault("Strict-Transport-Security", hsts)
    if is_api_request(request):
        return
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)


def page_headers_tween_factory(handler, registry):
    """Outermost (over the allowed hosts' 400), so every response gets the
    headers. A tween rather than a NewResponse subscriber: see
    ``seatshare.head``."""
    hsts = hsts_header(registry.settings)

    def page_headers_tween(request):
        response = handler(request)
        add_page_headers(request, response, hsts)
        return response

    return page_headers_tween


def includeme(config):
    config.add_tween("seatshare.web.headers.page_headers_tween_factory", under=INGRESS,
                     over="seatshare.hosts.allowed_hosts_tween_factory")
