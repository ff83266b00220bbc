"""Building the iCalendar documents, in a fixed number of queries.

Events whose date is to be announced are left out; events whose time is to be
announced are all-day entries on their date in the reader's time zone. UIDs
are built from ids and the site's domain only, so a calendar app updates an
entry in place when a seat or a start time changes, and no other SeatShare
site has the same UID for another entry. DTSTAMP and LAST-MODIFIED are the
last change to what an entry shows (a calendar without METHOD, whose DTSTAMP
RFC 5545 §3.8.7.2 makes the LAST-MODIFIED), and SEQUENCE counts the seconds from the
entry's first version to that change, so it rises with every change without a
counter stored anywhere; an unchanged feed is byte-for-byte the same (and
keeps its ETag).
"""
import base64
import dataclasses
import datetime
import functools
import hashlib

import icalendar
from icalendar import Calendar, Event as VEvent, Timezone, TimezoneStandard, vText
from sqlalchemy import DateTime, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from ..models import (
    Event,
    Group,
    HistoryAction,
    Membership,
    Ticket,
    TicketHistory,
    User,
    UserAlias,
    by_code_point,
)
from .describe import TIME_TBA, UTC, alias_name, event_day, person_name, seat_label, user_zone

PRODID = "-//SeatShare//Calendar feed//EN"
# RFC 5545 §3.3.11: TEXT holds no control character but TAB (and the line
# breaks it escapes); the API takes any but NUL into a note or a name.
CONTROL_CHARACTERS = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), 0x7F])
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# Events have a start only; a timed entry is shown this long (a typical game).
EVENT_DURATION = datetime.timedelta(hours=3)
# The code that writes a feed decides its bytes as much as the rows do, and
# is in every feed's version: bump FEED_FORMAT with every change to what a
# feed says from the same rows (tests/calendar/test_feed_format.py fails
# until it is), so that no calendar app is answered 304 for a feed in its
# old form. A new icalendar may write the same feed otherwise too.
FEED_FORMAT = 2
OWNER, ASSIGNEE = aliased(User, name="owner"), aliased(User, name="assignee")


@dataclasses.dataclass(frozen=True)
class HeldTicket:
    """A ticket with the people around it: ``SEAT_ROWS`` of a feed's row."""

    ticket: Ticket
    owner: User
    assignee: User | None
    alias: UserAlias | None

    def sitter(self) -> User | UserAlias:
        """Who will sit in this seat: the alias it is for, else its
        assignee, else its owner."""
        if self.alias is not None:
            return self.alias
        return self.assignee if self.assignee is not None else self.owner

    def attended_by(self, user) -> bool:
        """Whether ``user`` is the one who will sit in this seat."""
        sitter = self.sitter()
        return isinstance(sitter, User) and sitter.id == user.id

    def describe(self, viewer) -> str:
        """``Section 101, Row C, Seat 7 (owner: you; assigned to: Ravi Lee)``."""

        def who(person):
            return "you" if person.id == viewer.id else person_name(person)

        if self.assignee is None:
            assigned = "not assigned"
        else:
            assigned = f"assigned to: {who(self.assignee)}"
            if self.alias is not None:
                assigned += f", for {alias_name(self.alias)}"
        return f"{seat_label(self.ticket)} (owner: {who(self.owner)}; {assigned})"

    def seat_title(self, viewer) -> str:
        """``Section 101, Row C, Seat 7``, and `` · for Ravi Lee`` when
        someone else will sit there: a title alone tells a game you go to
        from a seat you passed on."""
        if self.attended_by(viewer):
            return seat_label(self.ticket)
        sitter = self.sitter()
        name = person_name(sitter) if isinstance(sitter, User) else alias_name(sitter)
        return f"{seat_label(self.ticket)} · for {name}"


def busy_time(event, seats, reader) -> bool:
    """Whether an entry is busy time for ``reader``: a timed game in one of
    ``seats`` they will sit in. Seats they will not sit in (or no seat) do
    not block their time, and nor does an all-day entry: the game takes a
    few hours of that day, at a time not known yet."""
    return not event.time_tba and any(held.attended_by(reader) for held in seats)


