"""Paginate a list query: one statement for the page and the total.

``paginate(request, query, params)`` runs ``query`` (a SELECT with its ORDER
BY) for the requested page with the list's total beside each row (see
``PagedQuery``), so the page and ``X-Total-Count`` cost one statement; only
a page past the end, which has no rows to carry the total, costs a second.
It sets ``Link`` (RFC 8288) and ``X-Total-Count`` on ``request.response``
and returns the rows.

A busy list builds its ``PagedQuery`` once, with bound parameters for every
value, and hands ``paginate`` a ``Bound`` (the query and this request's
values): no statement to build and no cache key to compute per request.
"""
import dataclasses
import math
from urllib.parse import urlencode

from sqlalchemy import BigInteger, Integer, bindparam, func, select

from .sqljson import json_object

MAX_OFFSET = 2**63 - 1  # OFFSET's BigInteger bind parameter


class PagedQuery:
    """A list's SELECT made ready to page: its rows with the total beside
    each, LIMIT and OFFSET bound parameters.

    ``count``: a ``SELECT count(*)`` equal to the number of the SELECT's rows
    but cheaper (it may leave out a join that cannot change the count). The
    total is then that scalar subquery, computed once, and the database may
    stop reading rows at the page's end; without it the total is
    ``count(*) OVER ()``, which reads every row of the list.
    """

    def __init__(self, stmt, count=None, json_fields=None, order_by=(), total=None):
        """``total``: the count written beside the page's rows, when cheaper
        than ``count``: it need equal it only when the page has rows, so it
        may leave out a condition that holds for every row of the SELECT or
        for none (the caller's membership of the one group listed), which
        the page's rows have passed already. ``count`` alone counts a page
        past the end.

        ``json_fields``: select each row as the text of its JSON object
        (``seatshare.sqljson``), with these columns of ``stmt``; ``order_by``
        is then the list's order, which ``stmt`` must not have yet.

        The objects are written in a SELECT around the page's: written in
        the page's own, they would be written for every row of the list that
        the sort reads (PostgreSQL and SQLite both compute a SELECT's
        columns before its ORDER BY and LIMIT), a group's whole season where
        25 are returned. The page selects its sort keys, and the outer
        SELECT orders by them too (PostgreSQL sees that the rows come
        sorted; SQLite sorts the page's rows again)."""
        if json_fields:
            if not order_by:
                raise ValueError("a list written as JSON needs its order_by")
            keys = [key.label(f"_order_{i}") for i, key in enumerate(order_by)]
            # By the labels: each key (an event's time, looked up per
            # ticket) is computed once per row, not again for the ORDER BY.
            stmt = stmt.add_columns(*keys).order_by(*keys)
        if count is None:
            total = func.count().over()
            count = select(func.count()).select_from(stmt.order_by(None).subquery())
        else:
            total = (count if total is None else total).scalar_subquery()
        self.count = count
        self.page = (
            stmt.add_columns(total.label("_total"))
            .limit(bindparam("_limit", type_=Integer))
            # A page far past the end has an offset beyond 32 bits.
            .offset(bindparam("_offset", type_=BigInteger))
        )
        if json_fields:
            page = self.page.subquery("page")
            self.page = select(
                json_object({name: page.c[name] for name in json_fields}).label("json"),
                page.c._total,
            ).order_by(*(page.c[key.name] for key in keys))
        # A page of table columns (no ORM entity or mapped attribute) runs on
        # the session's connection: the same statement and rows, without the
        # ORM's execution and its processing of every row, about 0.4 ms of a
        # page's CPU. (A list is a GET: nothing awaits a flush.)
        self.on_connection = all(
            column.get("entity") is None for column in self.page.column_descriptions
        )


@dataclasses.dataclass(frozen=True)
class Bound:
    """A prebuilt ``PagedQuery`` and the values of its parameters."""

    query: PagedQuery
    values: dict


def paginate(request, query, params) -> list:
    """``query``: a SELECT built for this request, or a ``Bound``."""
    if not isinstance(query, Bound):
        query = Bound(PagedQuery(query), {})
    page, per_page = params["page"], params["per_page"]
    # Past BIGINT's end a page is as empty as at it.
    offset = min((page - 1) * per_page, MAX_OFFSET)
    values = {**query.values, "_limit": per_page, "_offset": offset}
    dbsession = request.dbsession
    execute = dbsession.connection().execute if query.query.on_connection else dbsession.execute
    rows = execute(query.query.page, values).all()
    if rows:
        total = rows[0][-1]
    elif page == 1:
        total = 0
    else:
        total = dbsession.execute(query.query.count, query.values).scalar()
    set_list_headers(request, page, per_page, total)
    return [row[0] if len(row) == 2 else row[:-1] for row in rows]


def set_list_headers(request, page, per_page, total):
    last = max(1, math.ceil(total / per_page))
    links = []
    if page > 1:
        links.append(("first", 1))
        links.append(("prev", min(page - 1, last)))
    if page < last:
        links.append(("next", page + 1))
        links.append(("last", last))
    response = request.response
    # Present on every list, empty when there is a single page (RFC 8288's
    # Link is a #rule list, which may be empty).
    if links:
        base = list_url(request)
        response.headers["Link"] = ", ".join(
            f'<{base}page={number}&per_page={per_page}>; rel="{rel}"' for rel, number in links
        )
    else:
        response.headers["Link"] = ""
    response.headers["X-Total-Count"] = str(total)


def list_url(request) -> str:
    """This list's URL with its filters, ready for ``page=N&per_page=M``:
    built once for all of a response's links (its filters encoded once)."""
    query = [(k, v) for k, v in request.GET.items() if k not in ("page", "per_page")]
    return f"{request.path_url}?{urlencode(query)}&" if query else f"{request.path_url}?"
