"""Records the §4 rows of the access matrix and the OpenAPI examples need,
beside ``world`` (conftest.py): a second ticket of ``owner`` that ``member``
asked for, a pending invitation to the group, and an application ``member``
approved.

``beyond_seed_ids(world, dbsession)`` creates them and returns their ids by
name; ``fill(body, ids)`` puts ids into a request body's ``"{name}"`` strings.
"""
import re

from seatshare.models import Approval

from .. import factories as f


def beyond_seed_ids(world, dbsession) -> dict:
    asked_ticket = f.make_ticket(group=world.group, event=world.event, owner=world.owner)
    ticket_request = f.make_ticket_request(asked_ticket, requester=world.member, message="Please?")
    invitation = f.make_invitation(world.group, inviter_id=world.admin.id)
    application, _ = f.make_application(name="Scoreboard")
    dbsession.add(
        Approval(user_id=world.member.id, application_id=application.id, scopes="read write")
    )
    dbsession.flush()
    return {
        "entity": world.entity.id,
        "member_id": world.member.id,
        "request": ticket_request.id,
        "invitation": invitation.id,
        "application": application.id,
        "code": f.standing_code(world.group),
    }


PLACEHOLDER = re.compile(r"^\{(\w+)\}$")


def fill(value, ids):
    """``value`` with each ``"{name}"`` string replaced by ``ids[name]``."""
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, str) and PLACEHOLDER.match(value):
        return ids[PLACEHOLDER.match(value).group(1)]
    return value
