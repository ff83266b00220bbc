"""``schedule import``: .csv and .ics, upserted by key, all or nothing."""
import datetime

import pytest
from sqlalchemy import select

from seatshare.models import Entity, Event
from seatshare.cli import main
from seatshare.services.schedule import (
    CSV_OPTIONAL,
    CSV_REQUIRED,
    ScheduleError,
    parse_schedule,
)

from .conftest import count

CSV = """name,start_time,description,key,date_tba,time_tba
Rovers vs. Hounds,2025-04-01T19:05:00-04:00,Opening day,g1,,
Rovers vs. Bears,2025-04-08T23:05:00Z,,g2,false,true
"""

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//SeatShare tests//EN
BEGIN:VEVENT
UID:game-1@example.com
SUMMARY:Rovers vs. Hounds
DESCRIPTION:Opening day
DTSTART;TZID=America/New_York:20250401T190500
END:VEVENT
BEGIN:VEVENT
UID:game-2@example.com
SUMMARY:Rovers vs. Bears
DTSTART;VALUE=DATE:20250408
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def entity_id(db):
    entity = Entity(name="Riverside Rovers")
    db.add(entity)
    db.commit()
    return entity.id


@pytest.fixture
def schedule_file(tmp_path):
    def write(text, name="schedule.csv"):
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    return write


def events(db):
    db.expire_all()
    return {e.key: e for e in db.scalars(select(Event))}


def test_csv_import_creates_events_in_naive_utc(seatshare, db, entity_id, schedule_file):
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(CSV), "--json")
    assert run.code == 0, run.err
    assert run.json == {"created": 2, "updated": 0}
    found = events(db)
    assert found["g1"].name == "Rovers vs. Hounds"
    assert found["g1"].start_time == datetime.datetime(2025, 4, 1, 23, 5)
    assert found["g1"].description == "Opening day"
    assert (found["g2"].date_tba, found["g2"].time_tba) == (False, True)
    assert {e.entity_id for e in found.values()} == {entity_id}


def test_importing_the_same_file_twice_leaves_one_copy(seatshare, db, entity_id, schedule_file):
    path = schedule_file(CSV)
    seatshare("schedule", "import", "--entity-id", entity_id, path)
    run = seatshare("schedule", "import", "--entity-id", entity_id, path, "--json")
    assert run.json == {"created": 0, "updated": 0}
    assert count(db, Event) == 2


def test_reimport_updates_events_by_key(seatshare, db, entity_id, schedule_file):
    seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(CSV))
    moved = CSV.replace("2025-04-08T23:05:00Z", "2025-04-09T23:05:00Z").replace(
        "Rovers vs. Hounds", "Rovers vs. Hounds (rescheduled)"
    )
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(moved), "--json")
    assert run.json == {"created": 0, "updated": 2}
    found = events(db)
    assert len(found) == 2
    assert found["g1"].name == "Rovers vs. Hounds (rescheduled)"
    assert found["g2"].start_time == datetime.datetime(2025, 4, 9, 23, 5)


def test_a_key_is_trimmed_of_invisible_characters_so_reimport_updates(
        seatshare, db, entity_id, schedule_file):
    """API.md §5: re-importing never duplicates. "k1\u200b" is the key k1."""
    text = "name,start_time,key\n{name},2025-04-01T19:05:00Z,{key}\n"
    seatshare("schedule", "import", "--entity-id", entity_id,
              schedule_file(text.format(name="Game", key="k1\u200b\ufeff")))
    run = seatshare("schedule", "import", "--entity-id", entity_id,
                    schedule_file(text.format(name="Game (moved)", key="\u2060k1")), "--json")
    assert run.json == {"created": 0, "updated": 1}
    assert [(key, event.name) for key, event in events(db).items()] == [("k1", "Game (moved)")]


@pytest.mark.parametrize("name", ["\u200b", "\ufeff\u2060 \u3000"])
def test_an_event_name_of_invisible_characters_is_blank(name):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("schedule.csv", f"name,start_time\n{name},2025-04-01T19:05:00Z\n".encode())
    assert str(caught.value) == "line 2: the name must not be blank"
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("schedule.ics", ICS.replace("Rovers vs. Bears", name).encode())
    assert str(caught.value) == "line 12: the name must not be blank"


def test_an_event_name_is_trimmed_of_invisible_characters():
    [event] = parse_schedule("schedule.csv",
                             "name,start_time\n\u200bGame\ufeff,2025-04-01T19:05:00Z\n".encode())
    assert event.name == "Game"
    events_ = parse_schedule("schedule.ics", ICS.replace("Rovers vs. Bears", "\u200bBears\u2060")
                             .replace("game-2@example.com", "game-2@example.com\u200b").encode())
    assert [(e.key, e.name) for e in events_][1] == ("game-2@example.com", "Bears")


