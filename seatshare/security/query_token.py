"""RFC 6750 §2.3's ``?access_token=``, which SeatShare never reads
(API.md §1: a token in the query string is never accepted)."""
from ..errors.deny_by_default import is_exception_view
from ..errors.responses import APIError
from ..paths import is_api_request

QUERY_TOKEN_PARAMETER = "access_token"
QUERY_TOKEN_REFUSED = "is never read: send the token in the Authorization header only"


def refuse_token_in_query(view, info):
    """A view deriver inside Pyramid's ``secured_view``: an /api/ request
    with ``access_token`` in its query string is a 400 on every route, a
    record's as a list's (a list would refuse it as an unknown parameter, a
    record ignored it), after traversal's 401 and 404 and the permission's
    401 and 403 (API.md §1). Without a token in ``Authorization`` it is
    the 401 of a request that sent none: RFC 6750 §3.1 gives no error code
    for an authentication method the server does not support."""
    if is_exception_view(info):
        return view

    def token_in_query_refused(context, request):
        if is_api_request(request) and QUERY_TOKEN_PARAMETER in request.GET:
            raise APIError(400, fields={QUERY_TOKEN_PARAMETER: QUERY_TOKEN_REFUSED})
        return view(context, request)

    return token_in_query_refused


def includeme(config):
    config.add_view_deriver(refuse_token_in_query, under="secured_view", over="owrapped_view")
