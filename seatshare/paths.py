"""Which requests are API requests: one answer for the security policy, the
error views, the body limit and the database session; and paths fit for a log."""
import functools
import logging
import re
from collections.abc import Mapping
from urllib.parse import unquote

# Paths whose segment after the prefix is a password: a calendar feed's
# token, a password-reset link, an email-undo link. ``None`` stands for any
# one segment (the feed's id). Both SECRET_PATH_RE and
# LOGGED_SECRET_SEGMENT_RE are built from this one list.
SECRET_PATH_PREFIXES = (("calendar", None), ("password-reset",), ("email-undo",))


def secret_prefixes_pattern(slash: str, segment: str) -> str:
    """SECRET_PATH_PREFIXES as one regex alternation, each prefix ending in
    ``slash``, ``None`` matching ``segment``."""
    return "|".join(
        slash + slash.join(segment if name is None else re.escape(name) for name in prefix)
        + slash
        for prefix in SECRET_PATH_PREFIXES)


SECRET_PATH_RE = re.compile(rf"^({secret_prefixes_pattern('/', '[^/]+')})[^/]+")
# In a log message: the value of a query parameter that carries a secret (the
# seed's GET /oauth/token sends the client's secret, the code and the PKCE
# verifier in the query string; a page's form sent by GET, its passwords and
# CSRF token), and any run of 64 hex digits: every token, code, client
# secret, feed token and reset-link HMAC SeatShare hands out is one,
# wherever it stands (a URL, a path, a traversal's tuple of names).
# Both also inside a query value, percent-encoded (a sign-in page's ``next``):
# there ``?``, ``&``, ``=`` and ``/`` are ``%3F``, ``%26``, ``%3D`` and
# ``%2F``, whose last character is a hex digit.
SECRET_PARAM_RE = re.compile(
    r"((?:^|[?&;]|%3[Ff]|%26)"
    r"(?:client_secret|code|code_verifier|refresh_token|access_token|token"
    r"|password|current_password|new_password|new_password_again|csrf_token)(?:=|%3[Dd]))"
    r"(?:(?!%26)[^&;#\s'\"])*"
)
HEX_SECRET_RE = re.compile(
    r"(?:(?<![0-9A-Fa-f])|(?<=%[0-9A-Fa-f]{2}))[0-9A-Fa-f]{64}(?![0-9A-Fa-f])"
)
# In a log message: the segment of a path that is a password (as
# SECRET_PATH_RE), wherever a URL or a path stands in the text, whatever its
# shape: a feed token or a reset link with a digit too many or too few (a
# 404) is still most or all of the secret. Its slashes may be
# percent-encoded (a URL inside a sign-in page's ``next``).
SLASH = r"(?:/|%2[Ff])"
LOGGED_SEGMENT = r"(?:(?!%2[Ff])[^/\s'\"?#;&])+"
LOGGED_SECRET_SEGMENT_RE = re.compile(
    rf"({secret_prefixes_pattern(SLASH, LOGGED_SEGMENT)})({LOGGED_SEGMENT})"
)
# A segment that short is no secret's worth hiding; ``[token]`` in its
# repeats would only hide other names that happen to hold it.
LEAST_REPEATED_SECRET = 8


# The OAuth endpoints whose errors are RFC 6749 §5.2's JSON (API.md §2):
# token (§5.2), revocation (RFC 7009 §2.2.1) and introspection (RFC 7662 §2.3).
OAUTH_TOKEN_PATH = "/oauth/token"
OAUTH_REVOCATION_PATH = "/oauth/revoke"
OAUTH_INTROSPECTION_PATH = "/oauth/introspect"
OAUTH_PROTOCOL_PATHS = (OAUTH_TOKEN_PATH, OAUTH_REVOCATION_PATH, OAUTH_INTROSPECTION_PATH)
OAUTH_AUTHORIZATION_PATH = "/oauth/authorization"
OAUTH_METADATA_PATH = "/.well-known/oauth-authorization-server"  # RFC 8414


