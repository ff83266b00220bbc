"""Which requests are API requests: one answer for the security policy, the
error views, the body limit and the database session; and paths fit for a log."""
import logging
import re

# Paths whose segment after the prefix is a password: a calendar feed's
# token, a password-reset link.
SECRET_PATH_RE = re.compile(r"^(/calendar/[^/]+/|/password-reset/)[^/]+")
# In a log message: the value of a query parameter that carries a secret (the
# seed's GET /oauth/token sends the client's secret, the code and the PKCE
# verifier in the query string), and any run of 64 hex digits: every token,
# code, client secret, feed token and reset-link HMAC SeatShare hands out is
# one, wherever it stands (a URL, a path, a traversal's tuple of names).
SECRET_PARAM_RE = re.compile(
    r"((?:^|[?&;])(?:client_secret|code|code_verifier|refresh_token|access_token|token)=)"
    r"[^&;#\s'\"]*"
)
HEX_SECRET_RE = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")


def is_api_request(request) -> bool:
    # The raw WSGI path: request.path_info raises on a path that is not UTF-8,
    # and this runs for every response, error responses included.
    path = request.environ.get("PATH_INFO", "")
    return path == "/api" or path.startswith("/api/")


def redact_secrets(path: str) -> str:
    """``path`` fit for a log: the secret a feed URL or a reset link carries
    is replaced by ``[token]``."""
    return SECRET_PATH_RE.sub(r"\1[token]", path)


def redact_log_text(text: str) -> str:
    """``text``, a log message naming URLs, with the secrets they carry
    replaced by ``[token]``."""
    return HEX_SECRET_RE.sub("[token]", SECRET_PARAM_RE.sub(r"\1[token]", text))


class RedactingLogger(logging.LoggerAdapter):
    """Pyramid's debug logger: ``pyramid.debug_authorization`` logs every
    view's URL with its query, ``pyramid.debug_notfound`` every 404's and
    its traversal; each message is redacted before it is logged."""

    def process(self, msg, kwargs):
        return redact_log_text(str(msg)), kwargs


def debug_logger(package: str) -> RedactingLogger:
    """The logger Pyramid's debugging settings write to: the package's own
    (as Pyramid's default), redacted."""
    return RedactingLogger(logging.getLogger(package))


class RedactingFilter(logging.Filter):
    """For a logger that is not ours: each record's message, redacted."""

    def filter(self, record):
        record.msg, record.args = redact_log_text(record.getMessage()), None
        return True


# waitress logs the path a client sent when it loses the client or catches
# an error itself ("Client disconnected while serving PATH").
WAITRESS_FILTER = RedactingFilter()


def redact_waitress_log() -> None:
    logging.getLogger("waitress").addFilter(WAITRESS_FILTER)  # once: a filter is kept once
