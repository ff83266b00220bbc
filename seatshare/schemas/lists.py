"""The query string every list accepts, and the filters lists share."""
import colander

from .types import QueryChoice, QueryInt

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25


class ListQuery(colander.MappingSchema):
    # Any page: one past the end is an empty list (API.md §1 makes only a
    # non-integer or non-positive page a 400).
    page = colander.SchemaNode(QueryInt(maximum=None), missing=1)
    # Larger values are served as the maximum (API.md §1), not refused.
    per_page = colander.SchemaNode(
        QueryInt(maximum=MAX_PER_PAGE, clamp=True), missing=DEFAULT_PER_PAGE
    )


def id_filter():
    return colander.SchemaNode(QueryInt(), missing=colander.drop)


def show_filter():
    """``?show=past`` (before now) or ``?show=future`` (the rest)."""
    return colander.SchemaNode(QueryChoice("past", "future"), missing=colander.drop)


def me_filter():
    return colander.SchemaNode(QueryChoice("me"), missing=colander.drop)
