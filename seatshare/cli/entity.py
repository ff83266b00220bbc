"""``entity create``: a team whose schedule groups follow."""
from sqlalchemy import select

from ..models import Entity
from ..text import has_control_characters
from .base import CommandError, Outcome, add_command

MAX_NAME_LENGTH = 200


def register(groups):
    parser = groups.add_parser("entity", help="entities (teams)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    create_parser = add_command(commands, "create", create, "create an entity")
    create_parser.add_argument("--name", required=True)


def create(args, env):
    name = args.name.strip()
    if not name:
        raise CommandError("the name must not be blank")
    if has_control_characters(name):
        raise CommandError("the name must not contain control characters")
    if len(name) > MAX_NAME_LENGTH:
        raise CommandError(f"the name is longer than {MAX_NAME_LENGTH} characters")
    dbsession = env.dbsession
    existing = dbsession.scalar(select(Entity.id).where(Entity.name == name))
    if existing is not None:
        raise CommandError(f"an entity named {name!r} already exists (id {existing})")
    entity = Entity(name=name)
    dbsession.add(entity)
    dbsession.flush()
    return Outcome({"id": entity.id, "name": entity.name}, f"Created entity {entity.id}: {name}.")
