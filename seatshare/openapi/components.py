"""Component schemas: the resources as the API answers them, and the error body."""

ID = {"type": "integer", "minimum": 1}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1}
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
TIMESTAMP = {
    "type": "string",
    "format": "date-time",
    "pattern": TIMESTAMP_PATTERN,
    "description": "UTC, ISO 8601 with `Z`, to the second.",
    "examples": ["2026-04-10T23:05:00Z"],
}
MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": 'Two places: "45.00".'}
STRING = {"type": "string"}


def record(properties: dict, optional=(), description="") -> dict:
    """An object with exactly these properties, all present except ``optional``."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


USER = {
    "id": ID,
    "first_name": STRING,
    "last_name": STRING,
    "email": {"type": "string", "description": "An email address, lower-cased."},
    "timezone": {"type": "string", "description": "An IANA time zone name."},
    "bio": STRING,
    "location": STRING,
    "created_at": TIMESTAMP,
}

SCHEMAS = {
    "Error": record(
        {
            "error": {"type": "string", "description": "The HTTP reason phrase."},
            "error_detail": STRING,
            "code": {"type": "integer", "description": "The HTTP status."},
        },
        description="Every error on an /api/ path.",
    ),
    "ValidationError": record(
        {
            "error": {"type": "string", "const": "Bad Request"},
            "error_detail": STRING,
            "code": {"type": "integer", "const": 400},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": 'The fields at fault: {"cost": "must be at least 0"}.',
            },
        },
        optional=("fields",),
        description="A 400: the body or the query fails validation.",
    ),
    "User": record(USER, description="A user, as mutual members see them."),
    "CurrentUser": record(
        {
            **USER,
            "mobile": STRING,
            "sms_notify": {"type": "boolean"},
            "calendar_url": {
                "type": "string",
                "format": "uri",
                "description": "Your secret iCalendar feed URL, as given to this "
                "application: it works while the application is connected to your "
                "account, and answers 404 once you disconnect it "
                "(`DELETE /authorizations/ID`), it is disabled, or its approvals and "
                "live tokens carry `write` alone; "
                "`PUT /users/me {\"reset_calendar_url\": true}` replaces it, and so "
                "does a new password chosen through a password-reset link. Only for a "
                "token with the `read` scope: the feed shows your tickets, which a "
                "write-only token may not read (its `PUT` answer leaves it out).",
            },
        },
        optional=("calendar_url",),
        description="You, with your private fields.",
    ),
    "UserAlias": record(
        {"id": ID, "user_id": ID, "first_name": STRING, "last_name": STRING},
        description="Someone without an account who uses a ticket assigned to `user_id`.",
    ),
    "Group": record(
        {
            "id": ID,
            "name": STRING,
            "entity_id": ID,
            "creator_id": NULLABLE_ID,
            "role": {"type": "string", "enum": ["admin", "member"], "description": "Your role."},
            "created_at": TIMESTAMP,
            "invitation_code": {
                "type": "string",
                "description": "Administrators only. The standing code, "
                "`<group id>-<22 characters>`; stored nowhere, it changes when an "
                "administrator replaces it (`POST /groups/ID/invitation_code`) or "
                "the server's secret changes.",
            },
        },
        optional=("invitation_code",),
    ),
    "Event": record(
        {
            "id": ID,
            "entity_id": ID,
            "name": STRING,
            "description": STRING,
            "start_time": {
                **TIMESTAMP,
                "description": "UTC, ISO 8601 with `Z`. With `time_tba`, a placeholder on "
                "the event's date (noon UTC for an all-day date from an .ics schedule); "
                "with `date_tba`, a placeholder. `show` and the order use it as it is.",
            },
            "date_tba": {"type": "boolean", "description": "The date is to be announced."},
            "time_tba": {"type": "boolean", "description": "The time of day is to be announced."},
        }
    ),
    "Ticket": record(
        {
            "id": ID,
            "group_id": ID,
            "event_id": ID,
            "owner_id": ID,
            "assignee_id": NULLABLE_ID,
            "alias_id": NULLABLE_ID,
            "section": STRING,
            "row": STRING,
            "seat": STRING,
            "cost": MONEY,
            "note": STRING,
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        }
    ),
}