def test_an_event_description_is_trimmed_of_invisible_characters():
    """As its name is, and as the API trims what it stores: a description
    kept U+200B and U+FEFF around it (str.strip() leaves them)."""
    csv = "name,start_time,description\nGame,2025-04-01T19:05:00Z,\u200b Gates open\ufeff\n"
    [event] = parse_schedule("schedule.csv", csv.encode())
    assert event.description == "Gates open"
    events_ = parse_schedule("schedule.ics", ICS.replace("DESCRIPTION:Opening day",
                                                         "DESCRIPTION:\u2060Opening day\u200b")
                             .encode())
    assert events_[0].description == "Opening day"


def test_without_a_key_column_the_key_is_the_start_time(seatshare, db, entity_id, schedule_file):
    text = "name,start_time\nGame,2025-04-01T19:05:00-04:00\n"
    path = schedule_file(text)
    seatshare("schedule", "import", "--entity-id", entity_id, path)
    # The same instant written with another offset is the same event.
    same = schedule_file("name,start_time\nGame (moved venue),2025-04-01T23:05:00Z\n", "b.csv")
    run = seatshare("schedule", "import", "--entity-id", entity_id, same, "--json")
    assert run.json == {"created": 0, "updated": 1}
    assert list(events(db)) == ["2025-04-01T23:05:00Z"]


def test_keys_added_to_a_file_imported_without_them_update_its_events(
    seatshare, db, entity_id, schedule_file
):
    """Imported first without a key column, then with one (to move games
    later, as the help advises): each row takes over the event its start
    time keyed, instead of the whole season being imported a second time."""
    seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(
        "name,start_time\nOpener,2025-04-01T19:05:00-04:00\nSecond,2025-04-08T23:05:00Z\n"))
    before = events(db)
    keyed = schedule_file(
        "name,start_time,key\n"
        "Opener,2025-04-01T19:05:00-04:00,g1\n"
        "Second,2025-04-08T23:05:00Z,g2\n"
        "Third,2025-04-15T23:05:00Z,g3\n", "keyed.csv")
    run = seatshare("schedule", "import", "--entity-id", entity_id, keyed, "--json")
    assert run.json == {"created": 1, "updated": 2}
    after = events(db)
    assert sorted(after) == ["g1", "g2", "g3"]
    assert after["g1"].id == before["2025-04-01T23:05:00Z"].id
    assert after["g2"].id == before["2025-04-08T23:05:00Z"].id
    moved = schedule_file("name,start_time,key\nOpener,2025-04-02T23:05:00Z,g1\n", "moved.csv")
    run = seatshare("schedule", "import", "--entity-id", entity_id, moved, "--json")
    assert run.json == {"created": 0, "updated": 1}
    assert count(db, Event) == 3


def test_a_keyless_row_keeps_its_event_from_a_keyed_row_at_the_same_time(
    seatshare, db, entity_id, schedule_file
):
    seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(
        "name,start_time\nDoubleheader,2025-04-01T23:05:00Z\n"))
    both = schedule_file(
        "name,start_time,key\n"
        "Doubleheader,2025-04-01T23:05:00Z,\n"
        "Doubleheader (game 2),2025-04-01T23:05:00Z,game-2\n", "both.csv")
    run = seatshare("schedule", "import", "--entity-id", entity_id, both, "--json")
    assert run.json == {"created": 1, "updated": 0}
    assert sorted(events(db)) == ["2025-04-01T23:05:00Z", "game-2"]


@pytest.mark.parametrize("separator", [",", ";"])
def test_a_csv_as_excel_saves_it_is_imported(seatshare, db, entity_id, tmp_path, separator):
    """Excel's "CSV UTF-8" starts with a byte order mark and ends lines with
    CRLF; where a comma is the decimal separator (most of Europe) it
    separates fields with semicolons, and a comma is then only text."""
    rows = [
        ["name", "start_time", "description", "key"],
        ["Rovers vs. Hounds", "2025-04-01T19:05:00-04:00", "Opening day, first pitch 19:05",
         "g1"],
        ["Rovers vs. Bjørnene", "2025-04-08T23:05:00Z", "", "g2"],
    ]
    text = "".join(
        separator.join(f'"{cell}"' if "," in cell else cell for cell in row) + "\r\n"
        for row in rows
    )
    path = tmp_path / "season.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    run = seatshare("schedule", "import", "--entity-id", entity_id, path, "--json")
    assert run.code == 0, run.err
    assert run.json == {"created": 2, "updated": 0}
    found = events(db)
    assert found["g1"].description == "Opening day, first pitch 19:05"
    assert found["g2"].name == "Rovers vs. Bjørnene"
    again = seatshare("schedule", "import", "--entity-id", entity_id, path, "--json")
    assert again.json == {"created": 0, "updated": 0}
    assert count(db, Event) == 2


