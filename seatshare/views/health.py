import logging
import threading

from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ..errors import json_error
from ..models.revision import schema_behind
from ..resources import Root

log = logging.getLogger(__name__)

# The registry's key for why /healthz last answered 503 (None: it answered 200).
LAST_503 = "seatshare.healthz_last_503"
_logging_change = threading.Lock()


@view_config(
    context=Root,
    name="healthz",
    request_method=("GET", "HEAD"),
    renderer="json",
    permission=NO_PERMISSION_REQUIRED,
)
def healthz(request):
    """200 after one query; 503 when the database's schema is behind this
    code's (``schema_behind``); a database error becomes the 503 view."""
    behind = schema_behind(request.dbsession, request.registry)
    detail = behind.pop("detail") if behind else None
    log_change(request.registry, detail)
    if behind is None:
        return {"status": "ok"}
    return json_error(request, 503, detail, extra=behind)


def log_change(registry, detail: str | None):
    """Log the answer when it changes, not on every call: a load balancer
    asks every few seconds, and the schema stays behind until someone runs
    ``db upgrade``. A 503 is a warning; the 200 after it, INFO."""
    if registry.get(LAST_503) == detail:
        return
    with _logging_change:  # two probes at once: one line
        previous = registry.get(LAST_503)
        if previous == detail:
            return
        registry[LAST_503] = detail
    if detail is None:
        log.info("/healthz answers 200 again (it answered 503: %s)", previous)
    else:
        log.warning("/healthz answers 503: %s", detail)
