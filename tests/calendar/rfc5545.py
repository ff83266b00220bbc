"""What RFC 5545 asks of a published calendar, checked on its raw bytes,
where a lenient parser (icalendar's included) would not complain."""
from icalendar import Calendar

MAX_LINE_OCTETS = 75  # §3.1, without the CRLF
REQUIRED = ("UID", "DTSTAMP", "DTSTART", "SEQUENCE")


def rfc5545_problems(body: bytes) -> list[str]:
    """What is wrong with ``body``, one sentence each; empty when nothing is."""
    problems = []
    if not body.endswith(b"\r\n"):
        problems.append("the document does not end with CRLF")
    for number, line in enumerate(body.split(b"\r\n")[:-1], 1):
        if b"\r" in line or b"\n" in line:
            problems.append(f"line {number} holds a bare CR or LF")
        if len(line) > MAX_LINE_OCTETS:
            problems.append(f"line {number} is {len(line)} octets long")
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} is not UTF-8 on its own (folding split a character)")
            continue
        if any((ord(c) < 32 and c != "\t") or ord(c) == 127 for c in text):
            problems.append(f"line {number} holds a control character: {text!r}")
    calendar = Calendar.from_ical(body)
    if not calendar.subcomponents:
        problems.append("the calendar has no component (§3.6 wants one at least)")
    uids = []
    for entry in calendar.walk("VEVENT"):
        uid = str(entry.get("UID"))
        uids.append(uid)
        problems += [f"{uid} has no {name}" for name in REQUIRED if name not in entry]
        for name in ("DTSTAMP", "LAST-MODIFIED"):
            if name in entry and not entry[name].to_ical().endswith(b"Z"):
                problems.append(f"{uid}: {name} is not in UTC")
    if len(uids) != len(set(uids)):
        problems.append("a UID appears twice")
    return problems