@pytest.mark.parametrize("name, hint", [
    ("season.csv", ' (in Excel, save it as "CSV UTF-8")'),
    ("season.ics", ""),
])
def test_a_file_in_another_encoding_is_refused_with_how_to_save_it(name, hint):
    """Excel's plain "CSV" is in the Windows code page (é, ø as one byte
    each): refused, never guessed at, with what to choose instead."""
    text = "name;start_time\r\nRovers vs. Bjørnene;2025-04-01T23:05:00Z\r\n"
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(name, text.encode("cp1252"))
    assert str(caught.value) == f"line 2: the file is not UTF-8 text{hint}"


def test_blank_columns_a_spreadsheet_adds_at_the_end_are_ignored():
    """A spreadsheet saves every column of its used range: cells once typed
    in and cleared become columns with no name and no values."""
    text = "name,start_time,,\r\nOpener,2025-04-01T23:05:00Z,,\r\nSecond,2025-04-08T23:05:00Z,,\r\n"
    assert [e.name for e in parse_schedule("season.csv", text.encode())] == ["Opener", "Second"]
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("season.csv", (text + "Third,2025-04-15T23:05:00Z,Rain date,\r\n").encode())
    assert str(caught.value) == "line 4: 'Rain date' is in column 3, which the header does not name"


def test_start_times_are_kept_to_the_second_the_api_shows():
    """The API shows whole seconds: two events shown at 19:05:00 are not
    ordered or split into past and future by a fraction nobody sees."""
    text = (
        "name,start_time\n"
        "Late,2025-04-01T19:05:00.7-04:00\n"
        "Early,2025-04-01T23:06:00.300000Z\n"
    )
    late, early = parse_schedule("season.csv", text.encode())
    assert late.start_time == datetime.datetime(2025, 4, 1, 23, 5)
    assert early.start_time == datetime.datetime(2025, 4, 1, 23, 6)
    # Without a key column, the key is the start time as written, to the
    # fraction, as before the rounding: a file imported then updates its
    # events again (API.md §5: re-importing never duplicates), and two
    # rows a fraction apart stay two events.
    assert late.key == "2025-04-01T23:05:00.700000Z"
    assert early.key == "2025-04-01T23:06:00.300000Z"
    twins = parse_schedule("twins.csv", (
        "name,start_time\nA,2025-04-01T23:05:00.1Z\nB,2025-04-01T23:05:00.2Z\n").encode())
    assert [e.start_time for e in twins] == [datetime.datetime(2025, 4, 1, 23, 5)] * 2
    assert len({e.key for e in twins}) == 2
    ics = ICS.replace("20250401T190500", "20250401T190500.5")
    assert "20250401T190500.5" in ics
    with pytest.raises(ScheduleError):  # icalendar has no fractions: refused, not rounded
        parse_schedule("season.ics", ics.encode())


def test_a_malformed_csv_names_the_line_and_writes_nothing(
    seatshare, db, entity_id, schedule_file
):
    text = CSV + "Rovers vs. Foxes,next tuesday,,g3,,\n"
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(text), "--json")
    assert run.code == 1
    assert run.out == ""
    assert run.err.count("\n") == 1
    assert "line 4:" in run.err
    assert "nothing was imported" in run.err
    assert count(db, Event) == 0


def test_every_bad_row_of_a_csv_is_named_and_none_imported(
    seatshare, db, entity_id, schedule_file
):
    text = (
        "name,start_time,key,time_tba\n"
        "Good,2025-04-01T19:05:00Z,g1,\n"
        "Bad time,next tuesday,g2,\n"
        "Good,2025-04-02T19:05:00Z,g3,\n"
        ",2025-04-03T19:05:00Z,g4,\n"
        "Bad flag,2025-04-04T19:05:00Z,g5,maybe\n"
        "Twice,2025-04-05T19:05:00Z,g1,\n"
        "Short row\n"
    )
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(text), "--json")
    assert run.code == 1 and run.out == ""
    first, *listed = run.err.splitlines()
    assert first.endswith("schedule.csv: 5 rows at fault; nothing was imported:")
    expected = [(3, "not an ISO 8601"), (5, "name must not be blank"), (6, "not true or false"),
                (7, "already used on line 2"), (8, "expected 4 fields, found 1")]
    assert len(listed) == len(expected)
    for text, (line, message) in zip(listed, expected):
        assert text.startswith(f"  line {line}: ") and message in text, text
    assert count(db, Event) == 0


def test_every_bad_event_of_an_ics_is_named():
    ics = (ICS.replace("SUMMARY:Rovers vs. Hounds\n", "")
              .replace("DTSTART;VALUE=DATE:20250408", "DTSTART:next week"))
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("season.ics", ics.encode())
    assert [line for line, _ in caught.value.faults] == [4, 12]
    assert "the event has no SUMMARY" in str(caught.value)
    assert "line 12: DTSTART" in str(caught.value)


def test_a_file_of_bad_rows_names_the_first_hundred_and_counts_the_rest():
    text = "name,start_time\n" + "Game,soon\n" * 250
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("schedule.csv", text.encode())
    message = str(caught.value)
    assert len(caught.value.faults) == 250
    assert message.count("\n  line ") == 100
    assert "line 101:" in message and "line 102:" not in message
    assert message.endswith("\n  and 150 more")


