"""Traversal resources for the HTML pages: ``/signin``, ``/signout``, ``/signup``."""
from ..resources import Resource, register_root_child


@register_root_child("signin")
class SignInPage(Resource):
    pass


@register_root_child("signout")
class SignOutPage(Resource):
    pass


@register_root_child("signup")
class SignUpPage(Resource):
    pass
