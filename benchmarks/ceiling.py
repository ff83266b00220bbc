"""The ceiling: a bare Pyramid app with no database and no security.

``GET|PUT|POST /ceiling/N`` answers a JSON document of N bytes, rendered
per request by Pyramid's JSON renderer, as the real API renders its own.
Served by ``pserve`` from an ini whose ``[server:main]`` is the real one's,
it is the most the same stack could do for a response of that size: every
figure in the benchmark table is also given as a ratio to it.

    [app:main]
    use = call:benchmarks.ceiling:main
"""
import functools
import json

from pyramid.config import Configurator
from pyramid.renderers import JSON

# One list item, shaped like a ticket; its padding field makes up the size.
ITEM = {
    "id": 1000001,
    "group_id": 1001,
    "event_id": 20001,
    "owner_id": 30001,
    "assignee_id": 30002,
    "alias_id": None,
    "section": "101",
    "row": "A",
    "seat": "1",
    "cost": "45.00",
    "note": "",
    "created_at": "2026-01-01T19:00:00Z",
    "updated_at": "2026-01-01T19:00:00Z",
}
ITEM_BYTES = 300  # a ticket renders to about this many bytes


@functools.lru_cache(maxsize=64)
def document_of_size(size: int):
    """A JSON-able document whose compact rendering is exactly ``size`` bytes
    (at least the size of ``{"p":""}``): a list of ticket-like items when
    the size allows, else one object."""
    def measure(doc):
        return len(json.dumps(doc, separators=(",", ":")).encode())

    base = {"p": ""}
    if size >= 2 * ITEM_BYTES:
        items = [dict(ITEM, id=ITEM["id"] + i, note="") for i in range(size // ITEM_BYTES)]
        doc = items
        # Pad the last item's note until the document has the size asked for.
        shortfall = size - measure(doc)
        while shortfall < 0 and len(doc) > 1:
            doc.pop()
            shortfall = size - measure(doc)
        doc[-1]["note"] = "x" * max(shortfall, 0)
        return doc
    shortfall = size - measure(base)
    return {"p": "x" * max(shortfall, 0)}


def ceiling_view(request):
    size = int(request.matchdict["size"])
    return document_of_size(size)


def main(global_config, **settings):
    # Compact separators, so that the byte count is the one asked for.
    with Configurator(settings=settings) as config:
        config.add_renderer("json", JSON(separators=(",", ":")))
        config.add_route("ceiling", "/ceiling/{size:\\d+}")
        config.add_view(ceiling_view, route_name="ceiling", renderer="json")
    return config.make_wsgi_app()
