"""tickets: a ticket's event is one of its group's entity's, kept by triggers

``POST /tickets`` refuses an event of another entity with a 400; from now
on the database refuses it too. A CHECK reads one row and no foreign key
joins a ticket's group and event through their entities, so triggers keep
it: on a ticket's insert or change of group or event, and on a change of
the entity of an event or a group that has tickets.

Before it creates them, the upgrade reads the tickets they would refuse:
any there stops it with a message naming them, having changed nothing
(PostgreSQL rolls the whole upgrade back; SQLite stays at 0011). No fix
is safe (is the event wrong, or the group?).

SQLite drops a table's triggers with the table: a later migration that
copies tickets, events or groups (batch mode) must create them again
(tests/test_migrations.py compares the triggers with the models'). The
statements are a copy of ``seatshare.models.triggers`` as of this
revision: a migration does not change when the models do.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 19:00:00.000000
"""
from alembic import op, util
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

REFUSED = "the event of a ticket must be one of the events of the entity of its group"

SQLITE = (
    f"""CREATE TRIGGER tr_tickets_event_of_group_entity_insert BEFORE INSERT ON tickets
WHEN (SELECT entity_id FROM events WHERE id = NEW.event_id)
  IS NOT (SELECT entity_id FROM groups WHERE id = NEW.group_id)
BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
    f"""CREATE TRIGGER tr_tickets_event_of_group_entity_update
BEFORE UPDATE OF group_id, event_id ON tickets
WHEN (SELECT entity_id FROM events WHERE id = NEW.event_id)
  IS NOT (SELECT entity_id FROM groups WHERE id = NEW.group_id)
BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
    f"""CREATE TRIGGER tr_events_entity_of_tickets BEFORE UPDATE OF entity_id ON events
WHEN EXISTS (SELECT 1 FROM tickets JOIN groups ON groups.id = tickets.group_id
  WHERE tickets.event_id = NEW.id AND groups.entity_id IS NOT NEW.entity_id)
BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
    f"""CREATE TRIGGER tr_groups_entity_of_tickets BEFORE UPDATE OF entity_id ON groups
WHEN EXISTS (SELECT 1 FROM tickets JOIN events ON events.id = tickets.event_id
  WHERE tickets.group_id = NEW.id AND events.entity_id IS NOT NEW.entity_id)
BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
)

# check_violation (23514): the driver raises an IntegrityError, as for a CHECK.
POSTGRESQL = (
    f"""CREATE FUNCTION tickets_event_of_group_entity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT entity_id FROM events WHERE id = NEW.event_id)
     IS DISTINCT FROM (SELECT entity_id FROM groups WHERE id = NEW.group_id) THEN
    RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$""",
    """CREATE TRIGGER tr_tickets_event_of_group_entity
BEFORE INSERT OR UPDATE OF group_id, event_id ON tickets
FOR EACH ROW EXECUTE FUNCTION tickets_event_of_group_entity()""",
    f"""CREATE FUNCTION events_entity_of_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM tickets JOIN groups ON groups.id = tickets.group_id
             WHERE tickets.event_id = NEW.id AND groups.entity_id <> NEW.entity_id) THEN
    RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$""",
    """CREATE TRIGGER tr_events_entity_of_tickets BEFORE UPDATE OF entity_id ON events
FOR EACH ROW EXECUTE FUNCTION events_entity_of_tickets()""",
    f"""CREATE FUNCTION groups_entity_of_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM tickets JOIN events ON events.id = tickets.event_id
             WHERE tickets.group_id = NEW.id AND events.entity_id <> NEW.entity_id) THEN
    RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$""",
    """CREATE TRIGGER tr_groups_entity_of_tickets BEFORE UPDATE OF entity_id ON groups
FOR EACH ROW EXECUTE FUNCTION groups_entity_of_tickets()""",
)


DROP_SQLITE = (
    'DROP TRIGGER tr_tickets_event_of_group_entity_insert',
    'DROP TRIGGER tr_tickets_event_of_group_entity_update',
    'DROP TRIGGER tr_events_entity_of_tickets',
    'DROP TRIGGER tr_groups_entity_of_tickets',
)
DROP_POSTGRESQL = (
    'DROP TRIGGER tr_tickets_event_of_group_entity ON tickets',
    'DROP TRIGGER tr_events_entity_of_tickets ON events',
    'DROP TRIGGER tr_groups_entity_of_tickets ON groups',
    'DROP FUNCTION tickets_event_of_group_entity()',
    'DROP FUNCTION events_entity_of_tickets()',
    'DROP FUNCTION groups_entity_of_tickets()',
)
# How many ids the message names before "and N more".
SHOWN = 20


def upgrade():
    bind = op.get_bind()
    at_fault = bind.execute(sa.text(
        'SELECT tickets.id FROM tickets JOIN events ON events.id = tickets.event_id'
        ' JOIN groups ON groups.id = tickets.group_id'
        ' WHERE events.entity_id <> groups.entity_id ORDER BY tickets.id')).scalars().all()
    if at_fault:
        shown = ', '.join(str(ticket_id) for ticket_id in at_fault[:SHOWN])
        if len(at_fault) > SHOWN:
            shown += f' and {len(at_fault) - SHOWN} more'
        raise util.CommandError(
            f'migration 0012 changed nothing: tickets {shown} are for an event of another '
            "entity than their group's: move each to an event of its group's entity or "
            'delete it, then upgrade again')
    for statement in SQLITE if bind.dialect.name == 'sqlite' else POSTGRESQL:
        op.execute(statement)


def downgrade():
    for statement in DROP_SQLITE if op.get_bind().dialect.name == 'sqlite' else DROP_POSTGRESQL:
        op.execute(statement)
