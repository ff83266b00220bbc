"""``entity create``, ``entity list``: teams whose schedules groups follow."""
from sqlalchemy import func, select

from ..models import Entity, Event
from ..services.entities import entity_named
from ..text import checked_name
from .base import CommandError, Outcome

MAX_NAME_LENGTH = 200


def register(groups):
    commands = groups.add_group("entity", help="entities (teams)")
    create_parser = commands.add_command("create", create, "create an entity")
    create_parser.add_argument(
        "--name", required=True, help="the team's name (unique), as GET /api/v1/entities lists it"
    )
    commands.add_command("list", list_,
                         "list the entities: the id schedule import asks for, and how many events")


def create(args, env):
    try:
        name = checked_name(args.name, MAX_NAME_LENGTH)
    except ValueError as error:
        raise CommandError(str(error)) from None
    dbsession = env.dbsession
    existing = entity_named(dbsession, name)
    if existing is not None:
        raise CommandError(
            f"an entity named {existing.name!r} already exists (id {existing.id})")
    entity = Entity(name=name)
    dbsession.add(entity)
    dbsession.flush()
    return Outcome({"id": entity.id, "name": entity.name}, f"Created entity {entity.id}: {name}.")


def list_(args, env):
    query = (
        select(Entity.id, Entity.name, func.count(Event.id))
        .outerjoin(Event, Event.entity_id == Entity.id)
        .group_by(Entity.id, Entity.name)
        .order_by(Entity.id)
    )
    entities = [{"id": id_, "name": name, "events": events}
                for id_, name, events in env.dbsession.execute(query)]
    lines = [f"{e['id']}  {e['name']}  ({e['events']} event{'' if e['events'] == 1 else 's'})"
             for e in entities]
    return Outcome({"entities": entities},
                   "\n".join(lines) or "No entities yet: create one with entity create.")
