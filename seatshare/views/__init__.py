"""The JSON API views and /healthz: thin, one module per resource.

A view is declared on a traversal context with the permission the context's
``__acl__`` must grant, validates its input with ``seatshare.schemas`` and
returns a dict for the JSON renderer::

    @view_config(context=TicketContext, request_method="PUT",
                 permission=Permission.EDIT, renderer="json")
    def update(context, request):
        changes = validate_body(request, TicketUpdate(), READ_ONLY)
        return ticket_json(update_ticket(request, context, changes))
"""
from pyramid.response import Response

from ..pagination import paginate
from ..renderers import JSONText, json_array
from ..schemas import validate_query


class ResourceViews:
    """Base of a resource's view class: ``self.context``, ``self.request``."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def list_page(self, query_schema, serialize) -> list:
        """The container's list: validate the query, run the container's
        ``list_query`` for one page, serialize each row."""
        return [serialize(row) for row in self.page_rows(query_schema)]

    def json_list_page(self, query_schema) -> JSONText:
        """``list_page`` of a list whose query selects each row as the text
        of its JSON object (``seatshare.sqljson``)."""
        return json_array(self.page_rows(query_schema))

    def page_rows(self, query_schema) -> list:
        params = validate_query(self.request, query_schema)
        return paginate(self.request, self.context.list_query(params), params)


def no_content() -> Response:
    """``204 No Content``: no body and no Content-Type."""
    response = Response(status=204)
    response.content_type = None
    return response


def created(request, location: str):
    """Mark ``request.response`` as ``201 Created`` at ``location``."""
    request.response.status = 201
    request.response.location = location


def includeme(config):
    config.scan(__name__)
