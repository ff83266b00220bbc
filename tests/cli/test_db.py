"""``db upgrade`` and ``db demo``."""
import datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.ddl.impl import DefaultImpl
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from seatshare.models import (
    Application,
    Entity,
    Event,
    Group,
    HistoryAction,
    Membership,
    RequestStatus,
    Role,
    Ticket,
    TicketHistory,
    TicketRequest,
    User,
    UserAlias,
    utcnow,
)
from seatshare.passwords import passwords_from_settings

from ..conftest import create_database, record_revision
from .conftest import count, write_ini


def scripts():
    config = Config()
    config.set_main_option("script_location", "seatshare:alembic")
    return ScriptDirectory.from_config(config)


def head_revision():
    return scripts().get_current_head()


def revision_before(revision):
    return scripts().get_revision(revision).down_revision


def test_db_upgrade_migrates_a_fresh_database_to_head(seatshare, backend, tmp_path):
    url, drop = create_database(backend, str(tmp_path))
    try:
        ini = write_ini(tmp_path / "fresh.ini", url)
        run = seatshare("db", "upgrade", "--json", config=ini)
        assert run.code == 0, run.err
        assert run.json == {"revision": head_revision(), "previous": None}
        engine = sa.create_engine(url)
        assert "tickets" in sa.inspect(engine).get_table_names()
        engine.dispose()
        # Twice is harmless.
        again = seatshare("db", "upgrade", config=ini)
        assert again.code == 0
        assert again.out == f"The database is at revision {head_revision()} (head).\n"
    finally:
        drop()


def alembic_upgrade(seatshare, ini):
    """``alembic -c INI upgrade head``, as an operator may migrate."""
    command.upgrade(Config(ini), "head")
    return SimpleNamespace(code=0)


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o000])
@pytest.mark.parametrize("upgrade", [
    lambda seatshare, ini: seatshare("db", "upgrade", config=ini), alembic_upgrade],
    ids=["seatshare db upgrade", "alembic upgrade head"])
def test_db_upgrade_creates_a_sqlite_file_only_its_user_can_read(seatshare, tmp_path, umask,
                                                                 upgrade):
    """It holds the password and token hashes: the umask (0644 under the
    usual 022) let every local user copy them. The file, and the -wal and
    -shm files SQLite makes beside it, are 0600 whatever the umask, and
    however it is migrated: alembic's own command made it 0644."""
    import os
    import stat

    from seatshare.models import get_engine

    path = tmp_path / "new.sqlite"
    ini = write_ini(tmp_path / "new.ini", f"sqlite:///{path}")
    before = os.umask(umask)
    try:
        assert upgrade(seatshare, ini).code == 0
        engine = get_engine({"sqlalchemy.url": f"sqlite:///{path}"})  # WAL, as the server's
        with engine.connect():
            made = sorted(tmp_path.glob("new.sqlite*"))
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in made}
        engine.dispose()
    finally:
        os.umask(before)
    assert modes == {"new.sqlite": 0o600, "new.sqlite-shm": 0o600, "new.sqlite-wal": 0o600}


def test_db_upgrade_says_when_it_cannot_create_the_sqlite_file(seatshare, tmp_path):
    missing = tmp_path / "no-such-folder" / "new.sqlite"
    run = seatshare("db", "upgrade", config=write_ini(tmp_path / "new.ini",
                                                      f"sqlite:///{missing}"))
    assert (run.code, run.out) == (1, "")
    assert run.err == (f"seatshare: error: cannot create the SQLite database {missing}: "
                       "No such file or directory\n")


def test_db_upgrade_at_head_runs_no_migration_nor_its_checks(seatshare, tmp_path):
    """Nothing to migrate: `make run` upgrades at every start, and SQLite's
    check before a migration reads every foreign key of every row; a row
    that dangles is said only by an upgrade that has migrations to run."""
    import sqlite3

    url, drop = create_database("sqlite", str(tmp_path))
    try:
        ini = write_ini(tmp_path / "head.ini", url)
        assert seatshare("db", "upgrade", config=ini).code == 0
        raw = sqlite3.connect(url.removeprefix("sqlite:///"))  # foreign keys off
        raw.execute("INSERT INTO user_aliases (user_id, first_name, last_name, created_at)"
                    " VALUES (999, 'Gone', 'Owner', '2026-11-30 08:00:00')")
        raw.commit()
        raw.close()
        again = seatshare("db", "upgrade", config=ini)
        assert again.code == 0, again.err
        assert again.out == f"The database is at revision {head_revision()} (head).\n"
    finally:
        drop()


