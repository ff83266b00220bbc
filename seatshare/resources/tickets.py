"""``/api/v1/tickets`` (and ``/api/v1/ticket/ID``): tickets in your groups."""
import functools

from pyramid.authorization import Allow, Authenticated
from sqlalchemy import Integer, bindparam, func, or_, select

from .. import principals as p
from ..models import Event, Group, Ticket, by_code_point, this_second
from ..pagination import Bound, PagedQuery
from ..permissions import Permission
from ..schemas.types import MAX_ID
from ..security.policy import READ_METHODS
from ..services.group_locks import lock_group_of_ticket
from ..services.tickets import SEAT_FIELDS
from . import Parent, register_container
from .events import time_filter
from .lists import (
    DENY_ALL,
    ListContainer,
    body_id,
    event_filter_principal,
    group_filter_principal,
)
from .membership import active_group_ids, is_active_member_of

# A ticket's fields in the API, in order: views/tickets.py serializes one
# ticket, and ticket_list has the database write a list's.
TICKET_FIELDS = (
    "id",
    "group_id",
    "event_id",
    "owner_id",
    "assignee_id",
    "alias_id",
    "section",
    "row",
    "seat",
    "cost",
    "note",
    "created_at",
    "updated_at",
)


class TicketContext(Parent):
    """A ticket of an active group: members read it, owner and assignee change it
    (``services/tickets.py``: ``update_ticket``, ``delete_ticket``).

    Children: ``requests`` (resources/ticket_requests.py) and ``history``
    (resources/ticket_history.py).
    """

    children: dict[str, type] = {}

    def __init__(self, request, name, parent, ticket):
        super().__init__(request, name, parent)
        self.ticket = ticket

    def __acl__(self):
        ticket = self.ticket
        holders = [ticket.owner_id] + ([ticket.assignee_id] if ticket.assignee_id else [])
        return [
            *[(Allow, p.user(uid), (Permission.EDIT, Permission.DELETE)) for uid in holders],
            (Allow, p.group_member(ticket.group_id), Permission.VIEW),
            DENY_ALL,
        ]


def group_is_active(dbsession, group_id) -> bool:
    if not 1 <= group_id <= MAX_ID:
        return False  # no group has it; and PostgreSQL would refuse it (a 500)
    return dbsession.scalar(
        select(Group.id).where(Group.id == group_id, Group.active.is_(True))
    ) is not None


# A ticket of an active group, by id, and the same locking the ticket for a
# write: built once, as every request for one ticket sends one (building a
# statement and its cache key costs about what sending it does).
_TICKET = (
    select(Ticket)
    .join(Group, Group.id == Ticket.group_id)
    .where(Ticket.id == bindparam("ticket_id"), Group.active.is_(True))
)
_TICKET_FOR_UPDATE = _TICKET.with_for_update(of=Ticket)


@register_container("tickets", "ticket")
class TicketContainer(ListContainer):
    item_class = TicketContext
    filters = {"group_id": group_filter_principal, "event_id": event_filter_principal}
    granted = (Permission.LIST, Permission.CREATE)
    records_only_at = ("ticket",)

    def __acl__(self):
        if self.request.method != "POST":
            return super().__acl__()
        # POST /tickets: only a member of the body's group may add tickets
        # to it (403). A group that does not exist (or is inactive) is a
        # field error the view's validation reports (400), not a 404.
        group_id = body_id(self.request, "group_id")
        if group_id is None:
            return [(Allow, Authenticated, Permission.CREATE), DENY_ALL]
        member = p.group_member(group_id)
        if member in self.request.effective_principals:
            return [(Allow, member, Permission.CREATE), DENY_ALL]  # no query needed
        if group_is_active(self.request.dbsession, group_id):
            return [DENY_ALL]
        return [(Allow, Authenticated, Permission.CREATE), DENY_ALL]

    def load(self, ticket_id):
        stmt = _TICKET
        if self.request.method not in READ_METHODS:
            # Writers of one ticket take turns, so each starts from what the
            # last one left and its history entry's "before" is true. (On
            # SQLite, BEGIN IMMEDIATE already serializes writers.) The
            # group's lock comes first, as in every ticket write.
            lock_group_of_ticket(self.request.dbsession, ticket_id)
            stmt = _TICKET_FOR_UPDATE
        ticket = self.request.dbsession.scalar(stmt, {"ticket_id": ticket_id})
        if ticket is None:
            return None
        return TicketContext(self.request, str(ticket_id), self, ticket)

    def list_query(self, params):
        """The page's tickets, each as the text of its JSON object: a list
        needs their JSON, not ORM objects or Python values. The statement
        of each combination of filters is built once (``ticket_list``)."""
        query = ticket_list(
            params.get("owner") == "me",
            params.get("assignee") == "me",
            params.get("show"),
            "group_id" in params,
            "event_id" in params,
        )
        values = {"me": self.user_id, "now": this_second()}
        for name in ("group_id", "event_id"):
            if name in params:
                values[name] = params[name]
        return Bound(query, values)


