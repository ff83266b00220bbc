"""Paginate a list query: one statement for the page and the total.

``paginate(request, stmt, params)`` runs ``stmt`` (a SELECT with its ORDER
BY) for the requested page with ``count(*) OVER ()`` beside each row, so the
page and ``X-Total-Count`` cost one statement; only a page past the end,
which has no rows to carry the count, costs a second. It sets ``Link``
(RFC 8288) and ``X-Total-Count`` on ``request.response`` and returns the rows.
"""
import math
from urllib.parse import urlencode

from sqlalchemy import func, select


def paginate(request, stmt, params) -> list:
    page, per_page = params["page"], params["per_page"]
    total_column = func.count().over().label("_total")
    rows = request.dbsession.execute(
        stmt.add_columns(total_column).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0][-1]
    elif page == 1:
        total = 0
    else:
        counted = stmt.order_by(None).subquery()
        total = request.dbsession.execute(select(func.count()).select_from(counted)).scalar()
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
    response.headers["Link"] = ", ".join(
        f'<{page_url(request, number, per_page)}>; rel="{rel}"' for rel, number in links
    )
    response.headers["X-Total-Count"] = str(total)


def page_url(request, page, per_page):
    """This list's URL for ``page``, keeping the query's filters."""
    query = [(k, v) for k, v in request.GET.items() if k not in ("page", "per_page")]
    query += [("page", page), ("per_page", per_page)]
    return f"{request.path_url}?{urlencode(query)}"
