"""Request body size limit: 413 before anything reads the body or opens a transaction.

And a URL that is not UTF-8 (``/api/v1/tickets/%FF``, ``?page=%FF``) is a 400
before anything decodes it: WebOb raises on such a path or query string, and
every later layer (routing, the security policy, the error views) reads them.
A cookie that is not UTF-8 is left out instead (see ``parse_cookies``).
The query string is parsed here too, with "&" as the only separator (WebOb
also splits on ";", so ``?q=a;b`` searched for "a"; CVE-2021-23336 is the
same ambiguity), and WebOb's ``request.GET`` serves that parse.
"""
from urllib.parse import unquote_to_bytes

from oauthlib.oauth2.rfc6749.errors import InvalidRequestError
from pyramid.tweens import INGRESS
from webob.cookies import RequestCookies, parse_cookie
from webob.multidict import GetDict

from .errors import answers_json, html_error, json_error, status_line
from .oauth.views import oauth_error_response
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
            if is_api_request(request):
                return json_error(request, 413, detail)
            if is_oauth_protocol_request(request):
                return oauth_error_response(
                    InvalidRequestError(description=detail, status_code=413)
                )
            return request.response.__class__(
                f"{detail}\n",
                status=status_line(413), content_type="text/plain", charset="utf-8",
            )
        return handler(request)

    return body_size_limit_tween


def parse_query_string(request) -> None:
    """Parse QUERY_STRING as WebOb would, but split on "&" only, and store
    it where ``request.GET`` looks first. Raises UnicodeDecodeError."""
    environ = request.environ
    query = environ.get("QUERY_STRING", "")
    pairs = []
    for item in query.encode("latin-1").split(b"&"):
        if item:
            name, _, value = item.replace(b"+", b" ").partition(b"=")
            pairs.append((unquote_to_bytes(name).decode("utf-8"),
                          unquote_to_bytes(value).decode("utf-8")))
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


def undecodable_url_tween_factory(handler, registry):
    def undecodable_url_tween(request):
        parse_cookies(request)
        try:
            request.path_info
            parse_query_string(request)
        except UnicodeDecodeError:
            message = "The URL is not valid UTF-8."
            if is_oauth_protocol_request(request):
                return oauth_error_response(InvalidRequestError(description=message))
            if answers_json(request):  # /api/, /healthz, the OAuth metadata
                return json_error(request, 400, message)
            return html_error(request, 400, message)
        return handler(request)

    return undecodable_url_tween


def includeme(config):
    config.add_tween(
        "seatshare.limits.body_size_limit_tween_factory", under=INGRESS
    )
    config.add_tween(
        "seatshare.limits.undecodable_url_tween_factory", under=INGRESS
    )
