"""The demo data set: enough of a season to click through every feature.

Two teams with their schedules (past and future games, one with the time to
be announced, one with the date to be announced), two groups, five people,
an administrator per group, season tickets assigned and unassigned, aliases,
a pending ticket request, each ticket's history, and an OAuth application to
try the authorization flow with. Loaded only into a database without users.
"""
import datetime
import decimal
import secrets

from sqlalchemy import exists, select

from ..calendar.describe import ALL_DAY_TIME
from ..models import (
    Entity,
    Event,
    HistoryAction,
    Membership,
    Role,
    Ticket,
    TicketRequest,
    User,
    UserAlias,
    utcnow,
)
from .entities import entity_named
from .groups import create_group
from .history import record_ticket_change, record_ticket_changes, snapshot
from .schedule import ScheduledEvent, import_events

PEOPLE = [
    # email, first name, last name
    ("alex@example.com", "Alex", "Morgan"),
    ("blair@example.com", "Blair", "Chen"),
    ("casey@example.com", "Casey", "Rivera"),
    ("devon@example.com", "Devon", "Patel"),
    ("emery@example.com", "Emery", "Brooks"),
]
DEMO_REDIRECT_URI = "http://localhost:8000/callback"


def load(dbsession, passwords, password=None, register_application=None, progress=None):
    """Load the demo data; None (and nothing written) when users exist already.

    ``passwords`` hashes the demo users' shared password (once), random
    unless given.
    ``register_application(dbsession, name, redirect_uris)`` registers the
    demo OAuth client and returns ``(application, secret)``. ``progress(line)``
    is told once loading begins (hashing the password takes seconds).
    """
    if dbsession.scalar(select(exists().where(User.id.is_not(None)))):
        return None
    if progress:
        progress("Loading the demo data (a second or so: the users' password is hashed)…")
    # A password the operator chose is theirs already: never printed back.
    chosen = password is not None
    password = password if chosen else secrets.token_urlsafe(12)
    # One hash (one salt) for the five: argon2id costs half a second a hash,
    # and salts keep users who share a password from sharing a hash, which
    # these share by design, the password told to all of them. The hash
    # still signs each user's own links beside their id, and a user who
    # changes the password gets a hash of their own.
    password_hash = passwords.hash(password)
    alex, blair, casey, devon, emery = people = [
        User(email=email, first_name=first, last_name=last, password_hash=password_hash)
        for email, first, last in PEOPLE
    ]
    dbsession.add_all(people)
    dbsession.flush()
    jordan = UserAlias(user_id=blair.id, first_name="Jordan", last_name="Chen")
    sam = UserAlias(user_id=alex.id, first_name="Sam", last_name="Morgan")
    dbsession.add_all([jordan, sam])
    # Entities an operator made already are reused, their schedules extended.
    rovers = _entity(dbsession, "Riverside Rovers")
    lightning = _entity(dbsession, "Lakeside Lightning")
    rovers_games = _season(dbsession, rovers, "Rovers vs.", OPPONENTS, weeks_ago=8, hour=23)
    lightning_games = _season(
        dbsession, lightning, "Lightning vs.", OPPONENTS[:10], weeks_ago=3, hour=0
    )

    crew = _group(dbsession, "Section 112 Crew", rovers, alex, [blair, casey, devon])
    family = _group(dbsession, "Lightning Family Plan", lightning, devon, [emery])
    dbsession.flush()

    tickets = []
    now = utcnow()
    for number, game in enumerate(rovers_games):
        for seat in ("7", "8"):
            ticket = Ticket(
                group_id=crew.id,
                event_id=game.id,
                owner_id=alex.id,
                section="112",
                row="F",
                seat=seat,
                cost=decimal.Decimal("45.00"),
            )
            # Past games went to Blair; some future ones to Casey, one with
            # Blair's spouse using the seat; the rest are still open.
            if seat == "8" and game.start_time < now:
                ticket.assignee_id = blair.id
            elif seat == "8" and number % 3 == 0:
                ticket.assignee_id = casey.id
            elif seat == "7" and number % 5 == 0 and game.start_time >= now:
                ticket.assignee_id, ticket.alias_id = blair.id, jordan.id
            tickets.append(ticket)
    for number, game in enumerate(lightning_games):
        ticket = Ticket(
            group_id=family.id,
            event_id=game.id,
            owner_id=devon.id,
            assignee_id=emery.id if number % 2 else None,
            section="204",
            row="C",
            seat="14",
            cost=decimal.Decimal("32.50"),
        )
        tickets.append(ticket)
    dbsession.add_all(tickets)
    dbsession.flush()
    # As POST /tickets records a ticket: its fields, assignee and alias included.
    record_ticket_changes(dbsession, [
        (ticket, ticket.owner_id, HistoryAction.CREATED, snapshot(ticket)) for ticket in tickets
    ])

    starts = {game.id: game.start_time for game in rovers_games}
    wanted = next(
        t
        for t in tickets
        if t.group_id == crew.id and t.assignee_id is None and starts[t.event_id] >= now
    )
    ticket_request = TicketRequest(
        ticket_id=wanted.id,
        requester_id=casey.id,
        message="Could I take this one? I'll bring snacks.",
    )
    dbsession.add(ticket_request)
    dbsession.flush()
    record_ticket_change(
        dbsession, wanted, casey.id, HistoryAction.REQUESTED, {"request_id": ticket_request.id}
    )

    summary = {
        "users": len(people),
        "entities": 2,
        "events": len(rovers_games) + len(lightning_games),
        "groups": 2,
        "tickets": len(tickets),
        "sign_in": {"email": alex.email, **({} if chosen else {"password": password})},
    }
    if register_application is not None:
        application, secret = register_application(
            dbsession, "SeatShare Demo Client", [DEMO_REDIRECT_URI]
        )
        summary["application"] = {
            "client_id": application.client_id,
            "client_secret": secret,
            "redirect_uris": [DEMO_REDIRECT_URI],
        }
    dbsession.flush()
    return summary


