import logging

from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ..errors import json_error
from ..models.revision import schema_behind
from ..resources import Root

log = logging.getLogger(__name__)


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
    if behind is None:
        return {"status": "ok"}
    detail = behind.pop("detail")
    log.warning("/healthz answers 503: %s", detail)
    return json_error(request, 503, detail, extra=behind)
