"""``schedule import`` writes a season in statements that do not grow with
its events (a batch of new events is one INSERT, on SQLite too)."""
import datetime

from sqlalchemy import func, select

from seatshare.models import Event
from seatshare.services.schedule import ScheduledEvent, import_events

from .. import factories as f

START = datetime.datetime(2027, 4, 1, 19)


def season(n, prefix):
    return [
        ScheduledEvent(line=i + 2, key=f"{prefix}{i}", name=f"Game {i}",
                       start_time=START + datetime.timedelta(days=i))
        for i in range(n)
    ]


def inserts(query_counter, dbsession, entity, events):
    query_counter.reset()
    result = import_events(dbsession, entity.id, events)
    assert result.created == len(events)
    return sum(s.lstrip().upper().startswith("INSERT") for s in query_counter.statements)


def test_new_events_cost_the_same_inserts_for_few_and_many(dbsession, query_counter):
    entity = f.make_entity()
    few = inserts(query_counter, dbsession, entity, season(3, "a"))
    many = inserts(query_counter, dbsession, entity, season(40, "b"))
    assert few == many == 1
    assert dbsession.scalar(select(func.count()).where(Event.entity_id == entity.id)) == 43
