"""``GET /api/v1/openapi.json``: the API's OpenAPI 3.1 document (public)."""
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ..openapi import document
from ..resources import V1


@view_config(
    context=V1,
    name="openapi.json",
    request_method="GET",
    renderer="json",
    permission=NO_PERMISSION_REQUIRED,
)
def openapi_document(request):
    return document()