def _with_people(query, outer=False):
    """``query`` joined to the owner, the assignee and the alias of its
    ``Ticket`` (all optional when the ticket itself is, ``outer``)."""
    join = query.outerjoin if outer else query.join
    return (
        join(OWNER, OWNER.id == Ticket.owner_id)
        .outerjoin(ASSIGNEE, ASSIGNEE.id == Ticket.assignee_id)
        .outerjoin(UserAlias, UserAlias.id == Ticket.alias_id)
    )


# Where a feed lists seats: in the order of the seat's parts.
SEAT_ORDER = (by_code_point(Ticket.section), by_code_point(Ticket.row),
              by_code_point(Ticket.seat), Ticket.id)
# The rows an entry shows: its game, its group, and a seat's ticket and
# people (a ``HeldTicket``, in its fields' order). Their last changes are
# the entry's (``last_changes``); each one's id (a seat given to someone
# else) and last change (a new name) are in the feed's version
# (``_entry_version``).
SEAT_ROWS = (Ticket, OWNER, ASSIGNEE, UserAlias)
ENTRY_ROWS = (Event, Group, *SEAT_ROWS)
# A seat's people, but for the reader: an entry calls them "you", so no
# change to their own profile (a bio, a new name, signing out) is one to
# the entry. Their time zone is, for an all-day entry (``_entry``).
PEOPLE = (OWNER, ASSIGNEE)


def last_changes(rows, reader) -> list:
    """The last change of each of an entry's ``rows`` (``ENTRY_ROWS``) it
    has (a seat may have no assignee or alias) and shows: not the
    ``reader``'s own row."""
    return [row.updated_at for row in rows
            if row is not None and not (isinstance(row, User) and row.id == reader.id)]


def _entry_version(reader) -> list:
    """The columns of a feed's version: the id of each of ``ENTRY_ROWS``
    and its last change as ``last_changes`` takes it, and the ``reader``'s
    last change where ``_entry`` stamps with it (an all-day entry)."""
    columns = []
    for row in ENTRY_ROWS:
        changed = row.updated_at
        if row in PEOPLE:
            changed = case((row.id == reader.id, None), else_=changed)
        columns += [row.id, changed]
    return [*columns, case((Event.time_tba.is_(True), literal(reader.updated_at, DateTime)))]


def holds(user):
    """Whether a ticket is ``user``'s in a feed: they own it or are assigned it."""
    return or_(Ticket.owner_id == user.id, Ticket.assignee_id == user.id)


def _held(user, *columns):
    """``columns`` of the tickets ``user`` owns or is assigned, in active
    groups they belong to, for events with a date, in the feed's order."""
    query = (
        select(*columns)
        .select_from(Ticket)
        .join(Ticket.event)
        .join(Ticket.group)
        .join(
            Membership,
            (Membership.group_id == Ticket.group_id) & (Membership.user_id == user.id),
        )
    )
    return _with_people(query).where(
        holds(user),
        Group.active.is_(True),
        Event.date_tba.is_(False),
    ).order_by(Event.start_time, *SEAT_ORDER)


def ticket_feed_version(dbsession, user, site) -> str:
    """One narrow query: what decides ``ticket_feed``'s content, hashed."""
    rows = dbsession.execute(_held(user, *_entry_version(user)))
    # The reader's name is the calendar's description.
    return _version(rows, "tickets", site, user.id, user.updated_at)


def ticket_feed(dbsession, user, site) -> Calendar:
    """One entry per ticket ``user`` owns or is assigned, in active groups
    they belong to, for events with a date; ``site`` is the domain the feed
    is served from. One query."""
    calendar = _calendar("SeatShare: my tickets", f"Tickets held by {person_name(user)}")
    for entry in dbsession.execute(_held(user, *ENTRY_ROWS)):
        event, group, *seat = entry
        held = HeldTicket(*seat)
        ticket = held.ticket
        details = [
            f"Seat: {held.describe(user)}",
            f"Group: {group.name}",
            f"Note: {ticket.note}" if ticket.note.strip() else "",
            event.description,
        ]
        calendar.add_component(
            _entry(
                uid=f"ticket-{ticket.id}-user-{user.id}@{site}",
                event=event,
                reader=user,
                summary=f"{event.name} · {held.seat_title(user)}",
                description=details,
                busy=busy_time(event, [held], user),
                created=ticket.created_at,
                changed=last_changes(entry, user),
            )
        )
    return _never_empty(calendar)


