import datetime

import pytest
from sqlalchemy import select

from seatshare.models import Entity, Event

from .conftest import count


def test_entity_create_prints_id_and_name(seatshare, db):
    run = seatshare("entity", "create", "--name", "Riverside Rovers", "--json")
    assert run.code == 0
    entity = db.get(Entity, run.json["id"])
    assert run.json == {"id": entity.id, "name": "Riverside Rovers"}


def test_entity_create_refuses_a_duplicate_name(seatshare, db):
    seatshare("entity", "create", "--name", "Riverside Rovers")
    run = seatshare("entity", "create", "--name", "Riverside Rovers")
    assert run.code == 1
    assert run.err.count("\n") == 1
    assert "already exists" in run.err
    assert count(db, Entity) == 1


@pytest.mark.parametrize("blank", ["   ", "\u200b", "\ufeff\u2060 \u3000"])
def test_entity_create_refuses_a_blank_name(seatshare, db, blank):
    """Blank as the API's names are (seatshare.text): nothing but white
    space and invisible format characters."""
    run = seatshare("entity", "create", "--name", blank)
    assert run.code == 1
    assert count(db, Entity) == 0


def test_a_missing_config_file_is_one_line_and_exit_1(seatshare, tmp_path):
    run = seatshare("entity", "create", "--name", "X", config=str(tmp_path / "nope.ini"))
    assert run.code == 1
    assert run.err.count("\n") == 1
    assert "cannot read" in run.err


def test_an_unreachable_database_is_one_line_and_exit_1(seatshare, tmp_path):
    from .conftest import write_ini

    # Nothing listens on port 1: connecting fails at once, as with PostgreSQL
    # down. (A SQLite file that does not exist is refused before connecting.)
    ini = write_ini(tmp_path / "down.ini", "postgresql+psycopg://postgres@127.0.0.1:1/seatshare")
    run = seatshare("entity", "create", "--name", "X", config=ini)
    assert run.code == 1
    assert run.err.startswith("seatshare: error: database error:")
    assert run.err.count("\n") == 1


def test_a_write_that_conflicts_in_the_database_is_one_line_and_exit_1(
    seatshare, db, monkeypatch
):
    """A race the command's own check cannot see: the unique constraint wins."""
    from seatshare.cli import entity

    seatshare("entity", "create", "--name", "Riverside Rovers")
    # The command's look-up misses the existing row, as if it were not yet committed.
    monkeypatch.setattr(entity, "entity_named", lambda dbsession, name: None)
    run = seatshare("entity", "create", "--name", "Riverside Rovers")
    assert run.code == 1
    assert run.err.startswith("seatshare: error: conflicts with the data in the database:")
    assert run.err.count("\n") == 1
    assert count(db, Entity) == 1


def test_entity_create_refuses_control_characters(seatshare, db):
    run = seatshare("entity", "create", "--name", "Rovers\x01")
    assert run.code == 1
    assert "control characters" in run.err
    assert count(db, Entity) == 0



def test_entity_list_shows_each_entity_s_id_for_schedule_import(seatshare, db):
    """The id schedule import asks for, when entity create's output is gone."""
    hawks = seatshare("entity", "create", "--name", "Harbor Hawks", "--json").json
    owls = seatshare("entity", "create", "--name", "Ørsted Owls", "--json").json
    db.add(Event(entity_id=owls["id"], key="k", name="Opener",
                 start_time=datetime.datetime(2025, 4, 1, 23, 5)))
    db.commit()
    run = seatshare("entity", "list", "--json")
    assert run.code == 0, run.err
    assert run.json == {"entities": [{**hawks, "events": 0}, {**owls, "events": 1}]}
    text = seatshare("entity", "list")
    assert text.out.splitlines() == [f"{hawks['id']}  Harbor Hawks  (0 events)",
                                     f"{owls['id']}  Ørsted Owls  (1 event)"]


def test_entity_list_of_none_says_so(seatshare):
    run = seatshare("entity", "list")
    assert (run.code, run.out) == (0, "No entities yet: create one with entity create.\n")


def test_entity_create_refuses_a_name_that_differs_only_in_case(seatshare, db):
    seatshare("entity", "create", "--name", "Riverside Rovers")
    run = seatshare("entity", "create", "--name", "riverside ROVERS", "--json")
    assert (run.code, run.out) == (1, "")
    assert run.err == ("seatshare: error: an entity named 'Riverside Rovers' already "
                       f"exists (id {db.scalar(select(Entity.id))})\n")
    assert count(db, Entity) == 1


def test_a_sqlite_database_locked_too_long_says_why_and_what_to_do(
    seatshare, db, backend, cli_engine, monkeypatch
):
    """After 30 seconds' wait for SQLite's write lock, the operator read
    "database error: database is locked" and no more."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL's commands wait for a lock as long as it takes")
    from seatshare.models import engine as engines

    setup = engines._setup_sqlite
    monkeypatch.setattr(engines, "_setup_sqlite",
                        lambda engine, busy_timeout_ms: setup(engine, 100))
    writer = cli_engine.raw_connection()
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process, in the middle of a write
        run = seatshare("entity", "create", "--name", "Riverside Rovers")
    finally:
        writer.rollback()
        writer.close()
    assert (run.code, run.out) == (1, "")
    assert run.err == ("seatshare: error: database error: database is locked: another "
                       "process kept SQLite's write lock for 30 seconds (a server's write, "
                       "or another seatshare command's); run the command again\n")
    assert count(db, Entity) == 0


def test_the_database_refuses_a_name_that_differs_only_in_case(seatshare, db, monkeypatch):
    """The command's look-up was the only rule: a second writer it cannot
    see yet (or any other code) added "riverside rovers" beside "Riverside
    Rovers". The database's unique index on lower(name) now refuses it."""
    from seatshare.cli import entity

    seatshare("entity", "create", "--name", "Riverside Rovers")
    monkeypatch.setattr(entity, "entity_named", lambda dbsession, name: None)
    run = seatshare("entity", "create", "--name", "riverside ROVERS", "--json")
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith("seatshare: error: conflicts with the data in the database:")
    assert run.err.count("\n") == 1
    assert count(db, Entity) == 1