@pytest.mark.parametrize("start_time", [
    "2026-W05-3T19:00Z", "2026W053 19:00Z", "2026w053t19:00z", "2026W053T190000Z",
    "2026-W05-3 20:00+01:00",
])
def test_a_week_date_is_its_calendar_date(start_time):
    """ISO 8601, as API.md asks for, writes a date as a week date too:
    Wednesday of week 5 of 2026 is 28 January, with a time after T, t or a
    space as for a calendar date."""
    [event] = parse_schedule("season.csv", f"name,start_time\nGame,{start_time}\n".encode())
    assert event.start_time == datetime.datetime(2026, 1, 28, 19, 0)


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("name,start_time\nGame,2025-04-01T19:05:00\n", 2, "needs an offset or Z"),
        # A date alone is no start time; "needs an offset or Z" sent the
        # operator to write 2025-04-01Z, which is refused too.
        ("name,start_time\nGame,2025-04-01\n", 2,
         "start_time '2025-04-01' is a date without a time: give the time and its offset"),
        ("name,start_time\nGame,20250401\n", 2, "is a date without a time"),
        # Python 3.11 takes any one character between the date and the time,
        # which RFC 3339 does not: said so, not "a date without a time".
        ("name,start_time\nGame,2025-04-01_19:05:00Z\n", 2,
         "start_time '2025-04-01_19:05:00Z' separates its date and time with '_': use T"),
        ("name,start_time\nGame,2025-04-01\xa019:05:00Z\n", 2,
         "separates its date and time with '\\xa0': use T"),
        ("name,start_time\nGame,20250401x190500Z\n", 2, "with 'x': use T"),
        # Python guessed where a week date ends: it read 2026W05319:00Z as
        # Monday of week 5 with "3" between date and time; the message then
        # named "1", a digit of the time, as the separator.
        ("name,start_time\nGame,2026W05319:00Z\n", 2,
         "start_time '2026W05319:00Z' has nothing between its date 2026W053 and its "
         "time: put T between them"),
        ("name,start_time\nGame,2026-W05-319:00Z\n", 2,
         "has nothing between its date 2026-W05-3 and its time"),
        # A week is not a date: Python read it as its Monday.
        ("name,start_time\nGame,2026-W05T19:00Z\n", 2,
         "start_time '2026-W05T19:00Z' names the week 2026-W05 without its day: add "
         "the day of the week, 1 (Monday) to 7, as in 2026-W05-1"),
        ("name,start_time\nGame,2026W05 19:00Z\n", 2, "as in 2026W051 "),
        ("name,start_time\nGame,2026-W05-8T19:00Z\n", 2, "is not an ISO 8601 date and time"),
        ("name,when\nGame,2025-04-01T19:05:00Z\n", 1, "unknown column 'when'"),
        ("name\nGame\n", 1, "no 'start_time' column"),
        ("name,start_time\n,2025-04-01T19:05:00Z\n", 2, "name must not be blank"),
        ("name,start_time,time_tba\nGame,2025-04-01T19:05:00Z,maybe\n", 2, "not true or false"),
        ("name,start_time\nGame,2025-04-01T19:05:00Z,extra\n", 2, "expected 2 fields, found 3"),
        (
            'name,start_time,description\nA,2025-04-01T19:05:00Z,"two\nlines"\n'
            "B,bad,\n",
            4,
            "not an ISO 8601",
        ),
        (
            "name,start_time,key\nA,2025-04-01T19:05:00Z,k\nB,2025-04-02T19:05:00Z,k\n",
            3,
            "already used on line 2",
        ),
        ("", 1, "empty"),
        ("name,start_time\nGa\x00me,2025-04-01T19:05:00Z\n", 2, "control characters"),
        ("name,start_time\nGame,0001-01-01T00:00:00+01:00\n", 2, "out of range"),
        (
            'name,start_time,description\nA,2025-04-01T19:05:00Z,"Opening\n'
            "B,2025-04-02T19:05:00Z,Second\n",
            2,
            "never closed",
        ),
        ('name,start_time,description\nA,2025-04-01T19:05:00Z,"Open"ing\n', 2, "not valid CSV"),
    ],
)
def test_csv_faults_name_their_line(text, line, message):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("schedule.csv", text.encode())
    assert caught.value.line == line
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "name,start_time\nGame," + "9" * 100_000 + "\n",
        "name,start_time,time_tba\nGame,2025-04-01T19:05:00Z," + "x" * 100_000 + "\n",
        "name,start_time," + "c" * 100_000 + "\n",
    ],
)
def test_a_huge_value_is_quoted_short_in_the_message(text):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("schedule.csv", text.encode())
    assert len(str(caught.value)) < 200
    assert "…" in str(caught.value)


