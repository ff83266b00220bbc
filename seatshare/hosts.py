"""Allowed hosts: a request for a host this site does not serve is a 400.

Redirect Locations and the OAuth metadata's ``issuer`` are built from the
request's host (``request.application_url``), so a forged Host header would
have them name any site (OWASP: Host header injection; RFC 8414 §3.3 wants
the issuer fixed). With ``seatshare.allowed_hosts`` set (host names separated
by spaces, each optionally with ``:port``, like Django's ALLOWED_HOSTS), any
other host is refused before anything else runs. The host checked is the one
the URLs are built from, after waitress has applied a trusted proxy's
X-Forwarded-Host. A name without a port allows it on any port.

``/healthz`` is exempt: load balancers health-check each instance by its
address, often with that address as Host, and the answer names no host.
Unset or blank, any host is served (development, tests).
"""
import re

from pyramid.exceptions import ConfigurationError
from pyramid.response import Response
from pyramid.tweens import INGRESS

from .errors import program_error, status_line
from .paths import is_api_request, is_oauth_protocol_request
from .settings import is_placeholder

EXEMPT_PATHS = frozenset({"/healthz"})
HOST = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(?P<port>[0-9]{1,5}))?")
REFUSED = "This server does not answer for that host."


def parse_host(value: str) -> tuple[str, str | None] | None:
    """``("example.com", "8443")`` for ``Example.COM.:8443``; None when it is
    not a host name or address with an optional port."""
    match = HOST.fullmatch(value.strip().lower())
    if match is None:
        return None
    return match["name"].rstrip("."), match["port"]


def parse_allowed_hosts(value) -> frozenset | None:
    """The setting's hosts, or None (any host) when it is blank. Still
    production.ini's ``set-…`` placeholder, the server does not start (it
    would answer nothing but /healthz, which load balancers would take for
    health)."""
    if is_placeholder(value):
        raise ConfigurationError(
            "seatshare.allowed_hosts is not set: set SEATSHARE_ALLOWED_HOSTS to the "
            "host names clients use, separated by spaces"
        )
    hosts = set()
    for entry in str(value or "").split():
        host = parse_host(entry)
        if host is None:
            raise ConfigurationError(f"seatshare.allowed_hosts: {entry!r} is not a host[:port]")
        hosts.add(host)
    return frozenset(hosts) or None


def host_allowed(value: str, allowed: frozenset) -> bool:
    host = parse_host(value)
    return host is not None and (host in allowed or (host[0], None) in allowed)


def allowed_hosts_tween_factory(handler, registry):
    allowed = parse_allowed_hosts(registry.settings.get("seatshare.allowed_hosts"))
    if allowed is None:
        return handler

    def allowed_hosts_tween(request):
        if request.environ.get("PATH_INFO") in EXEMPT_PATHS or host_allowed(
                request.host, allowed):
            return handler(request)
        if is_api_request(request) or is_oauth_protocol_request(request):
            return program_error(request, 400, REFUSED)
        return Response(REFUSED, status=status_line(400), content_type="text/plain",
                        charset="utf-8")

    return allowed_hosts_tween


def includeme(config):
    # Outermost: over the body limit and the URL check, which would answer
    # (or read the body) for a host that is not ours.
    config.add_tween("seatshare.hosts.allowed_hosts_tween_factory", under=INGRESS,
                     over=("seatshare.limits.body_size_limit_tween_factory",
                           "seatshare.limits.undecodable_url_tween_factory"))