# The paths outside /api/ that programs call: the OAuth endpoints and RFC
# 8414's metadata, in the order a 404 near them names them. A path below
# their roots names an endpoint exactly, as an API path does (``Traverser``).
PROGRAM_PATHS = (OAUTH_AUTHORIZATION_PATH, *OAUTH_PROTOCOL_PATHS, OAUTH_METADATA_PATH)
PROGRAM_PATH_ROOTS = frozenset(path.split("/")[1] for path in PROGRAM_PATHS)


def is_program_path(request) -> bool:
    """``/oauth``, ``/.well-known`` or a path below either."""
    path = request.environ.get("PATH_INFO", "")
    return path.startswith("/") and path[1:].split("/", 1)[0] in PROGRAM_PATH_ROOTS


def is_api_request(request) -> bool:
    # The raw WSGI path: request.path_info raises on a path that is not UTF-8,
    # and this runs for every response, error responses included.
    path = request.environ.get("PATH_INFO", "")
    return path == "/api" or path.startswith("/api/")


def is_oauth_protocol_request(request) -> bool:
    return request.environ.get("PATH_INFO", "") in OAUTH_PROTOCOL_PATHS


def never_writes(request) -> bool:
    """A GET or HEAD of the API, of the health check or of a calendar feed:
    none of them writes to the database (see ``request_dbsession``)."""
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.environ.get("PATH_INFO", "")
    return is_api_request(request) or path == "/healthz" or path.startswith("/calendar/")


def redact_secrets(path: str) -> str:
    """``path`` fit for a log: the secret a feed URL or a reset link carries
    is replaced by ``[token]``."""
    return SECRET_PATH_RE.sub(r"\1[token]", path)


def redact_log_text(text: str) -> str:
    """``text``, a log message naming URLs, with the secrets they carry
    replaced by ``[token]``; a secret path segment also where the message
    repeats it (``pyramid.debug_notfound`` names the view name and the
    traversed segments, percent-decoded)."""
    segments = set()

    def hide_segment(match):
        segments.update({match[2], unquote(match[2])})
        return f"{match[1]}[token]"

    text = LOGGED_SECRET_SEGMENT_RE.sub(hide_segment, text)
    for segment in sorted(segments, key=len, reverse=True):
        if len(segment) >= LEAST_REPEATED_SECRET:
            text = text.replace(segment, "[token]")
    return HEX_SECRET_RE.sub("[token]", SECRET_PARAM_RE.sub(r"\1[token]", text))


class RedactedLogRecord(logging.LogRecord):
    """A log record whose message is redacted (``redact_log_text``) as
    ``getMessage()`` formats it, and whose ``msg`` and ``args`` were when it
    was made (``redact_record``), for whatever reads them rather than
    ``getMessage()`` (a ``%(msg)s`` format, a JSON formatter, an error
    tracker copying a record's fields). Mixed into whatever class of record
    the record factory makes (``redacting``)."""

    def getMessage(self):
        # Each handler's formatter asks again: redacted once while ``msg``
        # and ``args`` are those it was made from (a filter may set others).
        made_from = self.__dict__.get("_redacted_message")
        if made_from and made_from[0] is self.msg and made_from[1] is self.args:
            return made_from[2]
        message = redact_log_text(super().getMessage())
        self.__dict__["_redacted_message"] = (self.msg, self.args, message)
        return message

    # A traceback (``exc_info``), which the formatter renders itself into
    # ``exc_text``, once per record, and writes after the message: an
    # exception's text may quote a secret (a URL, a token). Redacted as it
    # is set, and kept where logging keeps it; the stack (``stack_info``)
    # when the record is made.
    @property
    def exc_text(self):
        return self.__dict__.get("exc_text")

    @exc_text.setter
    def exc_text(self, text):
        self.__dict__["exc_text"] = None if text is None else redact_log_text(text)


