"""The traversal tree: root → api → v1 → containers → contexts.

A container looks a record up and raises ``KeyError`` when there is none, so
traversal answers 404. Containers under ``/api/v1`` first demand a token: a
caller without one learns nothing about which ids exist (401 before 404).
"""
import re

from pyramid.httpexceptions import HTTPForbidden, HTTPNotFound
from pyramid.traversal import ResourceTreeTraverser, lineage, split_path_info

from ..paths import is_api_request, is_program_path
from ..route_views import views_named
from ..schemas.types import record_id


class Traverser(ResourceTreeTraverser):
    """Pyramid's traverser without its ``@@`` view selector, which no URL
    here uses: it made ``/api/v1/user_aliases/@@`` serve the list and
    ``/api/v1/ticket/ID/@@/anything`` the ticket, where an unknown route is
    a 404 (API.md §1). A segment starting ``@@`` is now looked up like any
    other, and found nowhere."""

    VIEW_SELECTOR = object()  # equal to no segment

    def __call__(self, request):
        """Traversal, and a 404 for an API path it resolves that is no route
        (API.md §1: with or without a token), before a container or a view's
        permission asks an anonymous caller for one."""
        api = is_api_request(request)
        exact = api or is_program_path(request)
        # Pyramid's traversal skips empty segments, which served
        # /api/v1/tickets/ and /api/v1//tickets as /api/v1/tickets, and
        # /oauth/token/ as /oauth/token.
        if exact and "" in request.path_info.split("/")[1:]:
            raise HTTPNotFound()
        info = super().__call__(request)
        context = info["context"]
        # /groups/join/nope, /oauth/token/nope: traversal hands "nope" to
        # the view as its subpath, and none of these views takes one.
        if exact and info["subpath"]:
            raise HTTPNotFound()
        if isinstance(context, Container) and context.__name__ in context.records_only_at:
            raise HTTPNotFound()  # /api/v1/ticket: no list, no POST there
        return info


def includeme(config):
    config.add_traverser(Traverser)


class Resource:
    __name__ = ""
    __parent__ = None

    def __init__(self, request, name="", parent=None):
        self.request = request
        self.__name__ = name
        self.__parent__ = parent


class Parent(Resource):
    """A resource with named children: the root, ``/api/v1``, and records
    with sub-resources (``/groups/ID/members``).

    Each subclass declares its own ``children = {}``; modules that serve a
    child register it with ``@register_child(GroupContext, "members")``.
    """

    children: dict[str, type] = {}

    def __getitem__(self, name):
        child = self.children.get(name)
        if child is None:
            raise KeyError(name)
        return child(self.request, name, self)


def register_child(parent: type, *names):
    """Class decorator: serve this resource at ``<parent>/<name>``."""

    def decorate(cls):
        for name in names:
            parent.children[name] = cls
        return cls

    return decorate


class Root(Parent):
    """``/``: the HTML pages, the OAuth endpoints and ``/healthz`` hang here.

    Children register with ``@register_root_child("oauth")``; views that need
    no child resource (``/healthz``) are named views on the Root itself.
    """

    children: dict[str, type] = {}


def register_root_child(*names):
    """Class decorator: serve this resource at ``/<name>``."""
    return register_child(Root, *names)


@register_root_child("api")
class ApiRoot(Resource):
    def __getitem__(self, name):
        if name == "v1":
            return V1(self.request, name, self)
        raise KeyError(name)


class V1(Parent):
    """``/api/v1``. Containers register themselves in ``children`` by name."""

    children: dict[str, type] = {}


def register_container(*names):
    """Class decorator: serve this container at ``/api/v1/<name>``."""
    return register_child(V1, *names)


INTEGER_RE = re.compile(r"[+-]?[0-9]+")


def names_view(registry, resource_class, name) -> bool:
    """Whether a view named ``name`` is declared for ``resource_class``."""
    return bool(views_named(registry, resource_class, name))


def is_route_below(registry, resource_class, segments) -> bool:
    """Whether ``segments`` below a resource of ``resource_class`` name a
    route, every integer taken for an id that exists: each segment is a
    child resource, a named view (the last segment), or, below a container,
    an id of its ``item_class``."""
    for position, name in enumerate(segments):
        if resource_class is None:
            return False
        if names_view(registry, resource_class, name):
            return position == len(segments) - 1
        if issubclass(resource_class, Container):
            resource_class = resource_class.named_items.get(name) or (
                resource_class.item_class if INTEGER_RE.fullmatch(name) else None)
        else:
            resource_class = getattr(resource_class, "children", {}).get(name)
    return resource_class is not None


def is_id(key) -> bool:
    return isinstance(key, str) and key.isascii() and key.isdigit()


def parse_id(key) -> int:
    """A path segment as a record id; anything else is a 404."""
    if not is_id(key):
        raise KeyError(key)
    return record_id(key)


class Container(Resource):
    """A collection under ``/api/v1``: the list view's context.

    Subclasses implement ``load(id)`` returning a context or None.
    """

    #: The context class ``load`` returns (None: nothing is addressed below
    #: the list). With it, an anonymous request for a path below an item is
    #: told 401 when that route exists and 404 when it does not
    #: (``/tickets/1/nope``); neither says whether the id exists.
    item_class: type | None = None
    #: Items addressed by a name rather than an id (``/users/me``): name →
    #: context class, for the same 401-or-404 answer to anonymous requests.
    named_items: dict[str, type] = {}
    #: Names this container is also registered at for its records only
    #: (``/ticket/ID`` beside ``/tickets/ID``): there the container itself,
    #: its list and its POST, is no route.
    records_only_at: tuple[str, ...] = ()
    #: The permission a caller must hold on this container (its ACL alone)
    #: to reach a record below it; None: no such gate. ``recheck_permission``
    #: checks it again, as part of the permission a record below is used with.
    gate_permission = None

    def __getitem__(self, key):
        if self.request.identity is None:
            self.refuse_anonymous(key)
        # A key that is no id is a named view of the container, or a 404.
        context = self.load(parse_id(key))
        if context is None:
            raise KeyError(key)
        return context

    def refuse_anonymous(self, key):
        """401 for any path that may be a record or below one (API.md: 401
        before 404), however deep; 404 for a path that is no route whatever
        the ids (``/groups/1/members/2/nope``); and a named view of the
        container (``/groups/join``) is left to that view's permission."""
        if names_view(self.request.registry, type(self), key) or not is_route_below(
            self.request.registry, type(self), self.path_from_child()
        ):
            raise KeyError(key)
        raise HTTPForbidden()  # the forbidden view answers 401

    def path_from_child(self) -> list[str]:
        """The request path's segments from this container's child on."""
        return split_path_info(self.request.path_info)[len(list(lineage(self))) - 1:]

    def load(self, record_id):
        raise NotImplementedError
