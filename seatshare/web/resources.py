"""Traversal resources for the HTML pages: ``/signin``, ``/signout``,
``/signup``, ``/password``, ``/apps`` and ``/calendars``."""
from pyramid.authorization import Allow, Authenticated, Everyone

from ..permissions import Permission
from ..resources import Resource, parse_id, register_root_child
from ..resources.authorizations import AuthorizationContext, authorization
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


class LinkCredential(Resource):
    """A page whose URL is the credential (a link mailed to an address):
    whoever holds a valid one is granted ``permission``, signed in or not.
    ``found`` is what the link is for; None when it is not valid, and
    nobody is granted anything. ``why`` it is not, for the page that says
    so (``pages.link_refused``): ``"damaged"`` (not a link SeatShare made:
    cut short or changed), ``"expired"``, ``"used"`` or ``"gone"`` (no
    longer known: used or expired, then purged)."""

    permission: Permission

    def __init__(self, request, name, parent, found, why=None):
        super().__init__(request, name, parent)
        self.found = found
        self.why = why

    def __acl__(self):
        if self.found is None:
            return [DENY_ALL]
        return [(Allow, Everyone, self.permission), DENY_ALL]


class SignedInPage(Resource):
    """A page for the browser's signed-in user only. A browser that is not
    signed in goes to the sign-in page first, and back here after it
    (``views.sign_in_to_continue``)."""


@register_root_child("password")
class PasswordPage(SignedInPage):
    """Change your password: whoever this browser signed in, nobody else."""

    __acl__ = [(Allow, Authenticated, Permission.CHANGE_PASSWORD), DENY_ALL]


@register_root_child("apps")
class ConnectedAppsPage(SignedInPage):
    """The applications you approved, each with a Disconnect button: the
    API's ``/authorizations`` for people rather than programs."""

    __acl__ = [(Allow, Authenticated, Permission.LIST), DENY_ALL]

    def __getitem__(self, key):
        identity = self.request.identity
        if identity is None:
            # Nobody to look the application up for: sign in first.
            return ConnectedApp(self.request, key, self, None, None)
        row = authorization(self.request.dbsession, identity.user_id, parse_id(key))
        return ConnectedApp(self.request, key, self, row, identity.user_id)


class ConnectedApp(SignedInPage, AuthorizationContext):
    """``/apps/ID``: one of your applications, which only you may disconnect;
    ``row`` is None when no application of yours has that id (not one you
    approved, or disconnected already: a second click of Disconnect)."""


@register_root_child("calendars")
class CalendarsPage(SignedInPage):
    """Your calendar feed URLs, and making new ones (the old stop working)."""

    __acl__ = [(Allow, Authenticated, (Permission.VIEW, Permission.EDIT)), DENY_ALL]
