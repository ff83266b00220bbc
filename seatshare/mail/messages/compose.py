"""What every message SeatShare sends has in common: the greeting, the
tickets told in the reader's time zone, the signature, the headers, and
the hand-over to the request's transaction (sent only if it commits)."""
import unicodedata
from collections.abc import Sequence
from email.utils import formataddr
from textwrap import fill, indent
from typing import NamedTuple

from pyramid_mailer.message import Message

from ... import models
from ...calendar.describe import describe_when, person_name, seat_label
from ..queue import send


SIGNATURE = "-- \nSeatShare: season tickets, shared with friends."
# Plain text is read as sent: running text is filled to this many columns.
WIDTH = 72
# A ticket's lines, below the running text.
INDENT = "    "


class Section(NamedTuple):
    """A part of a mail about tickets: what happened to them, the tickets
    (if any), and what the reader can do about it (if anything), right
    below them."""
    opening: str
    tickets: Sequence = ()
    closing: str | None = None


def mail_about_tickets(request, tickets, reader, sender, subject, opening, closing,
                       notes=None):
    """Greeting, what happened, the tickets (each in the reader's time zone,
    in the order given, with its note of ``notes``), what next."""
    mail_about_sections(request, [Section(opening, tickets, closing)], reader, sender,
                        subject, notes)


def mail_about_sections(request, sections, reader, sender, subject, notes=None):
    """``mail_about_tickets`` with several sections in turn, each a
    ``Section``; ``notes`` maps a ticket's id to a sentence told below its
    seat."""
    notes = notes or {}
    told = []
    for opening, tickets, closing in sections:
        told.append(opening)
        if tickets:
            told.append(indent("\n\n".join(_ticket_details(ticket, reader, notes.get(ticket.id))
                                           for ticket in tickets), INDENT))
        if closing:
            told.append(closing)
    greeting = f"Hello {reader.first_name or person_name(reader)},"
    body = "\n\n".join([greeting, *told]) + "\n"
    send_message(request, to=reader, subject=subject, body=body, reply_to=sender)


def _ticket_details(ticket, reader, note=None) -> str:
    """The ticket's event, when it is in ``reader``'s time zone, its seat,
    and ``note``, filled to fit ``WIDTH`` once indented."""
    lines = [ticket.event.name, describe_when(ticket.event, reader.timezone), seat_label(ticket)]
    if note:
        lines.append(fill(note, WIDTH - len(INDENT), break_long_words=False,
                          break_on_hyphens=False))
    return "\n".join(lines)


def alias_cleared(alias, place: str) -> str:
    """What a ticket (or seat) leaving ``alias``, who was to use it in
    ``place`` (``"your"``, ``"their"``) place, does to them."""
    return f"{person_name(alias)}, who was to use it in {place} place, no longer has the seat either."


def seat_lost(group) -> str:
    """What a member who lost the seat they were given in ``group`` can do."""
    return (f"If you still need a seat, you can ask the other members of {group.name} "
            "for one of their tickets in your SeatShare app.")


def ask_for_others(group) -> str:
    """What a member whose request for a ticket in ``group`` came to
    nothing can do."""
    return f"You can still ask for other tickets in {group.name}."


def seats_free_again(group, count: int = 1) -> str:
    """What an owner whose ``count`` tickets in ``group`` nobody holds any
    more can do."""
    if count == 1:
        return (f"Its seat is free again: you can give it to another member of {group.name} "
                "in your SeatShare app.")
    return (f"Their seats are free again: you can give them to another member of "
            f"{group.name} in your SeatShare app.")


def _address(person) -> str:
    """A user as ``"Ana Lopez" <ana@example.com>``, or a bare address."""
    if isinstance(person, models.User):
        return formataddr((one_line(person_name(person)), person.email))
    return person


def one_line(text: str) -> str:
    # A name with a line break must not become a second header line.
    return " ".join(text.split())


def filled(body: str) -> str:
    """``body`` with each paragraph of running text filled to ``WIDTH``
    columns, whatever the length of the names in it; a paragraph with an
    indented line (the tickets, a quoted message) or a link keeps its
    lines as written."""
    return "\n\n".join(
        paragraph if any(line[:1].isspace() or "://" in line for line in paragraph.splitlines())
        else fill(" ".join(paragraph.split()), WIDTH, break_long_words=False,
                  break_on_hyphens=False)
        for paragraph in body.split("\n\n")
    )


# A subject's characters at most: a display choice (a mail client's list
# shows the start of a subject, and names can be long), not a limit of the
# mail format, which folds a long header line.
SUBJECT_WIDTH = 78
# A name's characters at most in a subject (a group's, an event's, a
# person's), so that what happened still shows: a subject with one name
# this long and a usual one fits whole.
NAME_WIDTH = 24
CUT = "\N{HORIZONTAL ELLIPSIS}"
ZWJ = "\N{ZERO WIDTH JOINER}"


def short(name: str) -> str:
    """``name`` on one line and at most ``NAME_WIDTH`` characters, for a
    subject (``cut_to``)."""
    return cut_to(one_line(name), NAME_WIDTH)


def bounded_subject(subject: str) -> str:
    """``subject`` on one line and at most ``SUBJECT_WIDTH`` characters
    (``cut_to``): a last resort, the names in it being ``short`` already."""
    return cut_to(one_line(subject), SUBJECT_WIDTH)


def cut_to(text: str, width: int) -> str:
    """``text`` if it fits in ``width`` characters; else cut after its last
    whole word that fits, then "…"; a first word longer than that is cut
    where it must be, between two characters a reader sees as two."""
    if len(text) <= width:
        return text
    room = width - len(CUT)
    # A space right after the room ends a whole word that fits.
    words = text[:room + 1].rpartition(" ")[0].rstrip(" ,;:")
    return (words or text[:character_start(text, room)]) + CUT


def character_start(text: str, index: int) -> int:
    """The start of the character a reader sees at ``index`` of ``text``:
    ``index`` moved back over combining marks, variation selectors, emoji
    skin tones and the parts of a zero-width-joiner sequence or a flag."""
    while 0 < index < len(text) and (joins_previous(text[index]) or text[index - 1] == ZWJ
                                     or is_second_of_flag(text, index)):
        index -= 1
    return index


def joins_previous(character: str) -> bool:
    code = ord(character)
    return (unicodedata.category(character) in ("Mn", "Mc", "Me") or character == ZWJ
            or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF
            or 0xE0020 <= code <= 0xE007F)


def is_second_of_flag(text: str, index: int) -> bool:
    """Whether ``text[index]`` is the second regional indicator of a flag."""
    run = 0
    while index - run > 0 and is_regional_indicator(text[index - run - 1]):
        run += 1
    return run % 2 == 1 and is_regional_indicator(text[index])


def is_regional_indicator(character: str) -> bool:
    return 0x1F1E6 <= ord(character) <= 0x1F1FF


def send_message(request, to, subject, body, reply_to=None):
    headers = {"Auto-Submitted": "auto-generated"}
    if reply_to is not None:
        headers["Reply-To"] = _address(reply_to)
    message = Message(
        subject=bounded_subject(subject),
        recipients=[_address(to)],
        body=f"{filled(body)}\n{SIGNATURE}\n",
        extra_headers=headers,
    )
    send(request, message)
