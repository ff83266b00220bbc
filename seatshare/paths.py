"""Which requests are API requests: one answer for the security policy, the
error views, the body limit and the database session."""


def is_api_request(request) -> bool:
    # The raw WSGI path: request.path_info raises on a path that is not UTF-8,
    # and this runs for every response, error responses included.
    path = request.environ.get("PATH_INFO", "")
    return path == "/api" or path.startswith("/api/")
