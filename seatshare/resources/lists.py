"""Containers whose list a filter may narrow to one record (``?group_id=``).

When the request reads the list itself (not a record below it, nor a write,
which ignore a query's filters as any other parameter), the filtered record
is loaded while the container is built, so the order of checks is the
contract's: 401 (no identity: nothing is loaded, the ACL denies),
then 404 (the record named does not exist), then 403 (the ACL grants LIST only
to the principal that may see that record), then 400 (the view's schema). A
filter value that is not an id is left alone here; the schema refuses it.
"""
import decimal

from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Deny, Everyone

from .. import principals as p
from ..models import Event, Group
from ..permissions import Permission
from ..errors import APIError
from ..schemas import json_object
from ..schemas.types import MAX_ID, INTEGER_RE, record_id
from . import Container

DENY_ALL = (Deny, Everyone, ALL_PERMISSIONS)
# The methods that read a list (OPTIONS, which no list takes, is a 405).
LIST_READS = frozenset({"GET", "HEAD"})


def filter_id(request, name) -> int | None:
    """``?name=ID`` as an int, or None when absent, repeated or not an
    integer (the view's schema answers 400). An integer no record can have
    (0, -1, 2147483648) names no record: KeyError, a 404 (API.md §1), as in
    a path."""
    values = request.GET.getall(name)
    if len(values) != 1 or not INTEGER_RE.match(values[0]):
        return None
    return record_id(values[0])


def body_id(request, name) -> int | None:
    """The integer ``name`` of a POST's JSON body, or None.

    For an ACL that depends on the record a body names (``user_id`` of a new
    alias, ``group_id`` of a new ticket); anything that is not an id is left
    to the view's schema, which answers 400.
    """
    if request.method != "POST":
        return None
    value = body_value(request, name)
    if isinstance(value, decimal.Decimal) and value.is_finite() and value == value.to_integral_value():
        # 1.0 and 1e0 are the id 1 to JSON and to the schema (JSONInt), so
        # the ACL must read them as 1 too. Out of range (never int() of
        # 1e999999, which would build its digits) it names no record: 0.
        value = int(value) if 1 <= value <= MAX_ID else 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def body_value(request, name):
    """``name`` of the request's JSON body as sent, or None (no such key, or
    no JSON object: the view's schema answers that with a 400)."""
    try:
        return json_object(request).get(name)
    except APIError:
        return None


def group_filter_principal(request, group_id) -> str:
    """The principal that may see group ``group_id``; KeyError (404) if none."""
    principal = p.group_member(group_id)
    if principal in request.effective_principals:
        return principal  # a member's group exists and is active: no query
    group = request.dbsession.get(Group, group_id)
    if group is None or not group.active:
        raise KeyError(group_id)
    return principal


def event_filter_principal(request, event_id) -> str:
    event = request.dbsession.get(Event, event_id)
    if event is None:
        raise KeyError(event_id)
    return p.entity_follower(event.entity_id)


class ListContainer(Container):
    """A container that is also its list's context.

    ``filters`` maps a query parameter to a function returning the principal
    that may see the record it names. ``granted`` are the permissions every
    signed-in user has on the unfiltered container (LIST, and CREATE where a
    container accepts POST).
    """

    filters: dict = {}
    granted: tuple = (Permission.LIST,)

    def __init__(self, request, name="", parent=None):
        super().__init__(request, name, parent)
        self.filter_ids = {}
        self.filter_principals = []
        if request.identity is None or not self.is_list_read():
            return
        for param, principal_for in self.filters.items():
            record_id = filter_id(request, param)
            if record_id is not None:
                self.filter_ids[param] = record_id
                self.filter_principals.append(principal_for(request, record_id))

    def is_list_read(self) -> bool:
        """Whether the request reads this list: its filters narrow nothing
        else, so a record below it (``/ticket/5?group_id=9``) or a write
        (``POST /tickets?group_id=9``) ignores them, as any query there."""
        return self.request.method in LIST_READS and not self.path_from_child()

    @property
    def user_id(self):
        return self.request.identity.user_id

    def __acl__(self):
        if not self.filter_principals:
            return [(Allow, Authenticated, self.granted), DENY_ALL]
        if len(self.filter_principals) == 1:
            return [(Allow, self.filter_principals[0], Permission.LIST), DENY_ALL]
        # Filters combine, and so do their restrictions: an ACL entry names
        # one principal, so several filters are granted together only to a
        # caller who holds the principal of every record they name.
        held = self.request.effective_principals
        if all(principal in held for principal in self.filter_principals):
            return [(Allow, Authenticated, Permission.LIST), DENY_ALL]
        return [DENY_ALL]