def _seat_changes(group):
    """What moves an entry of ``group``'s feed besides its own rows, since
    a seat that leaves an entry changes it too: a subquery of the last
    change to any of the group's tickets per event (one unassigned from the
    user is still a ticket of the group, changed then), and the group's
    last ticket deletion (a deleted one left only its history row, which
    does not say its event)."""
    tickets_changed = (
        select(Ticket.event_id, func.max(Ticket.updated_at).label("changed"))
        .where(Ticket.group_id == group.id)
        .group_by(Ticket.event_id)
        .subquery()
    )
    last_deletion = (
        select(func.max(TicketHistory.created_at))
        .where(TicketHistory.group_id == group.id, TicketHistory.action == HistoryAction.DELETED)
        .scalar_subquery()
    )
    return tickets_changed, last_deletion


def _group_rows(user, group, *columns):
    """The last change to any of the group's tickets for each event of
    ``group``'s entity that has a date, the group's last ticket deletion,
    then ``columns`` of the event, the group and ``user``'s seats for it (a row
    each; all None for an event without one), in the feed's order."""
    tickets_changed, last_deletion = _seat_changes(group)
    # The traversal found the group active, with the user a member.
    query = (
        select(tickets_changed.c.changed, last_deletion, *columns)
        .select_from(Event)
        .join(Group, Group.entity_id == Event.entity_id)
        .outerjoin(tickets_changed, tickets_changed.c.event_id == Event.id)
        .outerjoin(
            Ticket,
            (Ticket.event_id == Event.id)
            & (Ticket.group_id == group.id)
            & holds(user),
        )
    )
    return (
        _with_people(query, outer=True)
        .where(Group.id == group.id, Event.date_tba.is_(False))
        .order_by(Event.start_time, Event.id, *SEAT_ORDER)
    )


def group_feed_version(dbsession, user, group, site) -> str:
    """One narrow query: what decides ``group_feed``'s content, hashed."""
    rows = dbsession.execute(_group_rows(user, group, *_entry_version(user)))
    # The group's name is the calendar's, even with no entry.
    return _version(rows, "group", site, user.id, group.id, group.updated_at)


def group_feed(dbsession, user, group, site) -> Calendar:
    """One entry per event of the group's entity, noting ``user``'s seats;
    one query."""
    events = {}
    for tickets_changed_at, deleted_at, *entry in dbsession.execute(
        _group_rows(user, group, *ENTRY_ROWS)
    ):
        event, _, *seat = entry
        _, changed, mine = events.setdefault(event.id, (event, [tickets_changed_at, deleted_at], []))
        changed += last_changes(entry, user)
        if seat[0] is not None:
            mine.append(HeldTicket(*seat))
    calendar = _calendar(f"SeatShare: {group.name}", f"Events of {group.name}")
    for event, changed, mine in events.values():
        summary = event.name
        if len(mine) == 1:
            summary += f" · your seat: {mine[0].seat_title(user)}"
        elif mine:
            summary += f" · your seats: {len(mine)}"
        details = [f"Group: {group.name}"]
        if mine:
            details.append("Your seats:")
            details += [f"- {held.describe(user)}" for held in mine]
        details.append(event.description)
        calendar.add_component(
            _entry(
                uid=f"event-{event.id}-group-{group.id}-user-{user.id}@{site}",
                event=event,
                reader=user,
                summary=summary,
                description=details,
                busy=busy_time(event, mine, user),
                created=event.created_at,
                changed=changed,
            )
        )
    return _never_empty(calendar)


