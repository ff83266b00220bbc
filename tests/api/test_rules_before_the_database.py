"""The rules the database keeps too (migrations 0011, 0012) are the API's
first: a write that breaks one is a 400 with its fields, and no INSERT,
UPDATE or DELETE reaches the database, so its refusal (an IntegrityError,
at commit for the alias) never turns into a 500."""
import pytest

API = "/api/v1"
WRITES = ("INSERT", "UPDATE", "DELETE")


def writes_sent(query_counter):
    return [s for s in query_counter.statements if s.lstrip().upper().startswith(WRITES)]


@pytest.mark.parametrize(("body", "fields"), [
    ({"section": "", "row": " ", "seat": ""}, {"section", "row", "seat"}),
    ({"cost": "-1.00"}, {"cost"}),
    ({"alias_id": "others"}, {"alias_id"}),
    ({"assignee_id": None, "alias_id": "assignees"}, {"alias_id"}),
])
def test_a_ticket_update_breaking_a_rule_is_a_400_before_any_write(
        testapp, world, query_counter, body, fields):
    aliases = {"others": world.alias.id, "assignees": world.assignee_alias.id}
    body = {name: aliases.get(value, value) if isinstance(value, str) else value
            for name, value in body.items()}
    headers = world.headers("owner")  # its token written first
    query_counter.reset()
    res = testapp.put_json(f"{API}/ticket/{world.ticket.id}", body, headers=headers,
                           status=400)
    assert set(res.json["fields"]) == fields
    assert writes_sent(query_counter) == []


def test_a_ticket_for_another_entitys_event_is_a_400_before_any_write(
        testapp, world, dbsession, query_counter):
    from seatshare.models import Event

    elsewhere = dbsession.query(Event).filter(Event.entity_id == world.other_group.entity_id).first()
    headers = world.headers("owner")
    query_counter.reset()
    res = testapp.post_json(f"{API}/tickets", {
        "group_id": world.group.id, "event_ids": [world.event.id, elsewhere.id], "seat": "9",
    }, headers=headers, status=400)
    assert set(res.json["fields"]) == {"event_ids"}
    assert writes_sent(query_counter) == []