def test_a_quote_left_open_does_not_swallow_the_rows_after_it(
    seatshare, db, entity_id, schedule_file
):
    text = (
        "key,name,start_time,description\n"
        'g1,Rovers vs. Hounds,2025-04-01T23:05:00Z,"Opening day\n'
        "g2,Rovers vs. Bears,2025-04-08T23:05:00Z,\n"
    )
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(text))
    assert run.code == 1
    assert "line 2: a quote opened in this record is never closed" in run.err
    assert count(db, Event) == 0


def test_ics_import_keys_events_by_uid(seatshare, db, entity_id, schedule_file):
    path = schedule_file(ICS, "season.ics")
    run = seatshare("schedule", "import", "--entity-id", entity_id, path, "--json")
    assert run.json == {"created": 2, "updated": 0}
    again = seatshare("schedule", "import", "--entity-id", entity_id, path, "--json")
    assert again.json == {"created": 0, "updated": 0}
    found = events(db)
    assert set(found) == {"game-1@example.com", "game-2@example.com"}
    # 19:05 in New York in April is 23:05 UTC.
    assert found["game-1@example.com"].start_time == datetime.datetime(2025, 4, 1, 23, 5)
    assert found["game-1@example.com"].time_tba is False
    # An all-day event: the date is known, the time is not.
    assert found["game-2@example.com"].start_time == datetime.datetime(2025, 4, 8, 12)
    assert found["game-2@example.com"].time_tba is True


@pytest.mark.parametrize(
    "dtstart",
    [
        # RFC 5545 forbids a TZID on a date; some exporters write one anyway,
        # and icalendar then reads midnight in that zone.
        "DTSTART;VALUE=DATE;TZID=America/New_York:20250408",
        "DTSTART;TZID=Europe/Berlin;VALUE=DATE:20250408",
        "DTSTART;VALUE=date:20250408",
    ],
)
def test_an_all_day_date_stays_a_date_whatever_its_parameters(dtstart):
    ics = ICS.replace("DTSTART;VALUE=DATE:20250408", dtstart)
    event = parse_schedule("season.ics", ics.encode())[1]
    assert (event.start_time, event.time_tba) == (datetime.datetime(2025, 4, 8, 12), True)


@pytest.mark.parametrize(
    "recurrence",
    ["RRULE:FREQ=WEEKLY;COUNT=10", "RDATE:20250415T230500Z,20250422T230500Z"],
)
def test_a_recurring_event_is_refused_not_imported_once(recurrence):
    """Imported as one event, a weekly series would lose every game but the first."""
    ics = ICS.replace("SUMMARY:Rovers vs. Bears\n", f"SUMMARY:Rovers vs. Bears\n{recurrence}\n")
    with pytest.raises(ScheduleError) as refused:
        parse_schedule("season.ics", ics.encode())
    assert str(refused.value) == (
        "line 13: recurring events are not supported: list each event on its own"
    )


def test_a_floating_time_is_in_the_calendars_x_wr_timezone(
    seatshare, db, entity_id, schedule_file
):
    """Apple Calendar's exports write floating times and name the zone in
    X-WR-TIMEZONE; a time with its own TZID or Z keeps it."""
    ics = ICS.replace(
        "PRODID:-//SeatShare tests//EN\n", "PRODID:-//SeatShare tests//EN\nX-WR-TIMEZONE:America/Chicago\n"
    ).replace("DTSTART;TZID=America/New_York:20250401T190500", "DTSTART:20250401T190500")
    ics = ics.replace("END:VCALENDAR", "BEGIN:VEVENT\nUID:game-3@example.com\n"
                      "SUMMARY:Rovers at Lions\nDTSTART:20250415T000500Z\nEND:VEVENT\n"
                      "END:VCALENDAR")
    run = seatshare("schedule", "import", "--entity-id", entity_id,
                    schedule_file(ics, "season.ics"), "--json")
    assert run.json == {"created": 3, "updated": 0}, run.err
    found = events(db)
    # 19:05 in Chicago in April is 00:05 UTC the next day.
    assert found["game-1@example.com"].start_time == datetime.datetime(2025, 4, 2, 0, 5)
    assert found["game-2@example.com"].start_time == datetime.datetime(2025, 4, 8, 12)
    assert found["game-3@example.com"].start_time == datetime.datetime(2025, 4, 15, 0, 5)


