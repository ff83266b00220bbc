"""API.md §1's paging on every §4 list: ``X-Total-Count`` and a ``Link``
header whose URLs keep the query's filters and page through the whole list."""
import re

import pytest

from seatshare.models import Approval

from .. import factories as f

API = "/api/v1"


def link_relations(res) -> dict:
    return dict((rel, url) for url, rel in
                re.findall(r'<([^>]+)>;\s*rel="([a-z]+)"', res.headers["Link"]))


def three_of_each(testapp, world, dbsession) -> dict:
    """Three records in each §4 list, and (caller, path) for each list."""
    for name in ("Zzq Anchors", "Zzq Bears", "Zzq Comets"):
        f.make_entity(name=name)
    for _ in range(3):
        asked = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
        f.make_ticket_request(asked, requester=world.member)
        f.make_invitation(world.group, inviter_id=world.admin.id)
        application, _ = f.make_application()
        dbsession.add(Approval(user_id=world.member.id, application_id=application.id,
                               scopes="read write"))
    dbsession.flush()
    for note in ("one", "two", "three"):
        testapp.put_json(f"{API}/ticket/{world.ticket.id}", {"note": note},
                         headers=world.headers("owner"))
    return {
        "entities": ("member", "/entities?q=zzq"),
        "ticket_requests": ("member", "/ticket_requests?status=pending"),
        "members": ("member", f"/groups/{world.group.id}/members"),
        "invitations": ("admin", f"/groups/{world.group.id}/invitations"),
        "group history": ("member", f"/groups/{world.group.id}/history"),
        "ticket history": ("member", f"/ticket/{world.ticket.id}/history"),
        "authorizations": ("member", "/authorizations"),
    }


@pytest.mark.parametrize("kind", ["entities", "ticket_requests", "members", "invitations",
                                  "group history", "ticket history", "authorizations"])
def test_a_beyond_seed_list_pages_with_link_and_total_keeping_its_filters(
        testapp, world, dbsession, kind):
    caller, path = three_of_each(testapp, world, dbsession)[kind]
    headers = world.headers(caller)
    whole = testapp.get(f"{API}{path}", headers=headers)
    total = int(whole.headers["X-Total-Count"])
    assert total == len(whole.json) >= 3
    query = path.partition("?")[2]
    seen, url = [], f"{API}{path}{'&' if query else '?'}per_page=2"
    while url:
        page = testapp.get(url, headers=headers)
        assert page.headers["X-Total-Count"] == str(total)
        links = link_relations(page)
        for link in links.values():
            assert path.partition("?")[0] in link and query in link and "per_page=2" in link
        seen += page.json
        url = links.get("next")
        if url:
            assert re.search(r"[?&]page=(\d+)", links["last"]).group(1) == str(-(-total // 2))
    assert seen == whole.json
