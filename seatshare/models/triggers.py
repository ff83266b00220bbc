"""The one rule kept by triggers: a ticket's event is one of the events of
its group's entity (``POST /tickets`` refuses any other with a 400).

A CHECK reads one row, and no foreign key joins a ticket's group and event
through their entities; so the database keeps it with triggers, on a
ticket's insert or change of group or event, and on a change of the
entity of an event or a group that has tickets. Migration 0012 creates
them (and ``metadata.create_all``, through the DDL events below).

SQLite drops a table's triggers with the table: a later migration that
copies tickets, events or groups (batch mode) must create these again.
"""
from sqlalchemy import DDL, event

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
    f"""CREATE OR REPLACE FUNCTION tickets_event_of_group_entity() RETURNS trigger LANGUAGE plpgsql AS $$
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
    f"""CREATE OR REPLACE FUNCTION events_entity_of_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM tickets JOIN groups ON groups.id = tickets.group_id
             WHERE tickets.event_id = NEW.id AND groups.entity_id <> NEW.entity_id) THEN
    RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$""",
    """CREATE TRIGGER tr_events_entity_of_tickets BEFORE UPDATE OF entity_id ON events
FOR EACH ROW EXECUTE FUNCTION events_entity_of_tickets()""",
    f"""CREATE OR REPLACE FUNCTION groups_entity_of_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
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


# Dropping a table drops its triggers, not the functions they ran.
DROP_POSTGRESQL = tuple(
    f"DROP FUNCTION IF EXISTS {name}()"
    for name in ("tickets_event_of_group_entity", "events_entity_of_tickets",
                 "groups_entity_of_tickets")
)


def create_with(table):
    """Create the triggers after ``table`` (the last of the three), on
    ``metadata.create_all``; and drop PostgreSQL's functions once
    ``metadata.drop_all`` has dropped the tables (the benchmarks' rebuild).
    Their ``CREATE OR REPLACE`` takes over functions a checkout without the
    ``DROP`` left behind."""
    for statements, dialect in ((SQLITE, "sqlite"), (POSTGRESQL, "postgresql")):
        for statement in statements:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
    for statement in DROP_POSTGRESQL:
        event.listen(table.metadata, "after_drop",
                     DDL(statement).execute_if(dialect="postgresql"))