def test_a_cancelled_ics_event_is_not_imported_and_an_old_one_is_left(
    seatshare, db, entity_id, schedule_file
):
    """A team's feed marks a called-off game STATUS:CANCELLED: it must not
    appear as a game to come; one imported before keeps its tickets."""
    path = schedule_file(ICS, "season.ics")
    assert seatshare("schedule", "import", "--entity-id", entity_id, path,
                     "--json").json == {"created": 2, "updated": 0}
    cancelled = ICS.replace("SUMMARY:Rovers vs. Bears\n",
                            "SUMMARY:Rovers vs. Bears (called off)\nSTATUS:CANCELLED\n")
    cancelled = cancelled.replace("END:VCALENDAR", "BEGIN:VEVENT\nUID:game-3@example.com\n"
                                  "SUMMARY:Rovers at Lions\nSTATUS:cancelled\n"
                                  "DTSTART:20250415T000500Z\nEND:VEVENT\nEND:VCALENDAR")
    path = schedule_file(cancelled, "season.ics")
    run = seatshare("schedule", "import", "--entity-id", entity_id, path)
    assert run.code == 0, run.err
    assert run.out == ("Riverside Rovers: 0 created, 0 updated, 1 unchanged. 2 cancelled in "
                       "the file (STATUS:CANCELLED) and not imported; one imported before is "
                       "left as it is.\n")
    found = events(db)
    assert set(found) == {"game-1@example.com", "game-2@example.com"}
    assert found["game-2@example.com"].name == "Rovers vs. Bears"
    again = seatshare("schedule", "import", "--entity-id", entity_id, path, "--json")
    assert again.json == {"created": 0, "updated": 0}


@pytest.mark.parametrize("prop, extra, line", [
    ("UID", "UID:game-1b@example.com", 8),
    ("SUMMARY", "SUMMARY:Rovers vs. Hounds again", 8),
    ("STATUS", "STATUS:CONFIRMED\nSTATUS:CANCELLED", 9),
])
def test_a_property_given_twice_in_an_ics_event_names_its_line(
    seatshare, db, entity_id, schedule_file, prop, extra, line
):
    """RFC 5545 allows each once: the second UID became a key such as
    "[vText(b'a'), vText(b'b')]", and a second STATUS:CANCELLED was not seen."""
    ics = ICS.replace("DESCRIPTION:Opening day\n", f"DESCRIPTION:Opening day\n{extra}\n", 1)
    path = schedule_file(ics, "season.ics")
    run = seatshare("schedule", "import", "--entity-id", entity_id, path)
    assert run.code == 1
    assert f"line {line}: {prop} is given twice in the event" in run.err, run.err
    assert count(db, Event) == 0


def test_x_wr_timezone_given_twice_is_refused(seatshare, db, entity_id, schedule_file):
    ics = ICS.replace("PRODID:-//SeatShare tests//EN\n", "PRODID:-//SeatShare tests//EN\n"
                      "X-WR-TIMEZONE:America/New_York\nX-WR-TIMEZONE:America/Chicago\n")
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(ics, "s.ics"))
    assert run.code == 1 and "X-WR-TIMEZONE is given more than once" in run.err
    assert count(db, Event) == 0


def test_a_floating_time_needs_an_iana_x_wr_timezone(seatshare, db, entity_id, schedule_file):
    ics = ICS.replace(
        "PRODID:-//SeatShare tests//EN\n", "PRODID:-//SeatShare tests//EN\nX-WR-TIMEZONE:localtime\n"
    ).replace("DTSTART;TZID=America/New_York:20250401T190500", "DTSTART:20250401T190500")
    path = schedule_file(ics, "season.ics")
    run = seatshare("schedule", "import", "--entity-id", entity_id, path)
    assert run.code == 1
    assert run.err == (f"seatshare: error: {path}: line 9: DTSTART has no time zone and the "
                       "calendar's X-WR-TIMEZONE 'localtime' is not an IANA name; nothing was "
                       "imported\n")
    assert count(db, Event) == 0


@pytest.mark.parametrize(
    "old, new, line, message",
    [
        ("DTSTART;VALUE=DATE:20250408", "DTSTART:next week", 13, "DTSTART"),
        ("UID:game-2@example.com\n", "", 10, "has no UID"),
        ("DTSTART;TZID=America/New_York:20250401T190500", "DTSTART:20250401T190500", 8,
         "needs a time zone"),
        ("END:VEVENT\nBEGIN:VEVENT", "BEGIN:VEVENT", 9, "is END:VEVENT missing?"),
        ("DTSTART;TZID=America/New_York:", "DTSTART;TZID=Riverside/Stadium:", 8,
         "time zone 'Riverside/Stadium' is unknown"),
        ("SUMMARY:Rovers vs. Bears", "this is not a content line", 12, "not an iCalendar"),
        # Values icalendar reads, but no moment an event starts at.
        ("DTSTART;VALUE=DATE:20250408", "DTSTART;VALUE=PERIOD:20250408T230000Z/PT3H", 13,
         "DTSTART must be a date, or a date and time"),
        ("DTSTART;VALUE=DATE:20250408", "DTSTART;VALUE=TIME:190500", 13,
         "DTSTART must be a date, or a date and time"),
        ("DTSTART;VALUE=DATE:20250408", "DTSTART:PT3H", 13,
         "DTSTART must be a date, or a date and time"),
        ("DTSTART;VALUE=DATE:20250408", "DTSTART;VALUE=DATE:20250408T230000Z", 13,
         "DTSTART is VALUE=DATE but holds a time"),
    ],
)
def test_a_malformed_ics_names_the_line_and_writes_nothing(
    seatshare, db, entity_id, schedule_file, old, new, line, message
):
    assert old in ICS
    path = schedule_file(ICS.replace(old, new), "season.ics")
    run = seatshare("schedule", "import", "--entity-id", entity_id, path)
    assert run.code == 1
    assert f"line {line}:" in run.err, run.err
    assert message in run.err
    assert count(db, Event) == 0


