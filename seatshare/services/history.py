"""A ticket's history: who created, changed, assigned or deleted it, and when.

Every change to a ticket, through the API, the command line or a ticket
request, goes through ``record_ticket_change`` so the history is complete.
"""
import datetime
import decimal
import enum

from sqlalchemy import insert

from ..models import HistoryAction, TicketHistory

TRACKED_FIELDS = (
    "section",
    "row",
    "seat",
    "cost",
    "note",
    "assignee_id",
    "alias_id",
)


def jsonable(value):
    """A value as stored in ``changes``: money as "45.00", times in ISO 8601."""
    if isinstance(value, decimal.Decimal):
        return str(value.quantize(decimal.Decimal("0.01")))
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, enum.Enum):
        return value.value
    return value


def snapshot(ticket, fields=TRACKED_FIELDS) -> dict:
    return {name: getattr(ticket, name) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """``{"field": [old, new]}`` for each field whose value changed."""
    return {
        name: [jsonable(before[name]), jsonable(after[name])]
        for name in after
        if name in before and before[name] != after[name]
    }


def action_for(changes: dict) -> HistoryAction:
    """``assigned``/``unassigned`` when the assignee changed, else ``updated``."""
    if "assignee_id" in changes:
        new_assignee = changes["assignee_id"][1]
        return HistoryAction.ASSIGNED if new_assignee is not None else HistoryAction.UNASSIGNED
    return HistoryAction.UPDATED


def record_ticket_change(dbsession, ticket, actor_id, action, changes=None):
    """Add one history row for ``ticket``; ``changes`` is stored as given,
    with its values made JSON-safe."""
    entry = TicketHistory(**history_values(ticket, actor_id, action, changes))
    dbsession.add(entry)
    return entry


def record_ticket_changes(dbsession, entries) -> None:
    """Add a history row per ``(ticket, actor_id, action, changes)`` in one
    bulk INSERT, however many there are (a season ticket, a member leaving)."""
    rows = [history_values(*entry) for entry in entries]
    if rows:
        dbsession.execute(insert(TicketHistory), rows)


def history_values(ticket, actor_id, action, changes=None) -> dict:
    """The columns of one history row, for ``TicketHistory(**...)`` or a
    bulk ``insert(TicketHistory)`` of many."""
    return dict(
        ticket_id=ticket.id,
        group_id=ticket.group_id,
        actor_id=actor_id,
        action=HistoryAction(action),
        changes={
            key: [jsonable(v) for v in value] if isinstance(value, (list, tuple)) else jsonable(value)
            for key, value in (changes or {}).items()
        },
    )
