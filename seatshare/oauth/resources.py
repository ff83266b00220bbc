"""Traversal resources for the OAuth endpoints: ``/oauth/<name>`` and
``/.well-known/oauth-authorization-server``; the endpoints are named views."""
from ..resources import Resource, register_root_child


@register_root_child("oauth")
class OAuthRoot(Resource):
    """``/oauth``: authorization, token, revoke and introspect."""


@register_root_child(".well-known")
class WellKnown(Resource):
    """``/.well-known``: RFC 8414 metadata."""
