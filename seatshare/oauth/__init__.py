"""The OAuth 2.0 authorization server (section 2 of the API contract)."""
import logging

from pyramid.security import NO_PERMISSION_REQUIRED

from .server import build_server, token_methods


def quiet_oauthlib_loggers() -> None:
    """oauthlib logs grants and tokens (plain codes, refresh tokens) at
    DEBUG. Secrets are never logged: its loggers stay at WARNING whatever
    the ini file sets, for ``oauthlib`` or for any logger below it (such as
    ``oauthlib.oauth2``, which its grants' loggers would inherit from)."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.startswith("oauthlib."):
            logger.setLevel(logging.WARNING)
    logging.getLogger("oauthlib").setLevel(logging.WARNING)


def includeme(config):
    quiet_oauthlib_loggers()
    config.add_request_method(build_server, "oauth_server", reify=True)
    config.scan(__name__)
    # Dotted names: this package is imported by the modules views.py imports.
    config.add_view(
        "seatshare.oauth.views.token",
        context="seatshare.oauth.resources.OAuthRoot",
        name="token",
        request_method=token_methods(config.get_settings()),
        permission=NO_PERMISSION_REQUIRED,
    )
