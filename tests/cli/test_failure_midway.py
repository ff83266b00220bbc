"""A command that writes several rows and fails after the first (``db demo``,
``user create``, ``schedule import``): the database is exactly as before.
Each test makes the failure strike after rows were flushed; the command
commits once, at its end (``seatshare.cli.main``)."""
import pytest
import sqlalchemy as sa

from seatshare.cli import main
from seatshare.models import Entity, metadata

from .test_schedule import CSV


class Midway(Exception):
    """The failure forced after part of a write was sent."""


def fail_after(real):
    """``real(dbsession, …)``, then the session flushed, then a failure."""

    def failing(dbsession, *args, **kwargs):
        real(dbsession, *args, **kwargs)
        dbsession.flush()
        raise Midway("after the first rows")

    return failing


def rows(db):
    """How many rows each table holds."""
    db.expire_all()
    return {table.name: db.scalar(sa.select(sa.func.count()).select_from(table))
            for table in metadata.sorted_tables}


def test_db_demo_failing_midway_loads_nothing(ini, db, monkeypatch):
    from seatshare.services import demo

    before = rows(db)
    monkeypatch.setattr(demo, "record_ticket_changes", fail_after(demo.record_ticket_changes))
    with pytest.raises(Midway):
        main([ini, "db", "demo", "--password", "demo-pass-123"])
    assert rows(db) == before


def test_user_create_failing_midway_creates_nobody(ini, db, monkeypatch):
    from seatshare.cli import user as command

    def failing(record, text):
        raise Midway("after the user's row")

    monkeypatch.setattr(command, "Outcome", failing)
    with pytest.raises(Midway):
        main([ini, "user", "create", "--email", "ann@example.com", "--password",
              "a long enough password", "--first-name", "Ann", "--last-name", "Lee"])
    assert rows(db)["users"] == 0


def test_schedule_import_failing_midway_imports_nothing(ini, db, tmp_path, monkeypatch):
    from seatshare.cli import schedule as command

    entity = Entity(name="Riverside Rovers")
    db.add(entity)
    db.commit()
    schedule = tmp_path / "schedule.csv"
    schedule.write_text(CSV)
    before = rows(db)
    monkeypatch.setattr(command, "import_events", fail_after(command.import_events))
    with pytest.raises(Midway):
        main([ini, "schedule", "import", "--entity-id", str(entity.id), str(schedule)])
    assert rows(db) == before
