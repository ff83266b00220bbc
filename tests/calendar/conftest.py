import datetime

import pytest
from icalendar import Calendar
from pyramid.request import Request

from .. import factories as f
from ..api.openapi_check import checker
from .rfc5545 import rfc5545_problems


@pytest.fixture
def feed_request(app):
    """A request to build feed URLs with, as the API views would."""
    request = Request.blank("/", base_url="http://example.com")
    request.registry = app.registry
    return request


@pytest.fixture
def fetch(testapp):
    """``fetch(url, status=200)``: GET a feed, checked against the OpenAPI
    document and RFC 5545; ``.calendar`` is it parsed back."""

    def get(url, status=200, **kw):
        response = testapp.get(url.removeprefix("http://example.com"), status=status, **kw)
        checker().check("GET", response.request.url, response.status_int, response.headers,
                        response.body)
        if response.status_int == 200:
            assert rfc5545_problems(response.body) == []
            response.calendar = Calendar.from_ical(response.body)
            response.entries = {str(e["UID"]): e for e in response.calendar.walk("VEVENT")}
        return response

    return get


@pytest.fixture
def measure(fetch, query_counter):
    """``measure(url)``: (SQL statements the feed took, entries it has)."""

    def run(url):
        query_counter.reset()
        response = fetch(url)
        return query_counter.count, len(response.entries)

    return run


@pytest.fixture
def season(dbsession):
    """A viewer in a group following the Otters, and their season so far."""
    entity = f.make_entity(name="Riverside Otters")
    viewer = f.make_user(first_name="Vera", last_name="Viewer", timezone="America/New_York")
    friend = f.make_user(first_name="Finn", last_name="Friend")
    group = f.make_group(entity=entity, creator=friend, name="Section 101 Crew")
    f.make_membership(group, viewer)
    events = {
        "timed": f.make_event(
            entity=entity, name="Otters vs Herons",
            start_time=datetime.datetime(2026, 4, 10, 23, 5),
        ),
        "time_tba": f.make_event(
            entity=entity, name="Otters vs Pikes", time_tba=True,
            start_time=datetime.datetime(2026, 5, 2, 16, 0),
        ),
        "date_tba": f.make_event(
            entity=entity, name="Otters vs Eels (playoffs)", date_tba=True, time_tba=True,
            start_time=datetime.datetime(2026, 6, 1, 16, 0),
        ),
        "no_seat": f.make_event(
            entity=entity, name="Otters vs Carps",
            start_time=datetime.datetime(2026, 5, 20, 23, 0),
        ),
    }
    alias = f.make_alias(viewer, first_name="Carla", last_name="Guest")
    tickets = {
        "owned": f.make_ticket(
            group=group, event=events["timed"], owner=viewer,
            section="101", row="C", seat="7", note="Bring the blanket",
        ),
        "assigned": f.make_ticket(
            group=group, event=events["time_tba"], owner=friend, assignee=viewer,
            alias=alias, section="101", row="C", seat="8",
        ),
        "date_tba": f.make_ticket(group=group, event=events["date_tba"], owner=viewer),
        "friends": f.make_ticket(group=group, event=events["no_seat"], owner=friend),
    }
    return {
        "entity": entity, "viewer": viewer, "friend": friend, "group": group,
        "events": events, "tickets": tickets, "alias": alias,
    }


@pytest.fixture
def backdate(dbsession):
    """``backdate(*rows, days=1)``: the rows were created and last changed
    ``days`` ago, so that a change made now is a later second in the feed."""

    def run(*rows, days=1):
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        then = now - datetime.timedelta(days=days)
        for row in rows:
            row.created_at = then
            if hasattr(row, "updated_at"):
                row.updated_at = then
        dbsession.flush()

    return run