def test_db_upgrade_works_with_an_ini_file_without_an_alembic_section(
    seatshare, backend, tmp_path
):
    url, drop = create_database(backend, str(tmp_path))
    try:
        ini = tmp_path / "no-alembic.ini"
        write_ini(ini, url)
        text = ini.read_text()
        ini.write_text(text[: text.index("[alembic]")])
        run = seatshare("db", "upgrade", "--json", config=str(ini))
        assert run.code == 0, run.err
        assert run.json == {"revision": head_revision(), "previous": None}
    finally:
        drop()


@pytest.mark.parametrize("command", [
    ("db", "demo"),
    ("app", "list"),
    ("user", "create", "--email", "ada@example.com", "--password", "a long passphrase",
     "--first-name", "Ada", "--last-name", "Lovelace"),
    ("entity", "create", "--name", "Riverside"),
    ("tokens", "purge"),
])
def test_a_database_never_migrated_says_to_run_db_upgrade(seatshare, backend, tmp_path,
                                                           command):
    url, drop = create_database(backend, str(tmp_path))
    if backend == "sqlite":
        # An empty file: one that does not exist is refused as such
        # (test_a_sqlite_file_that_does_not_exist_is_refused_not_created).
        open(url.removeprefix("sqlite:///"), "w").close()
    try:
        ini = write_ini(tmp_path / "empty.ini", url)
        run = seatshare(*command, config=ini)
        assert run.code == 1
        assert run.err.startswith("seatshare: error: the database has no SeatShare tables yet")
        assert run.err.endswith(f"; run: seatshare {ini} db upgrade\n")
        assert "Traceback" not in run.err and run.out == ""
    finally:
        drop()


def user_create_at_revision(seatshare, backend, tmp_path, revision):
    """``user create`` on a database migrated to 0001 and then stamped
    ``revision``: its SQL fails (0002 added a column it writes)."""
    from alembic import command as alembic

    url, drop = create_database(backend, str(tmp_path))
    try:
        ini = write_ini(tmp_path / "old.ini", url)
        alembic.upgrade(Config(ini), "0001")
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
        engine.dispose()
        run = seatshare("user", "create", "--email", "ada@example.com", "--password",
                        "a long passphrase", "--first-name", "Ada", "--last-name", "Lovelace",
                        "--json", config=ini)
    finally:
        drop()
    assert run.code == 1 and run.out == ""
    assert run.err.startswith("seatshare: error: database error: ")
    assert run.err.count("\n") == 1
    return run, ini


def test_a_database_behind_the_code_says_to_run_db_upgrade(seatshare, backend, tmp_path):
    """Migrated, but not to the newest revision: the SQL error says which
    revision the database is at and how to catch up."""
    run, ini = user_create_at_revision(seatshare, backend, tmp_path, "0001")
    assert run.err.endswith(
        f"; the database is at revision 0001, this SeatShare needs {head_revision()}: "
        f"run: seatshare {ini} db upgrade\n"
    )


def test_a_database_ahead_of_the_code_does_not_say_to_run_db_upgrade(
    seatshare, backend, tmp_path
):
    """Migrated by a newer SeatShare (the code rolled back): `db upgrade`
    cannot help, as this code does not know the database's revision."""
    run, _ = user_create_at_revision(seatshare, backend, tmp_path, "9999")
    assert run.err.endswith(
        f"; the database is at revision 9999, which this SeatShare does not know "
        f"(its newest is {head_revision()}): a newer SeatShare migrated it\n"
    )
    assert "db upgrade" not in run.err


def test_db_upgrade_says_which_revision_it_migrated_from(seatshare, backend, tmp_path):
    """production.ini logs alembic at WARN: the sentence is all the operator
    sees, so it tells an upgrade done from one with nothing to do."""
    from alembic import command as alembic

    url, drop = create_database(backend, str(tmp_path))
    try:
        ini = write_ini(tmp_path / "older.ini", url)
        alembic.upgrade(Config(ini), "0007")
        run = seatshare("db", "upgrade", config=ini)
        assert run.code == 0, run.err
        assert run.out == (f"Migrated the database from revision 0007 to {head_revision()} "
                           "(head).\n")
        assert seatshare("db", "upgrade", "--json", config=ini).json == {
            "revision": head_revision(), "previous": head_revision()}
    finally:
        drop()


