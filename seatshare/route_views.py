"""Which views the site declares for a resource class and view name: for
traversal (is a path segment a view?) and the not-found view (which methods
does a route take, and does it need a token?)."""
from collections import defaultdict

# The registry's key for the views by resource class, then by name.
VIEWS_NAMED = "seatshare.views_named"


def views_named(registry, resource_class, name) -> tuple:
    """The introspector's entries (each view with its related permission)
    of the views named ``name`` declared for ``resource_class``. The
    introspector lists every view of the site, configured once at start:
    it is walked once per resource class, and the class's views kept on the
    registry by name (only names views have: a path's other segments add
    nothing)."""
    known = registry.setdefault(VIEWS_NAMED, {})
    if resource_class not in known:
        by_name = defaultdict(list)
        for entry in registry.introspector.get_category("views") or []:
            context = entry["introspectable"]["context"]
            if isinstance(context, type) and issubclass(resource_class, context):
                by_name[entry["introspectable"]["name"]].append(entry)
        known[resource_class] = {name: tuple(entries) for name, entries in by_name.items()}
    return known[resource_class].get(name, ())