def _version(rows, *feed) -> str:
    """A feed's ETag, made without building it: the hash of what decides its
    content, the ``rows`` of its narrow query (each row's id and last
    change, the same as long as every entry is) and the ``feed``'s own
    parts (its kind, the site in its UIDs, the reader, the group)."""
    digest = _rendering(FEED_FORMAT).copy()
    for part in (feed, *rows):
        digest.update(repr(tuple(part)).encode())
    return base64.urlsafe_b64encode(digest.digest()[:16]).decode().rstrip("=")


@functools.cache
def _rendering(feed_format: int):
    """The hash of how feeds are written, hashed once per process: every
    version goes on from a copy of it."""
    return hashlib.sha256(f"feed format {feed_format}, icalendar {icalendar.__version__}\n".encode())


def _calendar(name, description) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # No METHOD: with one (PUBLISH), RFC 5545 §3.8.7.2 makes DTSTAMP the
    # moment this copy of the calendar was written, a new one at every poll
    # (a new ETag, and an app re-reading every entry); and §3.7.2 wants the
    # same method in the Content-Type. Without, DTSTAMP is the last change
    # to the entry, as LAST-MODIFIED is: what ``_entry`` writes. A feed is a
    # subscription, not an iTIP message (RFC 5546) to be acted on.
    # RFC 7986 names, and the older X-WR-* ones many apps still read. All are
    # TEXT, but icalendar escapes only the properties it knows as such.
    name, description = vText(one_line(name)), vText(ical_text(description))
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar


def _never_empty(calendar) -> Calendar:
    """RFC 5545 §3.6 wants a component in every calendar, and a strict app
    refuses one without: a feed with no entry yet (a new user's) carries
    the UTC time zone its entries are written in."""
    if not calendar.subcomponents:
        standard = TimezoneStandard()
        standard.add("dtstart", datetime.datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", datetime.timedelta(0))
        standard.add("tzoffsetto", datetime.timedelta(0))
        standard.add("tzname", "UTC")
        utc = Timezone()
        utc.add("tzid", "UTC")
        utc.add_component(standard)
        calendar.add_component(utc)
    return calendar


def _entry(uid, event, reader, summary, description, busy: bool, created, changed) -> VEvent:
    entry = VEvent()
    entry.add("uid", uid)
    if event.time_tba:
        day = event_day(event, user_zone(reader.timezone))
        entry.add("dtstart", day)
        entry.add("dtend", day + datetime.timedelta(days=1))
        # All day in the calendar, not all day at the ground.
        description = [TIME_TBA.capitalize(), *description]
        # The reader's time zone decides the date: a new one may move it.
        changed = [*changed, reader.updated_at]
    else:
        start = event.start_time.replace(tzinfo=UTC)
        entry.add("dtstart", start)
        entry.add("dtend", start + EVENT_DURATION)
    stamp = max(moment for moment in changed if moment is not None)
    stamp = stamp.replace(tzinfo=UTC)
    entry.add("dtstamp", stamp)
    entry.add("last-modified", stamp)
    entry.add("sequence", _sequence(created, stamp))
    entry.add("summary", one_line(summary))
    lines = (ical_text(line) for line in description)
    entry.add("description", "\n".join(line for line in lines if line.strip()))
    entry.add("status", "CONFIRMED")
    entry.add("transp", "OPAQUE" if busy else "TRANSPARENT")  # as ``busy_time()`` decides
    return entry


def _sequence(created, stamp) -> int:
    """RFC 5545 §3.8.7.4: a calendar app takes an entry for a new version
    only when its SEQUENCE is higher. Whole seconds since the entry's first
    version rise with every later change, and stay far below 2**31."""
    return max(0, int((stamp - created.replace(tzinfo=UTC)).total_seconds()))


def one_line(value: str) -> str:
    """``value`` as RFC 5545 TEXT on one line, for a title (an entry's
    SUMMARY, the calendar's NAME): a line break typed into a seat or a name
    would cut it where a calendar app shows only the first line. Each run
    of whitespace, line breaks included, is one space."""
    return " ".join(ical_text(value).split())


def ical_text(value: str) -> str:
    """``value`` as RFC 5545 TEXT may hold it: each line break (a vertical
    tab pasted from a word processor too) a newline, other control
    characters left out."""
    return "\n".join(value.splitlines()).translate(CONTROL_CHARACTERS)
