"""Traversal resources for the HTML pages: ``/signin``, ``/signout``,
``/signup`` and ``/password``."""
from pyramid.authorization import Allow, Authenticated

from ..permissions import Permission
from ..resources import Resource, register_root_child
from ..resources.lists import DENY_ALL


@register_root_child("signin")
class SignInPage(Resource):
    pass


@register_root_child("signout")
class SignOutPage(Resource):
    pass


@register_root_child("signup")
class SignUpPage(Resource):
    pass


@register_root_child("password")
class PasswordPage(Resource):
    """Change your password: whoever this browser signed in, nobody else.
    A browser that is not signed in goes to the sign-in page first, and
    back here after it (``views.sign_in_to_continue``)."""

    __acl__ = [(Allow, Authenticated, Permission.CHANGE_PASSWORD), DENY_ALL]
