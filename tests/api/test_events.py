"""API.md §3 Events."""
import datetime

from seatshare.models import Entity, utcnow

from .. import factories as f
from .clock import within_one_second

API = "/api/v1"
FIELDS = {"id", "entity_id", "name", "description", "start_time", "date_tba", "time_tba"}


def at(days):
    return utcnow().replace(microsecond=0) + datetime.timedelta(days=days)


def test_events_lists_events_of_your_groups_ordered_by_start_time_id(testapp, world):
    later = f.make_event(
        entity=world.entity, start_time=world.event.start_time + datetime.timedelta(hours=1)
    )
    same_a = f.make_event(entity=world.entity, start_time=at(-3))
    same_b = f.make_event(entity=world.entity, start_time=at(-3))
    res = testapp.get(f"{API}/events", headers=world.headers("member"))
    assert [e["id"] for e in res.json] == [same_a.id, same_b.id, world.event.id, later.id]
    assert set(res.json[0]) == FIELDS


def test_events_of_an_entity_two_of_your_groups_follow_appear_once(testapp, world):
    second = f.make_group(entity=world.entity, creator=world.member)
    assert second.entity_id == world.group.entity_id
    res = testapp.get(f"{API}/events", headers=world.headers("member"))
    assert [e["id"] for e in res.json] == [world.event.id]


def test_events_of_inactive_groups_are_not_listed(testapp, world, dbsession):
    old = f.make_group(creator=world.member, active=False)
    gone = f.make_event(entity=dbsession.get(Entity, old.entity_id))
    ids = [e["id"] for e in testapp.get(f"{API}/events", headers=world.headers("member")).json]
    assert ids == [world.event.id] and gone.id not in ids
    testapp.get(f"{API}/events/{gone.id}", headers=world.headers("member"), status=403)


def test_show_past_lists_events_before_now(testapp, world):
    past = f.make_event(entity=world.entity, start_time=at(-1))
    res = testapp.get(f"{API}/events?show=past", headers=world.headers("member"))
    assert [e["id"] for e in res.json] == [past.id]


def test_show_future_lists_the_rest(testapp, world):
    f.make_event(entity=world.entity, start_time=at(-1))
    res = testapp.get(f"{API}/events?show=future", headers=world.headers("member"))
    assert [e["id"] for e in res.json] == [world.event.id]


def test_an_event_starting_this_second_is_future_not_past(testapp, world):
    # The API writes times in whole seconds: a client shown "start_time" and
    # "now" as the same second is told the event is still to come.
    def lists(second):
        starting = f.make_event(entity=world.entity, start_time=second)
        found = {
            show: [e["id"] for e in testapp.get(
                f"{API}/events?show={show}", headers=world.headers("member")).json]
            for show in ("future", "past")
        }
        return starting.id, found

    starting, found = within_one_second(lists)
    assert starting in found["future"] and starting not in found["past"]


def test_show_other_value_is_400(testapp, world):
    res = testapp.get(f"{API}/events?show=all", headers=world.headers("member"), status=400)
    assert res.json["fields"] == {"show": "must be one of 'past', 'future'"}


def test_events_by_group_lists_that_groups_entity(testapp, world, dbsession):
    mine = f.make_group(creator=world.member)
    own = f.make_event(entity=dbsession.get(Entity, mine.entity_id))
    headers = world.headers("member")
    res = testapp.get(f"{API}/events?group_id={world.group.id}", headers=headers)
    assert [e["id"] for e in res.json] == [world.event.id]
    res = testapp.get(f"{API}/events?group_id={mine.id}", headers=headers)
    assert [e["id"] for e in res.json] == [own.id]


def test_events_filters_combine(testapp, world):
    f.make_event(entity=world.entity, start_time=at(-1))
    res = testapp.get(
        f"{API}/events?group_id={world.group.id}&show=future", headers=world.headers("member")
    )
    assert [e["id"] for e in res.json] == [world.event.id]


def test_non_member_gets_403_on_events_by_group(testapp, world):
    testapp.get(
        f"{API}/events?group_id={world.group.id}", headers=world.headers("non_member"), status=403
    )


def test_member_can_view_event(testapp, world):
    res = testapp.get(f"{API}/events/{world.event.id}", headers=world.headers("member"))
    assert res.json["id"] == world.event.id and res.json["entity_id"] == world.entity.id
    assert res.json["start_time"].endswith("Z")


def test_non_member_gets_403_on_event(testapp, world):
    testapp.get(f"{API}/events/{world.event.id}", headers=world.headers("non_member"), status=403)
