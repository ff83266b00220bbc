"""Which requests are API requests: one answer for the security policy, the
error views, the body limit and the database session; and paths fit for a log."""
import re

# Paths whose segment after the prefix is a password: a calendar feed's
# token, a password-reset link.
SECRET_PATH_RE = re.compile(r"^(/calendar/[^/]+/|/password-reset/)[^/]+")


def is_api_request(request) -> bool:
    # The raw WSGI path: request.path_info raises on a path that is not UTF-8,
    # and this runs for every response, error responses included.
    path = request.environ.get("PATH_INFO", "")
    return path == "/api" or path.startswith("/api/")


def redact_secrets(path: str) -> str:
    """``path`` fit for a log: the secret a feed URL or a reset link carries
    is replaced by ``[token]``."""
    return SECRET_PATH_RE.sub(r"\1[token]", path)