@pytest.mark.parametrize("entity_id", [999999, 0, -1, 2**31, 10**30])
def test_an_unknown_entity_is_refused(seatshare, db, schedule_file, entity_id):
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(CSV))
    assert run.code == 1
    assert run.err == (f"seatshare: error: no entity with id {entity_id} "
                       "(entity list shows every one)\n")
    assert count(db, Event) == 0


def test_only_csv_and_ics_files_are_accepted(seatshare, entity_id, schedule_file):
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(CSV, "s.txt"))
    assert run.code == 1
    assert ".csv or .ics" in run.err


def test_a_file_larger_than_any_schedule_is_refused_unread(
    seatshare, db, entity_id, schedule_file, monkeypatch
):
    from seatshare.cli import schedule as command

    text = CSV * 4
    monkeypatch.setattr(command, "MAX_FILE_BYTES", len(CSV))
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(text), "--json")
    assert run.code == 1 and run.out == ""
    assert run.err.endswith(" MiB, which no schedule is; nothing was imported\n")
    assert count(db, Event) == 0


def test_the_file_s_name_is_checked_before_it_is_read(seatshare, entity_id, tmp_path):
    """A directory named .txt, as /dev/zero: refused for its name, never read."""
    (tmp_path / "notes.txt").mkdir()
    run = seatshare("schedule", "import", "--entity-id", entity_id, tmp_path / "notes.txt")
    assert run.code == 1
    assert "must be a .csv or .ics file; nothing was imported" in run.err


def test_import_reports_progress_and_a_summary(seatshare, entity_id, schedule_file):
    rows = "".join(
        f"Game {i},2025-04-01T19:05:00Z,,g{i},,\n" for i in range(250)
    )
    run = seatshare(
        "schedule", "import", "--entity-id", entity_id,
        schedule_file("name,start_time,description,key,date_tba,time_tba\n" + rows),
    )
    assert run.code == 0
    # Not a terminal: no carriage-return redraws, one final progress line.
    assert run.err == "Importing into Riverside Rovers: 250/250 events\n"
    assert run.out == "Riverside Rovers: 250 created, 0 updated, 0 unchanged.\n"


def test_progress_redraws_in_place_on_a_terminal():
    import io

    from seatshare.cli.base import ProgressLine

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = ProgressLine(stream, "Importing", "events")
    progress(100, 250)
    progress(200, 250)
    progress(250, 250)
    progress.finish()
    assert stream.getvalue() == (
        "\rImporting: 100/250 events\rImporting: 200/250 events"
        "\rImporting: 250/250 events\rImporting: 250/250 events\n"
    )


def test_ctrl_c_on_a_terminal_ends_the_progress_line_before_the_error(
    ini, db, entity_id, schedule_file, monkeypatch
):
    import io

    from seatshare.cli import schedule as command

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    def interrupted(dbsession, entity_id, events, progress):
        progress(100, 250)
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "import_events", interrupted)
    out, err = io.StringIO(), Terminal()
    code = main([ini, "schedule", "import", "--entity-id", str(entity_id), schedule_file(CSV)],
                stdout=out, stderr=err)
    assert code == 130 and out.getvalue() == ""
    assert err.getvalue() == (
        "\rImporting into Riverside Rovers: 100/250 events\n"
        "seatshare: error: interrupted; nothing was written\n"
    )
    assert count(db, Event) == 0


