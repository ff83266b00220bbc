"""The OAuth 2.0 authorization server (section 2 of the API contract)."""
import logging

from .server import build_server


def includeme(config):
    # oauthlib logs grants and tokens (plain codes, refresh tokens) at DEBUG.
    # Secrets are never logged: its loggers stay at WARNING whatever the ini
    # file's root level, since they inherit this level.
    logging.getLogger("oauthlib").setLevel(logging.WARNING)
    config.add_request_method(build_server, "oauth_server", reify=True)
    config.scan(__name__)
