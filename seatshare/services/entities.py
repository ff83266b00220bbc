"""Entities (teams) looked up by name."""
from sqlalchemy import func, select

from ..models import Entity


def entity_named(dbsession, name):
    """The entity of that name in any case, or None: "riverside rovers"
    beside "Riverside Rovers" would be a second team for groups to pick,
    each with half the schedule."""
    return dbsession.scalar(select(Entity).where(func.lower(Entity.name) == func.lower(name)))
