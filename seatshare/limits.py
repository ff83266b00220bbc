"""Request body size limit: 413 before anything reads the body or opens a transaction.

And a URL that is not UTF-8 (``/signin?next=%FF``, ``/api/v1/tickets/%FF``):
WebOb raises on such a path or query string, and every later layer
(routing, the security policy, the error views, the logs) reads them. On
the pages and the OAuth endpoints it is a 400 before anything else. On
``/api/`` the checks keep the contract's order (API.md §1: 401, 404, 403,
400): the URL is read with U+FFFD for each byte that is no UTF-8, which no
route or record has in its name, so a path that is not UTF-8 is a 404 as
``/tickets/nope`` is; a query string that is not UTF-8 is a 400 once the
caller has passed the view's permission (``refuse_undecodable_query``).
A cookie that is not UTF-8 is left out instead (see ``parse_cookies``).
The query string is parsed here too, with "&" as the only separator (WebOb
also splits on ";", so ``?q=a;b`` searched for "a"; CVE-2021-23336 is the
same ambiguity), and WebOb's ``request.GET`` serves that parse.
"""
from urllib.parse import unquote_to_bytes

from pyramid.tweens import INGRESS
from webob.cookies import RequestCookies, parse_cookie
from webob.multidict import GetDict

from .errors import APIError, answers_json, html_error, is_exception_view, program_error, status_line
from .paths import is_api_request, is_oauth_protocol_request
from .settings import number


def body_size_limit_tween_factory(handler, registry):
    # Checked here, at start: -1 would refuse every request with a body.
    limit = number(registry.settings, "seatshare.max_body_bytes")

    def body_size_limit_tween(request):
        length = request.content_length
        if length is None and request.is_body_readable:
            # Chunked or unsized: read at most one byte past the limit.
            body = request.body_file.read(limit + 1)
            length = len(body)
            if length <= limit:
                request.body = body
        if length is not None and length > limit:
            detail = f"The request body is larger than {limit} bytes."
            if is_api_request(request) or is_oauth_protocol_request(request):
                return program_error(request, 413, detail)
            return request.response.__class__(
                f"{detail}\n",
                status=status_line(413), content_type="text/plain", charset="utf-8",
            )
        return handler(request)

    return body_size_limit_tween


def parse_query_string(request, errors="strict") -> None:
    """Parse QUERY_STRING as WebOb would, but split on "&" only, and store
    it where ``request.GET`` looks first. Raises UnicodeDecodeError, unless
    ``errors`` is "replace"."""
    environ = request.environ
    query = environ.get("QUERY_STRING", "")
    pairs = []
    for item in query.encode("latin-1").split(b"&"):
        if item:
            name, _, value = item.replace(b"+", b" ").partition(b"=")
            pairs.append((unquote_to_bytes(name).decode("utf-8", errors),
                          unquote_to_bytes(value).decode("utf-8", errors)))
    environ["webob._parsed_query_vars"] = (GetDict(pairs, environ), query)


def parse_cookies(request) -> None:
    """Parse the Cookie header as WebOb would, leaving out a cookie whose
    name or value is not UTF-8, and store it where ``request.cookies`` looks
    first. WebOb raises on such a cookie whenever the session is read, a
    500 on every page; it is none of ours (another site of the domain set
    it), and the session cookie beside it still counts."""
    header = request.environ.get("HTTP_COOKIE", "")
    if not header:
        return
    cookies = {}
    for name, value in parse_cookie(header):
        try:
            cookies[name.decode("utf-8")] = value.decode("utf-8")
        except UnicodeDecodeError:
            continue
    request.environ[RequestCookies._cache_key] = (cookies, header)


# Set in the environ of an /api/ request whose query string is not UTF-8.
UNDECODABLE_QUERY = "seatshare.undecodable_query"


def read_api_url(request) -> None:
    """An /api/ URL as text, with U+FFFD for each byte that is no UTF-8:
    the path is rewritten so (WebOb decodes PATH_INFO wherever it is read),
    and a query string that is not UTF-8 is parsed so and marked for
    ``refuse_undecodable_query``."""
    environ = request.environ
    raw_path = environ.get("PATH_INFO", "").encode("latin-1")
    try:
        raw_path.decode("utf-8")
    except UnicodeDecodeError:
        text = raw_path.decode("utf-8", "replace")
        environ["PATH_INFO"] = text.encode("utf-8").decode("latin-1")
    try:
        parse_query_string(request)
    except UnicodeDecodeError:
        parse_query_string(request, errors="replace")
        environ[UNDECODABLE_QUERY] = True


def undecodable_url_tween_factory(handler, registry):
    def undecodable_url_tween(request):
        parse_cookies(request)
        if is_api_request(request):
            read_api_url(request)
            return handler(request)
        try:
            request.path_info
            parse_query_string(request)
        except UnicodeDecodeError:
            message = "The URL is not valid UTF-8."
            if answers_json(request):  # the OAuth endpoints, /healthz, the metadata
                return program_error(request, 400, message)
            return html_error(request, 400, message)
        return handler(request)

    return undecodable_url_tween


def refuse_undecodable_query(view, info):
    """A view deriver inside Pyramid's ``secured_view``: an /api/ query
    string that is not UTF-8 is a 400, but only after traversal's 401 and
    404 and the permission's 401 and 403 (API.md §1), and before the view
    reads the query."""
    if is_exception_view(info):
        return view

    def undecodable_query_refused(context, request):
        if request.environ.get(UNDECODABLE_QUERY):
            raise APIError(400, "The query string is not valid UTF-8.")
        return view(context, request)

    return undecodable_query_refused


def includeme(config):
    config.add_tween(
        "seatshare.limits.body_size_limit_tween_factory", under=INGRESS
    )
    config.add_tween(
        "seatshare.limits.undecodable_url_tween_factory", under=INGRESS
    )
    config.add_view_deriver(
        refuse_undecodable_query, under="secured_view", over="owrapped_view"
    )
