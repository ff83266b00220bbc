"""Writing a parsed schedule: the entity's events created or updated by
their key, so importing the same file again never duplicates them."""
import dataclasses

from sqlalchemy import insert, select

from ...models import Event

# Keys looked up per SELECT: well under every backend's bound-parameter limit.
LOOKUP_BATCH = 500
# Events written between two progress reports.
PROGRESS_BATCH = 100


@dataclasses.dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    cancelled: int = 0


def import_events(dbsession, entity_id, events, progress=None) -> ImportResult:
    """Create or update the entity's events by key; ``progress(done, total)``."""
    existing = _events_by_key(dbsession, entity_id, [e.key for e in events])
    keyless = _keyless_events(dbsession, entity_id, events, existing)
    created = updated = cancelled = 0
    total = len(events)
    new_rows = []
    for done, scheduled in enumerate(events, start=1):
        event = existing.get(scheduled.key) or keyless.pop(scheduled.keyless_key, None)
        if scheduled.cancelled:
            cancelled += 1
        elif event is None:
            new_rows.append({"entity_id": entity_id, **_fields(scheduled)})
            created += 1
        elif _apply(event, scheduled):
            updated += 1
        if done % PROGRESS_BATCH == 0 or done == total:
            # Written batch by batch, so the progress shown is work done. A
            # batch's new events are one INSERT: added as ORM objects, each
            # would be an INSERT of its own on SQLite (to read its id back),
            # and nothing here needs their ids.
            if new_rows:
                dbsession.execute(insert(Event), new_rows)
                new_rows = []
            dbsession.flush()
            if progress:
                progress(done, total)
    dbsession.flush()
    return ImportResult(
        created, updated, total - created - updated - cancelled, cancelled
    )


def _events_by_key(dbsession, entity_id, keys):
    found = {}
    for start in range(0, len(keys), LOOKUP_BATCH):
        batch = keys[start : start + LOOKUP_BATCH]
        query = select(Event).where(Event.entity_id == entity_id, Event.key.in_(batch))
        found.update((event.key, event) for event in dbsession.scalars(query))
    return found


def _keyless_events(dbsession, entity_id, events, existing):
    """The events keyed by their start time (imported from a file without
    keys) that rows now giving a key take over: a season's file imported
    again with a key column is not a second season. Not those a row of the
    file still keys by its start time, nor rows whose key exists."""
    keys = {e.key for e in events}
    wanted = [e.keyless_key for e in events
              if e.keyless_key and e.key not in existing and e.keyless_key not in keys]
    return _events_by_key(dbsession, entity_id, wanted)


def _fields(scheduled):
    fields = dataclasses.asdict(scheduled)
    del fields["line"], fields["cancelled"], fields["keyless_key"]
    return fields


def _apply(event, scheduled):
    """Copy the scheduled values onto the event; True when something changed."""
    changed = False
    for name, value in _fields(scheduled).items():
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed = True
    return changed