def test_db_upgrade_on_a_database_newer_than_the_code_says_so(seatshare, backend, tmp_path):
    """Migrated by a newer SeatShare (the code was rolled back): the
    upgrade names both revisions and what to do, not alembic's "Can't
    locate revision", and changes nothing."""
    url, drop = create_database(backend, str(tmp_path))
    try:
        ini = write_ini(tmp_path / "newer.ini", url)
        assert seatshare("db", "upgrade", config=ini).code == 0
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        run = seatshare("db", "upgrade", "--json", config=ini)
        assert run.code == 1 and run.out == ""
        assert run.err == (
            "seatshare: error: the database is at revision 9999, which this SeatShare does "
            f"not know (its newest is {head_revision()}): a newer SeatShare migrated it; "
            "run that version, not this one\n"
        )
        with engine.connect() as connection:
            assert connection.execute(
                sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "9999"
        engine.dispose()
    finally:
        drop()


def test_db_demo_loads_a_season_and_says_how_to_sign_in(seatshare, db):
    run = seatshare("db", "demo", "--json")
    assert run.code == 0, run.err
    summary = run.json
    assert summary["loaded"] is True
    sign_in = summary["sign_in"]
    alex = db.scalar(select(User).where(User.email == sign_in["email"]))
    passwords = passwords_from_settings({})
    assert passwords.verify(alex.password_hash, sign_in["password"])
    assert sign_in["password"] not in alex.password_hash

    assert count(db, User) == summary["users"] >= 3
    assert count(db, Group) == 2
    assert db.scalar(select(Membership).where(Membership.user_id == alex.id)).role == Role.ADMIN
    now = utcnow()
    starts = [e.start_time for e in db.scalars(select(Event))]
    assert any(s < now for s in starts) and any(s >= now for s in starts)
    assert len(starts) >= 20
    to_be_announced = db.scalars(select(Event).where(Event.time_tba.is_(True))).all()
    assert to_be_announced
    # Noon UTC, like an imported all-day date: on that date in the
    # Americas too (midnight UTC is the evening before there).
    assert {e.start_time.time() for e in to_be_announced} == {datetime.time(12)}
    tickets = db.scalars(select(Ticket)).all()
    assert any(t.assignee_id for t in tickets) and any(t.assignee_id is None for t in tickets)
    assert any(t.alias_id for t in tickets)
    assert count(db, UserAlias) >= 1
    assert count(db, TicketHistory) >= len(tickets)
    pending = db.scalars(select(TicketRequest)).all()
    assert [r.status for r in pending] == [RequestStatus.PENDING]

    app = db.scalar(select(Application))
    assert summary["application"]["client_id"] == app.client_id
    assert summary["application"]["client_secret"]
    assert summary["application"]["client_secret"] not in (app.client_secret_hash or "")


def test_db_demo_history_tells_each_ticket_as_the_api_would(seatshare, db):
    """Each demo ticket's "created" entry holds its fields, assignee and
    alias included, as POST /tickets records them."""
    assert seatshare("db", "demo").code == 0
    for ticket in db.scalars(select(Ticket)):
        created = db.scalars(select(TicketHistory).where(
            TicketHistory.ticket_id == ticket.id,
            TicketHistory.action == HistoryAction.CREATED,
        )).one()
        assert created.changes == {
            **{name: getattr(ticket, name) for name in ("section", "row", "seat", "note")},
            "cost": str(ticket.cost),
            "assignee_id": ticket.assignee_id,
            "alias_id": ticket.alias_id,
        }
        assert created.actor_id == ticket.owner_id


def test_db_demo_text_names_the_sign_in(seatshare):
    run = seatshare("db", "demo")
    assert run.code == 0, run.err
    assert "Sign in as alex@example.com with the password " in run.out


@pytest.mark.parametrize("json", [False, True])
def test_db_demo_never_prints_the_password_it_was_given(seatshare, db, json):
    """A password the operator chose is not echoed to a terminal or a log:
    only one made up for them is printed."""
    run = seatshare("db", "demo", "--password", "demo-password-1", *["--json"] * json)
    assert run.code == 0, run.err
    assert "demo-password-1" not in run.out + run.err
    if json:
        assert run.json["sign_in"] == {"email": "alex@example.com"}
    else:
        assert ("Sign in as alex@example.com with the password given with --password\n"
                in run.out)
    alex = db.scalar(select(User).where(User.email == "alex@example.com"))
    assert passwords_from_settings({}).verify(alex.password_hash, "demo-password-1")


@pytest.mark.parametrize("password", ["short", "aaaaaaaaaa", "qwertyuiop", " " * 12])
def test_db_demo_refuses_a_password_sign_up_would_refuse(seatshare, db, password):
    run = seatshare("db", "demo", "--password", password)
    assert run.code != 0
    assert "--password: " in run.err
    assert count(db, User) == 0


def test_db_demo_skips_a_database_that_has_users(seatshare, db):
    seatshare("user", "create", "--email", "ops@example.com", "--password", "long enough for sign-up",
              "--first-name", "Op", "--last-name", "Erator")
    run = seatshare("db", "demo", "--json")
    assert run.code == 0
    assert run.json == {"loaded": False, "reason": "the database already has users"}
    assert count(db, User) == 1
    assert count(db, Group) == 0
    text = seatshare("db", "demo")
    assert text.out == "The database already has users: demo data not loaded.\n"


def test_db_demo_reuses_entities_an_operator_made(seatshare, db):
    seatshare("entity", "create", "--name", "Riverside Rovers")
    run = seatshare("db", "demo", "--json")
    assert run.code == 0, run.err
    assert [e.name for e in db.scalars(select(Entity).order_by(Entity.id))] == [
        "Riverside Rovers",
        "Lakeside Lightning",
    ]


def test_db_demo_reuses_an_entity_whose_name_differs_only_in_case(seatshare, db):
    seatshare("entity", "create", "--name", "riverside ROVERS")
    assert seatshare("db", "demo").code == 0
    assert [e.name for e in db.scalars(select(Entity).order_by(Entity.id))] == [
        "riverside ROVERS",
        "Lakeside Lightning",
    ]


def test_db_upgrade_interrupted_says_which_revision_the_database_is_at(
    seatshare, backend, tmp_path, monkeypatch
):
    """Ctrl-C during a migration: each migration is all or nothing, so the
    database is at the last one that finished (on PostgreSQL the whole
    upgrade is one transaction: none), and the message says which; the
    next upgrade finishes."""
    url, drop = create_database(backend, str(tmp_path))
    real_add_column = DefaultImpl.add_column

    def interrupted(*args, **kwargs):
        real_add_column(*args, **kwargs)
        raise KeyboardInterrupt

    try:
        ini = write_ini(tmp_path / "fresh.ini", url)
        # 0002 adds a column: stopped just after the ALTER TABLE.
        monkeypatch.setattr(DefaultImpl, "add_column", interrupted)
        run = seatshare("db", "upgrade", config=ini)
        monkeypatch.undo()
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
        engine.dispose()
        assert revision != head_revision()
        assert run.code == 130
        assert "nothing was written" not in run.err
        assert run.err.endswith(
            f"seatshare: error: interrupted; the database is at revision {revision or 'none'} "
            f"(head: {head_revision()}), each migration whole or not at all: "
            f"run `seatshare {ini} db upgrade` again to finish\n"
        ), run.err
        again = seatshare("db", "upgrade", "--json", config=ini)
        assert again.code == 0, again.err
        assert again.json == {"revision": head_revision(), "previous": revision}
    finally:
        drop()


def test_db_upgrade_interrupted_while_the_database_is_locked_still_says_where_it_is(
    seatshare, backend, tmp_path, monkeypatch
):
    """On SQLite an upgrade waits for the write lock (busy_timeout, 30 s)
    while another process writes, and a wait is when Ctrl-C is pressed.
    Reading the revision for the message must not wait for that lock too
    (and then fail with "database is locked"): a reader does not need it."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL's readers never wait for a writer's lock")
    url, _ = create_database(backend, str(tmp_path))
    ini = write_ini(tmp_path / "fresh.ini", url)
    assert seatshare("db", "upgrade", config=ini).code == 0
    # One migration behind: an upgrade at the head runs none, nor waits.
    behind = revision_before(head_revision())
    record_revision(url, behind)
    engine = sa.create_engine(url)
    writer = engine.raw_connection()
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process, in the middle of a write

        def interrupted(config, revision):
            raise KeyboardInterrupt  # Ctrl-C while alembic waited for the lock

        monkeypatch.setattr("seatshare.cli.db.command.upgrade", interrupted)
        run = seatshare("db", "upgrade", config=ini)
    finally:
        writer.rollback()
        writer.close()
        engine.dispose()
    assert run.code == 130, run.err
    assert f"interrupted; the database is at revision {behind} " in run.err


def test_db_demo_says_on_stderr_that_it_is_loading(seatshare):
    """It takes seconds (argon2id, once a user): a line on stderr says it is
    at work; stdout keeps the one JSON object."""
    run = seatshare("db", "demo", "--json")
    assert run.code == 0
    assert run.err == ("Loading the demo data (a second or so: the users' password is "
                       "hashed)…\n")
    assert run.json["loaded"] is True
    again = seatshare("db", "demo", "--json")
    assert again.err == "" and again.json["loaded"] is False


def test_db_demo_hashes_the_shared_password_once(seatshare, db, monkeypatch):
    """argon2id costs some half a second a hash: five users took five. They
    share the password, so one salted hash serves them all, and each one
    signs in with it."""
    from seatshare.passwords import Passwords

    hashed = []
    real_hash = Passwords.hash
    monkeypatch.setattr(Passwords, "hash", lambda self, password: hashed.append(password)
                        or real_hash(self, password))
    run = seatshare("db", "demo", "--password", "demo-password-1", "--json")
    assert run.code == 0, run.err
    assert hashed == ["demo-password-1"]
    users = db.scalars(select(User)).all()
    assert len(users) == 5
    for user in users:
        assert passwords_from_settings({}).verify(user.password_hash, "demo-password-1")