def describe(summary):
    """What an operator needs to know after loading, in plain words."""
    sign_in = summary["sign_in"]
    lines = [
        f"Loaded the demo data: {summary['users']} users, {summary['groups']} groups, "
        f"{summary['events']} events, {summary['tickets']} tickets.",
        f"Sign in as {sign_in['email']} with the password "
        + (sign_in["password"] if "password" in sign_in else "given with --password"),
        "(every demo user, alex@ to emery@example.com, has that password).",
    ]
    application = summary.get("application")
    if application:
        lines += [
            "Demo OAuth application:",
            f"  client_id:     {application['client_id']}",
            f"  client_secret: {application['client_secret']}",
            f"  redirect_uri:  {application['redirect_uris'][0]}",
        ]
    return "\n".join(lines)


OPPONENTS = [
    "Hillcrest Hounds", "Bayview Bears", "Northfield Foxes", "Granite Peaks",
    "Capital Comets", "Prairie Storm", "Harbor Pilots", "Summit Kings",
    "Iron Valley Miners", "Coastline Surf", "Redwood Giants", "Desert Suns",
    "Maple Leafs United", "Timber Wolves", "Metro Express", "Golden Gulls",
    "Cedar Rapids Rush", "Bluegrass Thunder", "Delta Herons", "Canyon Riders",
    "Frontier Scouts", "Lakeshore Loons", "Old Port Sailors", "Sierra Stallions",
]


def _entity(dbsession, name):
    entity = entity_named(dbsession, name)
    if entity is None:
        entity = Entity(name=name)
        dbsession.add(entity)
        dbsession.flush()
    return entity


def _season(dbsession, entity, prefix, opponents, weeks_ago, hour):
    """One home game a week from ``weeks_ago`` weeks back, then two to be
    announced; imported by key like any schedule. The events, in order."""
    first = (utcnow() - datetime.timedelta(weeks=weeks_ago)).replace(
        hour=hour, minute=5, second=0, microsecond=0
    )
    schedule = [
        ScheduledEvent(
            line=week + 1,
            key=f"demo-{week + 1}",
            name=f"{prefix} {opponent}",
            start_time=first + datetime.timedelta(weeks=week),
        )
        for week, opponent in enumerate(opponents)
    ]
    # Their time is to be announced: on their date in every reader's zone.
    playoffs_day = datetime.datetime.combine(schedule[-1].start_time.date(), ALL_DAY_TIME)
    for number, date_tba in ((1, False), (2, True)):
        schedule.append(
            ScheduledEvent(
                line=len(schedule) + 1,
                key=f"demo-playoff-{number}",
                name=f"{prefix} to be announced (playoffs, game {number})",
                start_time=playoffs_day + datetime.timedelta(weeks=number),
                date_tba=date_tba,
                time_tba=True,
            )
        )
    import_events(dbsession, entity.id, schedule)
    keys = [event.key for event in schedule]
    query = select(Event).where(Event.entity_id == entity.id, Event.key.in_(keys))
    return sorted(dbsession.scalars(query), key=lambda event: keys.index(event.key))


def _group(dbsession, name, entity, admin, members):
    group = create_group(dbsession, admin.id, name, entity.id)
    dbsession.add_all(
        Membership(group_id=group.id, user_id=member.id, role=Role.MEMBER)
        for member in members
    )
    return group
