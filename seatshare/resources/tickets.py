"""``/api/v1/tickets`` (and ``/api/v1/ticket``): tickets in your groups."""
from pyramid.authorization import Allow
from sqlalchemy import or_, select

from .. import principals as p
from ..errors import APIError
from ..models import Event, Group, HistoryAction, Membership, Ticket, UserAlias
from ..permissions import Permission
from ..services.history import action_for, diff, record_ticket_change, snapshot
from . import Resource, register_container
from .events import time_filter
from .lists import DENY_ALL, ListContainer, event_filter_principal, group_filter_principal
from .membership import active_group_ids

SEAT_FIELDS = ("section", "row", "seat")


class TicketContext(Resource):
    """A ticket of an active group: members read it, owner and assignee change it."""

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

    def update(self, changes: dict, actor_id: int):
        """Apply a validated partial update, or raise a 400 and change nothing."""
        ticket = self.ticket
        before = snapshot(ticket)
        after = {**before, **changes}
        if "assignee_id" in changes and changes["assignee_id"] != before["assignee_id"]:
            # A new assignee brings their own alias, or none.
            after["alias_id"] = changes.get("alias_id")
        fields = self.invalid_fields(changes, after)
        if fields:
            raise APIError(400, fields=fields)
        for name, value in after.items():
            setattr(ticket, name, value)
        changed = diff(before, after)
        if changed:
            record_ticket_change(
                self.request.dbsession, ticket, actor_id, action_for(changed), changed
            )
            self.request.dbsession.flush()
        return ticket

    def invalid_fields(self, changes, after) -> dict:
        dbsession = self.request.dbsession
        fields = {}
        if not any(after[name].strip() for name in SEAT_FIELDS):
            for name in SEAT_FIELDS:
                if name in changes:
                    fields[name] = "at least one of section, row and seat must not be blank"
        assignee_id = after["assignee_id"]
        if changes.get("assignee_id") is not None:
            member = dbsession.scalar(
                select(Membership.id).where(
                    Membership.group_id == self.ticket.group_id,
                    Membership.user_id == assignee_id,
                )
            )
            if member is None:
                fields["assignee_id"] = "must be a member of the ticket's group"
        if changes.get("alias_id") is not None:
            owner_id = dbsession.scalar(
                select(UserAlias.user_id).where(UserAlias.id == changes["alias_id"])
            )
            if assignee_id is None or owner_id != assignee_id:
                fields["alias_id"] = "must be an alias of the ticket's assignee"
        return fields

    def delete(self, actor_id: int):
        dbsession = self.request.dbsession
        record_ticket_change(
            dbsession, self.ticket, actor_id, HistoryAction.DELETED, snapshot(self.ticket)
        )
        dbsession.delete(self.ticket)
        dbsession.flush()


@register_container("tickets", "ticket")
class TicketContainer(ListContainer):
    filters = {"group_id": group_filter_principal, "event_id": event_filter_principal}

    def load(self, ticket_id):
        ticket = self.request.dbsession.scalar(
            select(Ticket)
            .join(Group, Group.id == Ticket.group_id)
            .where(Ticket.id == ticket_id, Group.active.is_(True))
        )
        if ticket is None:
            return None
        return TicketContext(self.request, str(ticket_id), self, ticket)

    def list_query(self, params):
        me = self.user_id
        stmt = (
            select(Ticket)
            .join(Event, Event.id == Ticket.event_id)
            .where(Ticket.group_id.in_(active_group_ids(me)))
        )
        if params.get("owner") == "me":
            stmt = stmt.where(Ticket.owner_id == me)
        if params.get("assignee") == "me":
            stmt = stmt.where(Ticket.assignee_id == me)
        if "show" in params:
            # By event time, among the tickets you own or are assigned.
            stmt = stmt.where(
                or_(Ticket.owner_id == me, Ticket.assignee_id == me),
                time_filter(Event.start_time, params["show"]),
            )
        if "group_id" in params:
            stmt = stmt.where(Ticket.group_id == params["group_id"])
        if "event_id" in params:
            stmt = stmt.where(Ticket.event_id == params["event_id"])
        return stmt.order_by(
            Event.start_time, Ticket.section, Ticket.row, Ticket.seat, Ticket.id
        )