_tickets, _events = Ticket.__table__, Event.__table__


@functools.cache
def ticket_list(owner_me, assignee_me, show, by_group, by_event) -> PagedQuery:
    """The tickets list for one combination of filters, each ticket the text
    of its JSON object (``TICKET_FIELDS``), with bound parameters
    ``me``, ``now``, ``group_id`` and ``event_id``: in the caller's active
    groups, by event time, then seat."""
    t = _tickets.c
    me = bindparam("me", type_=Integer)
    source = _tickets
    if by_group:
        # One group's tickets are tickets of its entity's events (a ticket is
        # created only for those, and neither a group's entity nor an event's
        # changes). Joined to those events only, PostgreSQL hashes them, a
        # season's worth, instead of looking up each ticket's event in turn,
        # and whatever plan it picks reads no other entity's events.
        group_id = bindparam("group_id", type_=Integer)
        source = _tickets.join(_events, _events.c.id == t.event_id)
        entity_id = select(Group.entity_id).where(Group.id == group_id).scalar_subquery()
        event_conditions = [_events.c.entity_id == entity_id]
        start_time = _events.c.start_time
        # The caller's membership, on the parameters: checked once, not per
        # ticket. It holds for every ticket of the list or for none, so the
        # total beside the page's rows (which passed it) leaves it out.
        membership = [is_active_member_of(me, group_id)]
        conditions = [t.group_id == group_id]
    else:
        # Each ticket's event time, looked up by the event's primary key. A
        # subquery, not a join: joined, PostgreSQL may walk the events in
        # time order hoping to meet the page's tickets early, which at a
        # million tickets read every event for some lists (44 ms instead of
        # 0.5). This way a page reads the list's own tickets, through the
        # filter's index, and no other rows.
        start_time = (
            select(_events.c.start_time)
            .where(_events.c.id == t.event_id)
            .correlate(_tickets)
            .scalar_subquery()
        )
        event_conditions = []
        membership = []
        conditions = [t.group_id.in_(active_group_ids(me))]
    if owner_me:
        conditions.append(t.owner_id == me)
    if assignee_me:
        conditions.append(t.assignee_id == me)
    if show is not None:
        # By event time, among the tickets you own or are assigned.
        conditions.append(or_(t.owner_id == me, t.assignee_id == me))
        conditions.append(time_filter(start_time, show, bindparam("now")))
    if by_event:
        conditions.append(t.event_id == bindparam("event_id", type_=Integer))
    stmt = (
        select(*(t[name] for name in TICKET_FIELDS))
        .select_from(source)
        .where(*conditions, *membership, *event_conditions)
    )
    order_by = (start_time, *(by_code_point(t[name]) for name in SEAT_FIELDS), t.id)
    if show is None:
        # No condition on an event's time: the count reads no events.
        total = select(func.count()).select_from(_tickets).where(*conditions)
    else:
        total = select(func.count()).select_from(source).where(*conditions, *event_conditions)
    return PagedQuery(stmt, count=total.where(*membership), total=total,
                      json_fields=TICKET_FIELDS, order_by=order_by)