@functools.cache
def redacting(record_class: type) -> type:
    """``record_class`` with ``RedactedLogRecord``'s redaction: the class
    itself when it has it, ``RedactedLogRecord`` for logging's own, else a
    subclass of both, made once per class.

    A record is pickled (a ``QueueHandler`` feeding another process, a
    ``SocketHandler``) by its class's name, which a class made here has in
    no module: such a record is pickled as one remade by ``redacting``
    from ``record_class``, which must be picklable itself."""
    if issubclass(record_class, RedactedLogRecord):
        return record_class
    if record_class is logging.LogRecord:
        return RedactedLogRecord

    def __reduce__(record):
        return remade_record, (record_class,), record.__dict__

    return type(f"Redacted{record_class.__name__}", (RedactedLogRecord, record_class),
                {"__reduce__": __reduce__})


def remade_record(record_class: type) -> logging.LogRecord:
    """An empty record of ``redacting(record_class)``, which unpickling
    fills in (``redacting``)."""
    made = redacting(record_class)
    return made.__new__(made)


def redacted_value(value):
    """A log argument fit for a record's fields: a str redacted, any other
    value whose str() quotes a secret replaced by its str() redacted, any
    other kept as it is (a number stays one, for ``%d``)."""
    if isinstance(value, str):
        return redact_log_text(value)
    try:
        text = str(value)
    except Exception:
        return value
    redacted = redact_log_text(text)
    return value if redacted == text else redacted


def redact_record(record: logging.LogRecord) -> None:
    """``record``'s ``msg`` (a str the redaction changes) and each of its
    ``args`` redacted (``redacted_value``), the message's template kept:
    the filters that recognise a message by it (``HideRowValues``,
    ``QueueDepthSummary``) read ``msg`` and ``args`` as logged but for
    their secrets. Its ``stack_info`` redacted too. The message formatted
    from them is redacted again (``RedactedLogRecord.getMessage``): a
    secret may show only beside the words around it (``client_secret=%s``)."""
    if isinstance(record.args, Mapping):
        record.args = {key: redacted_value(value) for key, value in record.args.items()}
    elif isinstance(record.args, tuple):
        record.args = tuple(redacted_value(value) for value in record.args)
    template = redact_log_text(record.msg) if isinstance(record.msg, str) else None
    if template is not None and template != record.msg:
        # The secret may have taken a placeholder with it (``code=%s``):
        # then the message formatted, redacted, without arguments.
        try:
            template % record.args if record.args else None
        except (TypeError, ValueError, KeyError):
            try:
                message = logging.LogRecord.getMessage(record)
            except Exception:  # nor the message as logged: kept beside them
                message = f"{record.msg} % {record.args!r}"
            template, record.args = redact_log_text(message), ()
        record.msg = template
    if record.stack_info:
        record.stack_info = redact_log_text(record.stack_info)


def redact_every_log_record() -> None:
    """Every log record the process makes, whichever logger makes it and
    whatever class of record the factory installed before returns, is
    redacted (``redacting``): every handler writes its message redacted,
    whatever the ini file's logging sections say.

    A filter on the ``seatshare`` and ``waitress`` loggers did not see what
    their children log (a logger's filters apply to its own records, not to
    those propagated from below: ``seatshare.views.…``, ``waitress.queue``),
    nor another library's records. Installed once per process, around any
    record factory installed before.

    Warnings (a library's deprecation, SQLAlchemy's) are logged too
    (``py.warnings``), redacted, where Python wrote them to stderr whole."""
    logging.captureWarnings(True)
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "redacts", False):
        return

    def make_redacted_record(*args, **kwargs):
        record = make_record(*args, **kwargs)
        redact_record(record)
        record.__class__ = redacting(type(record))
        return record

    make_redacted_record.redacts = True
    logging.setLogRecordFactory(make_redacted_record)
