import functools
import importlib.resources

import colander

from ..models import User
from .lists import ListQuery, id_filter
from .types import EmailAddress, JSONBool, JSONString, column_length

READ_ONLY = ("id", "created_at", "updated_at", "calendar_url")


class UserListQuery(ListQuery):
    group_id = id_filter()


@functools.cache
def iana_timezones() -> frozenset:
    """The IANA zone names of the tzdata package: the same on every host.

    zoneinfo.available_timezones() also lists what the system's zone
    directory holds besides (Debian's "localtime"). Each of these names
    loads with zoneinfo.ZoneInfo: from the system's files, or from tzdata's
    where the system has none.
    """
    return frozenset(importlib.resources.files("tzdata").joinpath("zones").read_text().split())


def timezone_validator(node, value):
    if value not in iana_timezones():
        raise colander.Invalid(node, 'must be an IANA time zone name such as "America/Chicago"')


timezone_validator.json_schema = {"enum": sorted(iana_timezones())}


def normalize_email(value):
    """Lower-cased; surrounding whitespace is refused, as the document's pattern says."""
    return value.lower() if isinstance(value, str) else value


def _text(attribute, **kw):
    return colander.SchemaNode(
        JSONString(column_length(attribute), **kw), missing=colander.drop
    )


class CurrentUserUpdate(colander.MappingSchema):
    """``PUT /users/me``: every field optional (a partial update)."""

    # Sign-up asks for both names, and other members see them: never blank,
    # and trimmed, as the sign-up page trims them.
    first_name = _text(User.first_name, blank=False, trim=True)
    last_name = _text(User.last_name, blank=False, trim=True)
    email = colander.SchemaNode(
        JSONString(column_length(User.email), blank=False),
        preparer=normalize_email,
        validator=EmailAddress(),
        missing=colander.drop,
    )
    timezone = colander.SchemaNode(
        JSONString(column_length(User.timezone)),
        validator=timezone_validator,
        missing=colander.drop,
    )
    bio = _text(User.bio)
    location = _text(User.location)
    mobile = _text(User.mobile)
    sms_notify = colander.SchemaNode(JSONBool(), missing=colander.drop)
    # true: new calendar feed URLs; the old ones stop working.
    reset_calendar_url = colander.SchemaNode(JSONBool(), missing=colander.drop)