def test_help_describes_the_file_formats(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as exited:
        main(["site.ini", "schedule", "import", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for column in CSV_REQUIRED + CSV_OPTIONAL:
        assert f"\n  {column} " in text
    assert "offset or Z" in text
    assert "UID" in text and "DTSTART" in text and "RRULE" in text
    # The description is still wrapped to the terminal.
    assert all(len(line) <= 80 for line in text.splitlines())


def test_ctrl_c_during_an_import_writes_nothing(seatshare, db, entity_id, schedule_file,
                                                monkeypatch):
    """Interrupted after its events were sent, before the commit: exit 130,
    no traceback, and the database as it was."""
    from seatshare.cli import schedule as command

    real = command.import_events

    def interrupted(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "import_events", interrupted)
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(CSV))
    assert run.code == 130
    assert run.err.endswith("seatshare: error: interrupted; nothing was written\n")
    assert "Traceback" not in run.err and run.out == ""
    assert count(db, Event) == 0


def test_ctrl_c_during_the_commit_says_it_may_have_been_saved(seatshare, db, monkeypatch):
    from seatshare.cli.base import Environment

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Environment, "commit", interrupted)
    run = seatshare("entity", "create", "--name", "Riverside")
    assert run.code == 130
    assert "may or may not have been saved" in run.err


def test_an_ics_file_with_several_faults_counts_events_not_rows(
    seatshare, db, entity_id, schedule_file
):
    ics = ICS.replace("DTSTART;TZID=America/New_York:20250401T190500", "DTSTART:soon").replace(
        "DTSTART;VALUE=DATE:20250408", "DTSTART:later")
    path = schedule_file(ics, "season.ics")
    run = seatshare("schedule", "import", "--entity-id", entity_id, path)
    assert run.code == 1
    assert run.err.splitlines()[0].endswith("season.ics: 2 events at fault; nothing was imported:")
    assert count(db, Event) == 0


def test_an_unknown_entity_is_refused_before_the_file_is_checked(
    seatshare, db, schedule_file, monkeypatch
):
    """Checking a large file takes seconds; a mistyped --entity-id was said
    only after them (and a malformed file's faults hid it)."""
    from seatshare.cli import schedule as command

    def never(filename, data):
        raise AssertionError("the file was checked")

    monkeypatch.setattr(command, "parse_schedule", never)
    run = seatshare("schedule", "import", "--entity-id", 999999, schedule_file(CSV))
    assert (run.code, run.out) == (1, "")
    assert run.err == ("seatshare: error: no entity with id 999999 "
                       "(entity list shows every one)\n")


def test_the_servers_writers_do_not_wait_while_the_file_is_checked(
    seatshare, db, backend, entity_id, schedule_file, monkeypatch, cli_engine
):
    """The entity is looked up first, in a read-only transaction that ends
    before the check: on SQLite a writing one holds the write lock."""
    from seatshare.cli import schedule as command

    checked = command.parse_schedule
    written = []

    def check_while_someone_writes(filename, data):
        with cli_engine.connect() as other:
            if backend == "sqlite":
                other.exec_driver_sql("PRAGMA busy_timeout = 0")
            other.execute(Entity.__table__.update().values(name="Rovers"))
            other.commit()
            written.append(True)
        return checked(filename, data)

    monkeypatch.setattr(command, "parse_schedule", check_while_someone_writes)
    run = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(CSV))
    assert run.code == 0, run.err
    assert written and count(db, Event) == 2


def test_checking_a_large_file_is_said_on_stderr(
    seatshare, db, entity_id, tmp_path, schedule_file
):
    """Checking some 20,000 rows or more takes seconds before the first
    progress line: a line says the file is being checked."""
    path = tmp_path / "season.csv"
    with path.open("w") as f:
        f.write("name,start_time,description\n")
        start = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
        for hour in range(20_000):
            f.write(f"Game {hour},{(start + datetime.timedelta(hours=hour)).isoformat()},"
                    f"{'x' * 20}\n")
    run = seatshare("schedule", "import", "--entity-id", entity_id, str(path), "--json")
    assert run.code == 0, run.err
    assert run.json == {"created": 20_000, "updated": 0}
    size = path.stat().st_size / 2**20
    assert size >= 1
    assert run.err.splitlines() == [
        f"Checking {path} ({size:.1f} MiB) before importing anything…",
        "Importing into Riverside Rovers: 20000/20000 events",
    ]
    # A season's file says nothing but its import's line.
    small = seatshare("schedule", "import", "--entity-id", entity_id, schedule_file(CSV))
    assert small.err == "Importing into Riverside Rovers: 2/2 events\n"


@pytest.mark.parametrize(
    "start_time", ["2025-04-01t19:05:00z", "2025-04-01 19:05:00Z", "20250401T190500Z"]
)
def test_a_start_time_with_a_lower_case_t_and_z_is_read_as_rfc_3339_allows(start_time):
    text = f"name,start_time\nGame,{start_time}\n"
    [event] = parse_schedule("schedule.csv", text.encode())
    assert event.start_time == datetime.datetime(2025, 4, 1, 19, 5)
    assert event.key == "2025-04-01T19:05:00Z"


def test_an_ics_line_folded_inside_a_utf8_character_is_restored():
    """RFC 5545 §3.1: simple exporters fold at 75 octets, inside a
    character if need be, and a reader must restore it; it was refused as
    "not UTF-8 text". The lines keep their numbers."""
    summary = "Rovers vs. Éclairs de Montréal".encode()
    cut = summary.index("É".encode()) + 1
    data = (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:game-1\r\nSUMMARY:" + summary[:cut]
            + b"\r\n " + summary[cut:] + b"\r\nDTSTART:20250401T230500Z\r\nEND:VEVENT\r\n"
            b"BEGIN:VEVENT\r\nUID:game-2\r\nSUMMARY:Rovers vs. Bears\r\nEND:VEVENT\r\n"
            b"END:VCALENDAR\r\n")
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("season.ics", data)
    assert str(caught.value) == "line 8: the event has no DTSTART"  # its BEGIN
    [event] = parse_schedule("season.ics", data.replace(
        b"Bears\r\n", b"Bears\r\nDTSTART:20250408T230500Z\r\n"))[:1]
    assert event.name == "Rovers vs. Éclairs de Montréal"
