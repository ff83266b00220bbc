"""The OAuth 2.0 authorization server's endpoints (API.md §2), one module a
subject: ``authorization`` (the HTML pages a person sees), ``protocol`` (the
token, revocation and introspection endpoints clients call), ``metadata``
(RFC 8414), and ``forms``, the form and query builders they share."""
from .authorization import HTML, authorization_paths
from .metadata import metadata_paths
from .protocol import protocol_paths

__all__ = ["HTML", "oauth_paths"]


def oauth_paths() -> dict:
    return {**authorization_paths(), **protocol_paths(), **metadata_paths()}
