from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config
from sqlalchemy import text

from ..resources import Root


@view_config(
    context=Root,
    name="healthz",
    request_method=("GET", "HEAD"),
    renderer="json",
    permission=NO_PERMISSION_REQUIRED,
)
def healthz(request):
    """200 after a trivial query; a database error becomes the 503 view."""
    request.dbsession.execute(text("SELECT 1"))
    return {"status": "ok"}
