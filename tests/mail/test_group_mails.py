"""The mails a member leaving a group, or an administrator removing them,
sends: to whom, in whose name, and what each lists."""
import datetime

import pytest

from seatshare.models import utcnow

from .. import factories as f

API = "/api/v1"


@pytest.fixture
def crew(dbsession, auth_headers):
    """A group with its administrator, Ada; Lee, a member leaving or
    removed; and Ola, who owns tickets and asks for Lee's."""
    entity = f.make_entity(name="Harbour Gulls")
    ada = f.make_user(first_name="Ada", last_name="Admin", email="ada@example.org")
    lee = f.make_user(first_name="Lee", last_name="Leaver", email="lee@example.org")
    ola = f.make_user(first_name="Ola", last_name="Other", email="ola@example.org")
    group = f.make_group(entity=entity, creator=ada, name="Gulls Crew")
    for user in (lee, ola):
        f.make_membership(group, user)
    soon = f.make_event(entity=entity, name="Gulls vs Terns",
                        start_time=utcnow() + datetime.timedelta(days=7))
    later = f.make_event(entity=entity, name="Gulls vs Puffins",
                         start_time=utcnow() + datetime.timedelta(days=14))
    return dict(group=group, ada=ada, lee=lee, ola=ola, soon=soon, later=later,
                headers=lambda user: auth_headers(user))


def remove(testapp, crew, by):
    testapp.delete(f"{API}/groups/{crew['group'].id}/members/{crew['lee'].id}",
                   headers=crew["headers"](crew[by]), status=204)


def mail_to(outbox, user):
    [message] = [m for m in outbox if m.to.endswith(f"<{user.email}>")]
    return message


@pytest.mark.parametrize(("by", "replies_to"), [("ada", "ada"), ("lee", "lee")],
                         ids=["removed", "leaving"])
def test_the_other_members_reply_to_whoever_acted(testapp, crew, outbox, by, replies_to):
    """An administrator removing a member answers for it, as for every
    mail sent in someone's name: not the member removed."""
    f.make_ticket(group=crew["group"], event=crew["soon"], owner=crew["lee"],
                  assignee=crew["ola"])
    f.make_ticket(group=crew["group"], event=crew["later"], owner=crew["ola"],
                  assignee=crew["lee"])
    remove(testapp, crew, by)
    message = mail_to(outbox, crew["ola"])
    assert "Lee Leaver is no longer a member of Gulls Crew" in message.subject
    assert message.message["Reply-To"] == f"{crew[replies_to].first_name} " \
        f"{crew[replies_to].last_name} <{crew[replies_to].email}>"
