"""The iCalendar feeds (API.md §4): secret per-user URLs outside ``/api/v1``,
for calendar apps that cannot do OAuth (see ``seatshare.calendar``)."""
from ..calendar import TOKEN_LENGTH
from ..calendar.views import CACHE_SECONDS
from .oauth import HTML

TAG = "Calendar feeds"

CALENDAR = {"text/calendar": {"schema": {"type": "string"}}}

PARAMETERS = [
    {
        "name": "user_id",
        "in": "path",
        "required": True,
        "description": "The feed's owner.",
        "schema": {"type": "integer", "minimum": 1},
    },
    {
        "name": "token",
        "in": "path",
        "required": True,
        "description": "The owner's feed secret, or the one an application connected to "
                       "their account was given; it changes when they reset it.",
        "schema": {"type": "string", "pattern": f"^[0-9a-f]{{{TOKEN_LENGTH}}}$"},
    },
]
GROUP_ID = {
    "name": "group_id",
    "in": "path",
    "required": True,
    "description": "One of the owner's active groups.",
    "schema": {"type": "integer", "minimum": 1},
}
HOW = (
    " An entry with a time starts then, in UTC, and lasts three hours; an event whose time "
    "is to be announced is an all-day entry on its date in the owner's `timezone`, whose "
    "description starts with `Time to be announced` and which is free time "
    "(`TRANSP:TRANSPARENT`) even for a seat you sit in. A timed entry for a seat you sit in "
    "is busy time (`OPAQUE`), any other free."
    " The URL is the credential: no token, no cookie. `calendar_url` of "
    "`GET /api/v1/users/me` is the ticket feed's URL, the calling application's own, "
    "which answers 404 once the user disconnects it (`DELETE /api/v1/authorizations/ID`), "
    "it is disabled, or it is left with the `write` scope alone; a group's feed is the "
    "same URL "
    "with `tickets.ics` replaced by `groups/<group_id>.ics`. "
    '`PUT /api/v1/users/me {"reset_calendar_url": true}` replaces the secret (as a new '
    "password chosen through a password-reset link does), and the "
    "old URLs answer 404 from then on. Also served to `HEAD`."
)


FEED_HEADERS = {
    "ETag": {"description": "Send it back as `If-None-Match`.",
             "required": True, "schema": {"type": "string"}},
    "Cache-Control": {"description": f"`max-age={CACHE_SECONDS}, private`.",
                      "required": True, "schema": {"type": "string"}},
    "Vary": {"description": "`Accept-Encoding`: the feed is served gzip-compressed to a "
                            "client whose `Accept-Encoding` accepts gzip.",
             "required": True, "schema": {"type": "string"}},
    "Content-Encoding": {"description": "`gzip` when the request's `Accept-Encoding` accepts "
                                        "it (the `ETag` then ends in `-gzip\"`); absent "
                                        "otherwise.",
                         "schema": {"type": "string", "enum": ["gzip"]}},
}


# What a person opening a feed URL that does not work reads.
NOT_FOUND_PAGE = (
    " The same HTML page for every cause (it does not tell which part is wrong): "
    "\"This calendar link does not work\", why it may be (new links made, a new password, "
    "a group left or deleted, part of the URL missing), and a link to the `/calendars` "
    "page with the links that work."
)
NOT_FOUND_HEADERS = {
    "Cache-Control": {"description": "`no-store`.", "schema": {"type": "string"}},
    "Referrer-Policy": {"description": "`no-referrer`: the URL may be a secret still.",
                        "schema": {"type": "string"}},
    "X-Robots-Tag": {"description": "`noindex`.", "schema": {"type": "string"}},
}


def feed_operation(summary, description, operation_id, not_found) -> dict:
    return {
        "summary": summary,
        "description": description + HOW,
        "tags": [TAG],
        "operationId": operation_id,
        "security": [],
        "responses": {
            "200": {
                "description": "An iCalendar (RFC 5545) document.",
                "headers": FEED_HEADERS,
                "content": CALENDAR,
            },
            # RFC 9110 §15.4.5: a 304 sends the headers the 200 would have.
            "304": {"description": "`If-None-Match` named the current `ETag`.",
                    "headers": FEED_HEADERS},
            "404": {"description": not_found + NOT_FOUND_PAGE, "headers": NOT_FOUND_HEADERS,
                    "content": HTML},
        },
    }


def calendar_paths() -> dict:
    return {
        "/calendar/{user_id}/{token}/tickets.ics": {
            "parameters": PARAMETERS,
            "get": feed_operation(
                "Your tickets as a calendar",
                "One entry for every ticket you own or are assigned in your active groups, titled "
                "with the game and its seat, and with who will sit there when it is not you "
                "(`· for Ravi Lee`, or the alias the seat is for); events whose date is to be "
                "announced are left out.",
                "ticketFeed",
                "No such user, or a token that is not the user's current one.",
            ),
        },
        "/calendar/{user_id}/{token}/groups/{group_id}.ics": {
            "parameters": [*PARAMETERS, GROUP_ID],
            "get": feed_operation(
                "A group's events as a calendar",
                "One entry for every event of the group's team, noting your seats at it (a single "
                "seat someone else will sit in names them, as in the ticket feed); events "
                "whose date is to be announced are left out.",
                "groupFeed",
                "No such user, a token that is not the user's current one, or a group "
                "the user is not a member of, or that was deactivated.",
            ),
        },
    }
