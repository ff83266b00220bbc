"""The migrations and the models agree, on SQLite and on PostgreSQL."""
import os
import sqlite3

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.util import CommandError
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from seatshare.models import GroupRemoval, HistoryAction, TicketHistory, metadata

from . import factories
from .conftest import create_database, record_revision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def fresh_url(backend, tmp_path):
    url, drop = create_database(backend, str(tmp_path))
    yield url
    drop()


def alembic_config(url=None, ini="development.ini"):
    config = Config(os.path.join(ROOT, ini))
    if url:
        # ConfigParser interpolates "%": a URL-encoded password must survive.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def pending_diff(url):
    """What autogenerate would still write: tables, columns (type,
    nullability, server default), indexes, unique and foreign keys (with
    ON DELETE). A server default is compared too: without it, one the model
    declares and no migration creates would pass unseen."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def table_names(url):
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_head_matches_the_models(fresh_url):
    command.upgrade(alembic_config(fresh_url), "head")
    assert pending_diff(fresh_url) == []


def test_there_is_one_head():
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1


def test_downgrade_to_base_removes_everything(fresh_url, backend):
    config = alembic_config(fresh_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert table_names(fresh_url) == {"alembic_version"}
    if backend == "postgresql":
        engine = sa.create_engine(fresh_url)
        with engine.connect() as conn:
            types = conn.exec_driver_sql("SELECT typname FROM pg_type WHERE typtype = 'e'")
            assert types.scalars().all() == []
        engine.dispose()
    # And back up again: the downgrade left nothing in the way.
    command.upgrade(config, "head")
    assert pending_diff(fresh_url) == []


def test_url_comes_from_the_ini_with_the_environment_override(
    fresh_url, tmp_path, monkeypatch
):
    ini = tmp_path / "site.ini"
    ini.write_text(
        "[app:main]\nuse = egg:seatshare\n"
        "sqlalchemy.url = sqlite:////nonexistent/dir/never-used.sqlite\n\n"
        "[alembic]\nscript_location = seatshare:alembic\n"
    )
    monkeypatch.setenv("SEATSHARE_DATABASE_URL", fresh_url)
    command.upgrade(Config(str(ini)), "head")
    assert "tickets" in table_names(fresh_url)


def schema_details(url):
    """What autogenerate does not compare: check constraints, triggers (and
    on PostgreSQL their functions), on PostgreSQL the values of each enum
    type (a value added to a model's enum needs its ALTER TYPE), each
    index's definition, and, on SQLite, which tables never reuse ids
    (AUTOINCREMENT)."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        details = {}
        for table in sorted(inspector.get_table_names()):
            if table == "alembic_version":
                continue
            checks = sorted(
                (ck["name"], " ".join(ck["sqltext"].split()))
                for ck in inspector.get_check_constraints(table)
            )
            details[table] = {"checks": checks}
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                rows = conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                )
                for name, sql in rows:
                    if name in details:
                        details[name]["autoincrement"] = "AUTOINCREMENT" in sql.upper()
                details["triggers"] = dict(conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all())
                # Autogenerate skips an index on an expression (lower(name)):
                # SQLAlchemy cannot reflect one from SQLite.
                details["indexes"] = {
                    name: " ".join(sql.replace('"', "").split())
                    for name, sql in conn.exec_driver_sql(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                        " AND sql IS NOT NULL")}
        if engine.dialect.name == "postgresql":
            details["enum types"] = {
                enum["name"]: enum["labels"] for enum in inspector.get_enums()
            }
            # Each index as PostgreSQL writes it: its columns' collations and
            # operator classes, which SQLAlchemy does not reflect.
            with engine.connect() as conn:
                details["indexes"] = dict(conn.exec_driver_sql(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                    " AND tablename <> 'alembic_version'"
                ).all())
                details["triggers"] = dict(conn.exec_driver_sql(
                    "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
                ).all())
                details["functions"] = dict(conn.exec_driver_sql(
                    "SELECT proname, prosrc FROM pg_proc"
                    " WHERE pronamespace = 'public'::regnamespace").all())
        return details
    finally:
        engine.dispose()


def test_migrations_match_what_autogenerate_cannot_see(backend, tmp_path):
    migrated_url, drop_migrated = create_database(backend, str(tmp_path))
    created_url, drop_created = create_database(backend, str(tmp_path))
    try:
        command.upgrade(alembic_config(migrated_url), "head")
        engine = sa.create_engine(created_url)
        metadata.create_all(engine)
        engine.dispose()
        assert schema_details(migrated_url) == schema_details(created_url)
    finally:
        drop_migrated()
        drop_created()


def test_session_generation_migration_keeps_existing_users(fresh_url):
    """0002 gives users from before it generation 0, and its downgrade keeps them."""
    config = alembic_config(fresh_url)
    command.upgrade(config, "0001")
    engine = sa.create_engine(fresh_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO users (email, first_name, last_name, timezone, bio, location,"
                " mobile, sms_notify, calendar_nonce, created_at, updated_at) VALUES"
                " ('old@example.com', 'O', 'U', 'UTC', '', '', '', false, 'n',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        command.upgrade(config, "0002")
        with engine.connect() as conn:
            assert conn.execute(sa.text(
                "SELECT session_generation FROM users")).scalar_one() == 0
        command.downgrade(config, "0001")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT email FROM users")).scalar_one() == (
                "old@example.com")
        assert "session_generation" not in {
            c["name"] for c in sa.inspect(engine).get_columns("users")}
    finally:
        engine.dispose()


def test_autoincrement_migration_keeps_tickets_aliases_and_requests(fresh_url):
    """0006 copies user_aliases and ticket_requests on SQLite, where
    dropping the old user_aliases (foreign keys are enforced) sets every
    ticket's alias_id to NULL: the migration puts them back."""
    config = alembic_config(fresh_url)
    # The factories write today's schema: the rows go in at head, then the
    # database goes back to 0005 with them.
    command.upgrade(config, "head")
    engine = sa.create_engine(fresh_url)
    try:
        with factories.committed(engine):
            user = factories.make_user()
            ticket = factories.make_ticket(assignee=user, alias=factories.make_alias(user))
            factories.make_ticket_request(ticket)
        command.downgrade(config, "0005")
        before = ticket_rows(engine)
        command.upgrade(config, "head")
        assert ticket_rows(engine) == before
        command.downgrade(config, "0005")
        assert ticket_rows(engine) == before
    finally:
        engine.dispose()


def ticket_rows(engine):
    with engine.connect() as conn:
        return (
            conn.execute(sa.text("SELECT id, alias_id FROM tickets")).all(),
            conn.execute(sa.text("SELECT id, ticket_id FROM ticket_requests")).all(),
            conn.execute(sa.text("SELECT id, user_id FROM user_aliases")).all(),
        )


def test_autoincrement_migration_never_reuses_an_id_deleted_before_it(fresh_url):
    """0006 on SQLite: an alias deleted before the upgrade is still named by
    its tickets' history (``alias_id``); the first alias made after the
    upgrade must not take its id, as the migration's purpose says."""
    if not fresh_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's sequences never went back")
    config = alembic_config(fresh_url)
    command.upgrade(config, "head")  # the factories write today's schema
    engine = sa.create_engine(fresh_url)
    try:
        with factories.committed(engine) as session:
            user = factories.make_user()
            factories.make_alias(user)  # kept: an older alias stays
            gone = factories.make_alias(user)
            ticket = factories.make_ticket(assignee=user)
            session.flush()
            user_id, gone_id = user.id, gone.id
            # As DELETE /user_aliases/ID records it, then deletes the alias.
            session.execute(sa.text(
                "INSERT INTO ticket_history (ticket_id, group_id, actor_id, action, changes,"
                " created_at) VALUES (:t, :g, :u, 'updated', :c, '2026-11-29 12:00:00')"),
                {"t": ticket.id, "g": ticket.group_id, "u": user_id,
                 "c": '{"alias_id": [%d, null]}' % gone_id})
            session.delete(gone)
        command.downgrade(config, "0005")
        command.upgrade(config, "head")
        with engine.begin() as conn:
            new_id = conn.execute(sa.text(
                "INSERT INTO user_aliases (user_id, first_name, last_name, created_at)"
                " VALUES (:u, 'New', 'Alias', '2026-11-30 06:00:00') RETURNING id"), {"u": user_id}).scalar_one()
        assert new_id > gone_id
    finally:
        engine.dispose()


def rows_hanging_on_groups(engine):
    """Each table's rows, but for what the database computes (tickets'
    ``alias_user_id``, which 0011 adds)."""
    with engine.connect() as conn:
        rows = {}
        for table in ("groups", "memberships", "tickets", "group_invitations",
                      "group_removals", "ticket_requests", "ticket_history"):
            columns = ", ".join(f'"{column["name"]}"' for column in sa.inspect(conn).get_columns(table)
                                if column["name"] != "alias_user_id")
            rows[table] = conn.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY id")).all()
        return rows


def test_standing_code_migration_keeps_every_row_of_every_group(fresh_url):
    """0008 drops groups.invitation_code; SQLite copies the table to do it,
    and dropping the old one with foreign keys on would delete every
    membership, ticket and invitation (ON DELETE CASCADE). Down to 0007,
    each group gets a code of its own; back up, the codes go and nothing else."""
    config = alembic_config(fresh_url)
    command.upgrade(config, "head")
    engine = sa.create_engine(fresh_url)
    try:
        with factories.committed(engine) as session:
            group = factories.make_group()
            member, removed = factories.make_user(), factories.make_user()
            factories.make_membership(group, member)
            ticket = factories.make_ticket(group=group, assignee=member)
            factories.make_ticket_request(ticket, requester=member)
            factories.make_invitation(group)
            factories.make_group()
            session.flush()
            session.add(GroupRemoval(group_id=group.id, user_id=removed.id,
                                     removed_by_id=group.creator_id))
            session.add(TicketHistory(ticket_id=ticket.id, group_id=group.id,
                                      actor_id=member.id, action=HistoryAction.UPDATED,
                                      changes={"note": ["", "x"]}))
        before = rows_hanging_on_groups(engine)
        assert all(before.values())
        command.downgrade(config, "0007")
        down = rows_hanging_on_groups(engine)
        codes = [row.invitation_code for row in down["groups"]]
        assert len(set(codes)) == 2 and all(len(code) >= 16 for code in codes)
        assert {k: v for k, v in down.items() if k != "groups"} == {
            k: v for k, v in before.items() if k != "groups"}
        command.upgrade(config, "head")
        assert rows_hanging_on_groups(engine) == before
    finally:
        engine.dispose()


def test_a_sqlite_migration_leaving_a_dangling_foreign_key_rolls_back(fresh_url, monkeypatch):
    """SQLite migrations run with foreign keys off (a copied table's drop
    would cascade): each is checked before it commits instead."""
    if not fresh_url.startswith("sqlite"):
        pytest.skip("PostgreSQL checks foreign keys during the migration itself")
    import contextlib

    from alembic.operations import Operations

    config = alembic_config(fresh_url)
    command.upgrade(config, "0007")
    copy_table = Operations.batch_alter_table

    @contextlib.contextmanager
    def copy_leaving_a_dangling_row(self, *args, **kwargs):
        # 0008 copies groups: as if the copy lost one that a membership names.
        with copy_table(self, *args, **kwargs) as batch:
            yield batch
        self.get_bind().exec_driver_sql(
            "INSERT INTO memberships (group_id, user_id, role, created_at)"
            " VALUES (999, 999, 'member', '2026-11-30 08:00:00')")

    monkeypatch.setattr(Operations, "batch_alter_table", copy_leaving_a_dangling_row)
    with pytest.raises(CommandError) as refused:
        command.upgrade(config, "head")
    assert str(refused.value) == (
        "after migration 0008, rows whose foreign keys dangle: memberships row 1 (no such "
        "users row), memberships row 1 (no such groups row); rolled back")
    engine = sa.create_engine(fresh_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0007"
            assert "invitation_code" in {c["name"] for c in sa.inspect(conn).get_columns("groups")}
    finally:
        engine.dispose()


def test_sqlite_rows_dangling_before_an_upgrade_are_named_and_nothing_migrates(fresh_url):
    """Rows written while SQLite did not enforce foreign keys (a connection
    without the pragma): the upgrade says so before any migration runs,
    rather than blame the first one for them."""
    if not fresh_url.startswith("sqlite"):
        pytest.skip("PostgreSQL always enforces foreign keys")
    import sqlite3

    config = alembic_config(fresh_url)
    command.upgrade(config, "0010")
    raw = sqlite3.connect(fresh_url.removeprefix("sqlite:///"))  # foreign keys off
    raw.execute("INSERT INTO user_aliases (user_id, first_name, last_name, created_at)"
                " VALUES (999, 'Gone', 'Owner', '2026-11-30 08:00:00')")
    raw.commit()
    raw.close()
    with pytest.raises(CommandError) as refused:
        command.upgrade(config, "head")
    assert str(refused.value) == (
        "the database has rows whose foreign keys dangle, written while SQLite did not "
        "enforce them: user_aliases row 1 (no such users row); nothing was migrated: delete "
        "those rows or fix their keys, then upgrade again")
    engine = sa.create_engine(fresh_url)
    try:
        assert at_revision(engine) == "0010"
    finally:
        engine.dispose()


def test_a_connection_handed_to_alembic_keeps_every_row_of_every_group(fresh_url):
    """env.py also runs on a connection handed over in
    ``config.attributes["connection"]``; on SQLite it needs foreign keys
    off there too, or 0008's copy of groups deletes every membership and
    ticket (ON DELETE CASCADE). The connection has them on again after."""
    from seatshare.models import get_engine

    config = alembic_config(fresh_url)
    command.upgrade(config, "head")
    engine = get_engine({"sqlalchemy.url": fresh_url})  # the app's: foreign keys on
    try:
        with factories.committed(engine):
            group = factories.make_group()
            factories.make_ticket(group=group, assignee=factories.make_user())
        command.downgrade(config, "0007")
        before = rows_hanging_on_groups(engine)
        handed = Config()
        handed.set_main_option("script_location", "seatshare:alembic")
        with engine.connect() as conn:
            handed.attributes["connection"] = conn
            command.upgrade(handed, "head")
            conn.commit()
            if engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        after = rows_hanging_on_groups(engine)
        assert {k: v for k, v in after.items() if k != "groups"} == {
            k: v for k, v in before.items() if k != "groups"}
        assert after["memberships"] and after["tickets"]
    finally:
        engine.dispose()


def test_a_sqlite_connection_handed_over_inside_a_transaction_is_refused(fresh_url):
    """There foreign keys cannot be turned off: the upgrade refuses rather
    than let 0008's copy of groups delete what refers to it."""
    if not fresh_url.startswith("sqlite"):
        pytest.skip("PostgreSQL needs no pragma")
    from seatshare.models import get_engine

    config = alembic_config(fresh_url)
    command.upgrade(config, "0007")
    engine = get_engine({"sqlalchemy.url": fresh_url})
    try:
        handed = Config()
        handed.set_main_option("script_location", "seatshare:alembic")
        with engine.connect() as conn:
            conn.begin()
            conn.exec_driver_sql("SELECT 1")
            handed.attributes["connection"] = conn
            with pytest.raises(CommandError, match="outside a transaction"):
                command.upgrade(handed, "head")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0007"
    finally:
        engine.dispose()


def test_the_server_refuses_to_start_on_a_database_behind_the_code(fresh_url):
    """New code started before `db upgrade`: a one-line refusal naming both
    revisions and the command, not 500s from the requests that need what
    the migrations add."""
    from pyramid.exceptions import ConfigurationError

    from seatshare import main

    from .conftest import make_settings

    command.upgrade(alembic_config(fresh_url), "0007")
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with pytest.raises(ConfigurationError) as refused:
        main({"__file__": "/srv/production.ini"}, **make_settings(fresh_url))
    assert str(refused.value) == (
        f"the database is at revision 0007, this SeatShare needs {head}: run "
        "`seatshare /srv/production.ini db upgrade` before starting the server"
    )
    command.upgrade(alembic_config(fresh_url), "head")
    app = main({"__file__": "/srv/production.ini"}, **make_settings(fresh_url))
    app.registry["dbengine"].dispose()


def test_the_server_refuses_to_start_on_a_database_never_migrated(fresh_url):
    """A new install started before `db upgrade`: /healthz would answer 200
    to the load balancer while every API request failed with a 500."""
    from pyramid.exceptions import ConfigurationError

    from seatshare import main

    from .conftest import make_settings

    with pytest.raises(ConfigurationError) as refused:
        main({"__file__": "/srv/production.ini"}, **make_settings(fresh_url))
    assert str(refused.value) == (
        "the database has no SeatShare tables yet: run "
        "`seatshare /srv/production.ini db upgrade` before starting the server"
    )


@pytest.mark.parametrize("where", ["typo.sqlite", "no-such-folder/seatshare.sqlite"])
@pytest.mark.parametrize("variable", [None, "SEATSHARE_DATABASE_URL"])
def test_the_server_refuses_a_sqlite_file_that_does_not_exist(tmp_path, monkeypatch, where,
                                                              variable):
    """A mistyped path: SQLite created an empty database there (and the
    server refused it for its missing tables, leaving the file), or, in a
    folder that does not exist, the server started and answered 503s. It
    refuses to start, naming the setting and the path, and creates nothing."""
    from pyramid.exceptions import ConfigurationError

    from seatshare import main

    from .conftest import make_settings

    missing = tmp_path / where
    url = f"sqlite:///{missing}"
    monkeypatch.delenv("SEATSHARE_DATABASE_URL", raising=False)
    if variable:
        monkeypatch.setenv(variable, url)
    setting = variable or "sqlalchemy.url in /srv/site.ini"
    with pytest.raises(ConfigurationError) as refused:
        main({"__file__": "/srv/site.ini"}, **make_settings(url))
    assert str(refused.value) == (
        f"the SQLite database {missing} does not exist ({setting}): check the path, "
        "or create it with seatshare /srv/site.ini db upgrade")
    assert refused.value.code == f"seatshare: cannot start: {refused.value}"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["db.sqlite", "a 100% #1 file.sqlite"])
def test_a_sqlite_file_moved_under_the_server_is_not_made_again(tmp_path, name):
    """The file was looked for at start only: moved or deleted under the
    running server, the next connection SQLite opened created it again,
    empty and readable by anyone. Every connection opens it without
    creating it: that connection fails (a 503), and nothing is left."""
    from seatshare.models import get_engine

    path = tmp_path / name
    sqlite3.connect(path).close()
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{path}"}, serving=True)
    opens_and_never_makes_again(engine, path)


def opens_and_never_makes_again(engine, path):
    """``engine`` opens the SQLite file ``path``; moved away, the next
    connection fails and leaves nothing there."""
    from sqlalchemy.exc import OperationalError

    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA database_list").one()[2] == str(path)
    engine.dispose()
    path.rename(path.parent / "moved.sqlite")
    with pytest.raises(OperationalError, match="unable to open database file"):
        engine.connect()
    assert sorted(p.name for p in path.parent.iterdir()) == ["moved.sqlite"]


# Nothing listens on port 1: connecting fails at once, as when PostgreSQL is down.
DATABASE_DOWN = "postgresql+psycopg://postgres@127.0.0.1:1/seatshare"


def test_the_server_starts_while_the_database_is_down():
    """Whether the schema is current can wait: requests answer 503 until
    the database is back, as before."""
    from seatshare import main

    from .conftest import make_settings

    app = main({}, **make_settings(DATABASE_DOWN))
    app.registry["dbengine"].dispose()


@pytest.mark.parametrize(("variable", "named"), [
    (None, "the database sqlalchemy.url in /srv/production.ini names, "
           "SEATSHARE_DATABASE_URL being unset"),
    ("SEATSHARE_DATABASE_URL", "the database SEATSHARE_DATABASE_URL names"),
])
def test_a_database_down_at_start_is_logged(caplog, monkeypatch, variable, named):
    """The server starts, and says why it could not check the revision: the
    only sign of a wrong host or password before the requests' 503s. It
    says which setting named the database (not its URL, which may hold a
    password): a variable not passed on leaves the ini file's URL, which
    the driver's reason alone does not tell; and that it starts anyway."""
    from seatshare import main

    from .conftest import make_settings

    monkeypatch.delenv("SEATSHARE_DATABASE_URL", raising=False)
    if variable:
        monkeypatch.setenv(variable, DATABASE_DOWN)
    with caplog.at_level("WARNING", logger="seatshare.models.revision"):
        app = main({"__file__": "/srv/production.ini"}, **make_settings(DATABASE_DOWN))
    app.registry["dbengine"].dispose()
    [logged] = [r.getMessage() for r in caplog.records if r.name == "seatshare.models.revision"]
    assert logged.startswith("could not check the database's revision at start: connection ")
    assert logged.endswith(f" ({named}); starting anyway, /healthz checks it once it answers")


def test_the_setting_named_is_the_one_that_gave_the_url(caplog, monkeypatch):
    """Settings whose environment was applied by their caller (as the
    benchmarks do): the message names the variable that gave the URL, not
    what the process's own environment says."""
    from seatshare import main
    from seatshare.settings import apply_environment

    from .conftest import make_settings

    monkeypatch.delenv("SEATSHARE_DATABASE_URL", raising=False)
    settings = apply_environment(make_settings("sqlite://"),
                                 {"SEATSHARE_DATABASE_URL": DATABASE_DOWN})
    with caplog.at_level("WARNING", logger="seatshare.models.revision"):
        app = main({"__file__": "/srv/production.ini"}, **settings)
    app.registry["dbengine"].dispose()
    assert "(the database SEATSHARE_DATABASE_URL names)" in caplog.text


def test_a_database_a_newer_release_migrated_starts_with_a_warning(fresh_url, caplog):
    """An older release started on a newer one's database (a rollback of
    the code, a server forgotten in the upgrade) starts, as in a rolling
    deploy, but says so: its requests may fail on what the newer
    migrations changed, and nothing else would tell the operator."""
    from seatshare import main

    from .conftest import make_settings

    engine = sa.create_engine(fresh_url)
    metadata.create_all(engine)
    engine.dispose()
    record_revision(fresh_url, "9999_from_a_newer_release")
    with caplog.at_level("WARNING", logger="seatshare.models.revision"):
        app = main({}, **make_settings(fresh_url))
    app.registry["dbengine"].dispose()
    assert [r.getMessage() for r in caplog.records if r.name == "seatshare.models.revision"] == [
        f"the database is at revision 9999_from_a_newer_release, which this SeatShare does "
        f"not know (its newest is {head()}): a newer SeatShare migrated it; starting anyway, "
        "but replace this server with the newer release: what its migrations changed may "
        "fail here"]


def test_the_servers_own_reading_of_the_migrations_agrees_with_alembic():
    """The server checks the database's revision at start without alembic
    (seatshare.models.revision reads the migrations' headers itself)."""
    from seatshare.models import revision

    script = ScriptDirectory.from_config(alembic_config())
    assert revision.migrations() == (
        frozenset(r.revision for r in script.walk_revisions()), script.get_current_head())


def test_the_server_starts_without_importing_alembic(tmp_path):
    """alembic's modules cost a server process some 11 MB for good (the
    benchmark's memory target is 150 MB); only the command line needs them."""
    import subprocess
    import sys

    code = f"""
import sys
import sqlalchemy as sa
from tests.conftest import make_settings
from seatshare import main
from seatshare.models import metadata
url = "sqlite:///{tmp_path}/started.sqlite"
metadata.create_all(sa.create_engine(url))
main({{}}, **make_settings(url))
print(sorted(m for m in sys.modules if m.split(".")[0] == "alembic"))
"""
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


@pytest.fixture
def served(fresh_url):
    """The app started on ``fresh_url``'s tables at this code's head, and
    the statements each request sends."""
    from webtest import TestApp

    from seatshare import main

    from .conftest import make_settings

    engine = sa.create_engine(fresh_url)
    metadata.create_all(engine)
    engine.dispose()
    record_revision(fresh_url, head())
    wsgi = main({}, **make_settings(fresh_url))
    statements = []
    sa.event.listen(wsgi.registry["dbengine"], "before_cursor_execute",
                    lambda conn, cursor, statement, *args: statements.append(statement))
    yield TestApp(wsgi), statements
    wsgi.registry["dbengine"].dispose()


def head():
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_healthz_reads_the_revision_in_its_one_statement(served):
    app, statements = served
    assert app.get("/healthz", status=200).json == {"status": "ok"}
    assert [s for s in statements if not s.startswith("BEGIN")] == [
        "SELECT version_num FROM alembic_version"]


def test_healthz_is_503_naming_both_revisions_while_the_database_is_behind(served, fresh_url):
    """A database restored from an older backup under running servers, say:
    every request that needs the newer tables would fail."""
    app, _ = served
    record_revision(fresh_url, "0007")
    response = app.get("/healthz", status=503)
    assert response.json == {
        "error": "Service Unavailable",
        "error_detail": f"the database is at revision 0007, this SeatShare needs {head()}: "
                        "run `seatshare CONFIG_URI db upgrade`",
        "code": 503,
        "database_revision": "0007",
        "code_revision": head(),
    }
    record_revision(fresh_url, head())  # `db upgrade`
    assert app.get("/healthz", status=200).json == {"status": "ok"}


def test_healthz_logs_its_503_when_it_begins_and_ends_not_on_every_call(
        served, fresh_url, caplog):
    """A load balancer asks every few seconds: one warning when the 503
    begins (again when its reason changes), one INFO line when it ends."""
    app, _ = served
    upgrade = "run `seatshare CONFIG_URI db upgrade`"
    with caplog.at_level("INFO", logger="seatshare.views.health"):
        for revision, status in [("0007", 503), ("0007", 503), ("0007", 503), ("0010", 503),
                                 (head(), 200), (head(), 200), ("0007", 503)]:
            record_revision(fresh_url, revision)
            app.get("/healthz", status=status)
    assert [(r.levelname, r.getMessage()) for r in caplog.records
            if r.name == "seatshare.views.health"] == [
        ("WARNING", f"/healthz answers 503: the database is at revision 0007, this SeatShare "
                    f"needs {head()}: {upgrade}"),
        ("WARNING", f"/healthz answers 503: the database is at revision 0010, this SeatShare "
                    f"needs {head()}: {upgrade}"),
        ("INFO", f"/healthz answers 200 again (it answered 503: the database is at revision "
                 f"0010, this SeatShare needs {head()}: {upgrade})"),
        ("WARNING", f"/healthz answers 503: the database is at revision 0007, this SeatShare "
                    f"needs {head()}: {upgrade}"),
    ]


def test_healthz_is_200_on_a_newer_releases_revision(served, fresh_url):
    """A rolling deploy's newer servers migrated the database: this code's
    servers still serve until they are replaced, as they still start."""
    app, _ = served
    record_revision(fresh_url, "9999_from_a_newer_release")
    assert app.get("/healthz", status=200).json == {"status": "ok"}


@pytest.fixture
def started_while_down(fresh_url, monkeypatch):
    """``start()``: the app on ``fresh_url`` as a server started while the
    database did not answer leaves it (``check_revision`` found nothing),
    the statements each request sends, and the errors the database raised."""
    import seatshare
    from webtest import TestApp

    from .conftest import make_settings

    monkeypatch.setattr(seatshare, "check_revision", lambda *args: None)
    started = []

    def start():
        wsgi = seatshare.main({}, **make_settings(fresh_url))
        started.append(wsgi)
        engine = wsgi.registry["dbengine"]
        statements, errors = [], []
        sa.event.listen(engine, "before_cursor_execute",
                        lambda conn, cursor, statement, *args: statements.append(statement))
        sa.event.listen(engine, "handle_error", lambda context: errors.append(
            context.original_exception))
        return TestApp(wsgi), statements, errors

    yield start
    for wsgi in started:
        wsgi.registry["dbengine"].dispose()


def assert_healthy_in_one_statement(app, statements, statement):
    """/healthz answers 200, having sent ``statement`` alone."""
    statements.clear()
    assert app.get("/healthz", status=200).json == {"status": "ok"}
    assert [s for s in statements if not s.startswith("BEGIN")] == [statement]


def test_healthz_serves_a_models_built_database_down_at_start(started_while_down, fresh_url):
    """A database built from the models (no alembic_version, as the tests'
    and the benchmarks' are) that comes back after the server started: it
    would have started on it, so /healthz answers 200, without an error on
    the database, and from then on in one SELECT 1."""
    from seatshare.models.revision import RECORDS_REVISION

    engine = sa.create_engine(fresh_url)
    metadata.create_all(engine)
    engine.dispose()
    app, statements, errors = started_while_down()
    assert app.get("/healthz", status=200).json == {"status": "ok"}
    assert app.app.registry[RECORDS_REVISION] is False
    assert_healthy_in_one_statement(app, statements, "SELECT 1")
    assert errors == []


def test_healthz_on_an_empty_database_down_at_start_waits_for_db_upgrade(
        started_while_down, fresh_url):
    """No tables at all: the server would have refused to start, so /healthz
    answers 503 with the command, until `db upgrade` has run; then it reads
    the revision in its one statement, as a server started on it would."""
    from seatshare.models.revision import RECORDS_REVISION

    app, statements, errors = started_while_down()
    for _ in range(2):
        assert app.get("/healthz", status=503).json == {
            "error": "Service Unavailable",
            "error_detail": "the database has no SeatShare tables yet: "
                            "run `seatshare CONFIG_URI db upgrade`",
            "code": 503,
            "database_revision": None,
            "code_revision": head(),
        }
    command.upgrade(alembic_config(fresh_url), "head")
    assert app.get("/healthz", status=200).json == {"status": "ok"}
    assert app.app.registry[RECORDS_REVISION] is True
    assert_healthy_in_one_statement(app, statements, "SELECT version_num FROM alembic_version")
    assert errors == []


NEWER_WARNING = ("the database is at revision 9999_from_a_newer_release, which this SeatShare "
                 "does not know (its newest is {head}): a newer SeatShare migrated it; serving "
                 "anyway, but replace this server with the newer release: what its migrations "
                 "changed may fail here")


def newer_releases_database(url):
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    record_revision(url, "9999_from_a_newer_release")


def test_healthz_warns_once_of_a_newer_releases_database_down_at_start(
        started_while_down, fresh_url, caplog):
    """A database a newer release migrated, down when the server started:
    served (200), as at start, and, as at start, said once in the log,
    where nothing was said at all."""
    newer_releases_database(fresh_url)
    app, _, errors = started_while_down()
    with caplog.at_level("WARNING", logger="seatshare.models.revision"):
        for _ in range(3):
            assert app.get("/healthz", status=200).json == {"status": "ok"}
    assert [r.getMessage() for r in caplog.records if r.name == "seatshare.models.revision"] == [
        NEWER_WARNING.format(head=head())]
    assert errors == []


def test_any_request_warns_of_a_newer_releases_database_down_at_start(
        started_while_down, fresh_url, caplog):
    """Only /healthz judged a database that did not answer at start: a
    server no one polled served a newer release's database without a word.
    The first request whose session connects judges it, whatever it asks."""
    newer_releases_database(fresh_url)
    app, _, errors = started_while_down()
    warned = []
    with caplog.at_level("WARNING", logger="seatshare.models.revision"):
        for _ in range(2):
            app.get(f"/calendar/1/{'0' * 64}/tickets.ics", status=404)
        warned.append([r.getMessage() for r in caplog.records
                       if r.name == "seatshare.models.revision"])
        app.get("/healthz", status=200)
        warned.append([r.getMessage() for r in caplog.records
                       if r.name == "seatshare.models.revision"])
    assert warned == [[NEWER_WARNING.format(head=head())]] * 2  # before /healthz, and once
    assert errors == []


def test_requests_connecting_at_once_warn_of_a_newer_releases_database_once(
        started_while_down, fresh_url, caplog, monkeypatch):
    """Two first polls at once both found the revision unknown, and both
    logged the warning: one request claims the judgement."""
    import threading

    from webtest import TestApp

    from seatshare.models import revision

    newer_releases_database(fresh_url)
    app, _, errors = started_while_down()
    both_read = threading.Barrier(2, timeout=10)

    def read_together(connection):
        state = judged(connection)
        both_read.wait()  # each has read the revision before either judges it
        return state

    judged = revision.revision_state
    monkeypatch.setattr(revision, "revision_state", read_together)
    answers = []

    def poll():
        answers.append(TestApp(app.app).get("/healthz", expect_errors=True).status_int)

    with caplog.at_level("WARNING", logger="seatshare.models.revision"):
        polls = [threading.Thread(target=poll) for _ in range(2)]
        for thread in polls:
            thread.start()
        for thread in polls:
            thread.join(30)
    assert answers == [200, 200]
    assert [r.getMessage() for r in caplog.records if r.name == "seatshare.models.revision"] == [
        NEWER_WARNING.format(head=head())]
    assert errors == []


def test_healthz_on_a_database_behind_that_was_down_at_start(started_while_down, fresh_url):
    """Tables and a revision before the head: 503 naming both, until
    `db upgrade`."""
    command.upgrade(alembic_config(fresh_url), "0007")
    app, _, errors = started_while_down()
    assert app.get("/healthz", status=503).json["database_revision"] == "0007"
    command.upgrade(alembic_config(fresh_url), "head")
    assert app.get("/healthz", status=200).json == {"status": "ok"}
    assert errors == []


def test_healthz_judges_again_a_database_whose_revision_went_away(served, fresh_url):
    """alembic's table dropped under a running server (another database put
    in its place): one 503 saying so, then judged as at start, here a
    database built from the models: 200, in one SELECT 1."""
    app, statements = served
    engine = sa.create_engine(fresh_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    engine.dispose()
    assert app.get("/healthz", status=503).json["error_detail"] == (
        "the database no longer records its revision: run `seatshare CONFIG_URI db upgrade`")
    assert app.get("/healthz", status=200).json == {"status": "ok"}
    assert_healthy_in_one_statement(app, statements, "SELECT 1")


def test_healthz_checks_the_revision_of_a_database_down_at_start(tmp_path):
    """Started while the database was down, the server could not refuse a
    database behind its code: /healthz says so once it answers."""
    from webtest import TestApp

    from seatshare import main

    from .conftest import make_settings

    path = tmp_path / "seatshare.sqlite"
    path.mkdir()  # a folder where the file should be: SQLite cannot open it
    url = f"sqlite:///{path}"
    wsgi = main({}, **make_settings(url))
    app = TestApp(wsgi)
    try:
        app.get("/healthz", status=503)
        path.rmdir()
        path.touch()  # the database answers, never migrated
        assert app.get("/healthz", status=503).json["error_detail"] == (
            "the database has no SeatShare tables yet: run `seatshare CONFIG_URI db upgrade`")
        engine = sa.create_engine(url)
        metadata.create_all(engine)
        engine.dispose()
        record_revision(url, "0007")
        assert app.get("/healthz", status=503).json["database_revision"] == "0007"
        record_revision(url, head())
        assert app.get("/healthz", status=200).json == {"status": "ok"}
    finally:
        wsgi.registry["dbengine"].dispose()
def check_names(engine, table):
    return {ck["name"] for ck in sa.inspect(engine).get_check_constraints(table)}


def at_revision(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def test_the_database_refuses_tickets_the_api_refuses(fresh_url, backend):
    """Since 0011, a statement that bypasses the API (a script, a bug) is
    refused as the API's 400 would refuse it: a ticket with no section, row
    or seat, a negative cost, an alias of someone else than its assignee or
    without an assignee (at commit), and on SQLite an enum column's unknown
    value."""
    from seatshare.models import get_engine

    command.upgrade(alembic_config(fresh_url), "head")
    engine = get_engine({"sqlalchemy.url": fresh_url})  # the app's: foreign keys on
    try:
        with factories.committed(engine):
            assignee, stranger = factories.make_user(), factories.make_user()
            ticket = factories.make_ticket(assignee=assignee)
            mine, theirs = factories.make_alias(assignee), factories.make_alias(stranger)
        ids = {"id": ticket.id, "group": ticket.group_id, "event": ticket.event_id,
               "owner": ticket.owner_id, "mine": mine.id, "theirs": theirs.id}
        refused = {
            "blank seat": "INSERT INTO tickets (group_id, event_id, owner_id, section, \"row\","
                          " seat, cost, note, created_at, updated_at) VALUES (:group, :event,"
                          " :owner, '', ' ', '', 0, '', '2026-11-30 19:00:00',"
                          " '2026-11-30 19:00:00')",
            "negative cost": "UPDATE tickets SET cost = -1 WHERE id = :id",
            "someone else's alias": "UPDATE tickets SET alias_id = :theirs WHERE id = :id",
            "alias, no assignee": "UPDATE tickets SET assignee_id = NULL, alias_id = :mine"
                                  " WHERE id = :id",
            "unknown role": "UPDATE memberships SET role = 'owner'",
            "unknown action": "INSERT INTO ticket_history (ticket_id, group_id, action, changes,"
                              " created_at) VALUES (:id, :group, 'stolen', '{}',"
                              " '2026-11-30 19:00:00')",
            "unknown status": "INSERT INTO ticket_requests (ticket_id, requester_id, message,"
                              " status, created_at, updated_at) VALUES (:id, :owner, '', 'lost',"
                              " '2026-11-30 19:00:00', '2026-11-30 19:00:00')",
        }
        # PostgreSQL's enum types refuse an unknown value as bad input.
        errors = (sa.exc.IntegrityError, sa.exc.DataError)
        for what, statement in refused.items():
            with pytest.raises(errors) as caught:
                with engine.begin() as conn:
                    conn.execute(sa.text(statement), ids)
            if backend == "sqlite" or not what.startswith("unknown"):
                assert isinstance(caught.value, sa.exc.IntegrityError), what
        # The assignee's own alias is theirs to use.
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE tickets SET alias_id = :mine WHERE id = :id"), ids)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT alias_id FROM tickets")).scalar_one() == mine.id
    finally:
        engine.dispose()


def test_deleting_an_assignee_with_an_alias_is_not_refused(fresh_url):
    """Deleting a user clears their tickets' assignee and alias through two
    foreign keys, in an order of the database's: the alias's foreign key on
    (alias_id, alias_user_id) is checked at commit, when both are clear (a
    CHECK that a ticket without an assignee has no alias, checked at once,
    refused this on both databases)."""
    from seatshare.models import get_engine

    command.upgrade(alembic_config(fresh_url), "head")
    engine = get_engine({"sqlalchemy.url": fresh_url})
    try:
        with factories.committed(engine):
            assignee = factories.make_user()
            ticket = factories.make_ticket(assignee=assignee,
                                           alias=factories.make_alias(assignee))
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": assignee.id})
        with engine.connect() as conn:
            assert conn.execute(sa.text(
                "SELECT assignee_id, alias_id FROM tickets WHERE id = :id"),
                {"id": ticket.id}).one() == (None, None)
    finally:
        engine.dispose()


def written_at_head_then_down_to(config, engine, revision, make):
    """Rows ``make()`` writes with the factories at head (today's schema:
    what the database computes included), the database then down to
    ``revision`` with them."""
    command.upgrade(config, "head")
    with factories.committed(engine):
        made = make()
    command.downgrade(config, revision)
    return made


def run(engine, statement, **params):
    with engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def test_0011_refuses_rows_it_cannot_fix_and_changes_nothing(fresh_url, backend):
    """A ticket with no section, row or seat (and on SQLite a role no enum
    has) stops the upgrade before it changes anything, naming the rows; the
    database stays at 0010 as it was."""
    config = alembic_config(fresh_url)
    engine = sa.create_engine(fresh_url)
    try:
        def make():
            assignee = factories.make_user()
            return (factories.make_ticket(), factories.make_ticket(),
                    factories.make_ticket(assignee=assignee,
                                          alias=factories.make_alias(assignee)))
        blank, _fine, stranger = written_at_head_then_down_to(config, engine, "0010", make)
        run(engine, "UPDATE tickets SET section = '', \"row\" = ' ', seat = '' WHERE id = :id",
            id=blank.id)
        run(engine, "UPDATE tickets SET assignee_id = NULL WHERE id = :id", id=stranger.id)
        if backend == "sqlite":
            run(engine, "UPDATE memberships SET role = 'owner' WHERE id = "
                        "(SELECT min(id) FROM memberships)")
        expected = (f"migration 0011 changed nothing: tickets {blank.id} have a blank "
                    "section, row and seat: give each a section, row or seat")
        with pytest.raises(CommandError) as refused:
            command.upgrade(config, "head")
        assert str(refused.value).startswith(expected)
        assert str(refused.value).endswith("; fix these rows, then upgrade again")
        if backend == "sqlite":
            assert "; memberships 1 have a role other than 'admin', 'member'" in str(
                refused.value)
        assert at_revision(engine) == "0010"
        assert "ck_tickets_seat_not_blank" not in check_names(engine, "tickets")
        assert "ix_user_aliases_id_user_id" not in {
            ix["name"] for ix in sa.inspect(engine).get_indexes("user_aliases")}
        assert ticket_aliases(engine)[stranger.id] == stranger.alias_id
    finally:
        engine.dispose()


def test_0011_clears_an_alias_that_is_not_the_assignees(fresh_url, caplog):
    """As changing a ticket's assignee through the API does, logged; the
    assignee's own alias stays. Down and up again, nothing else changes."""
    config = alembic_config(fresh_url)
    engine = sa.create_engine(fresh_url)
    try:
        def make():
            assignee = factories.make_user()
            mine = factories.make_alias(assignee)
            return mine, [factories.make_ticket(assignee=assignee, alias=mine)
                          for _ in range(3)], factories.make_alias()
        mine, (kept, stranger, unassigned), theirs = written_at_head_then_down_to(
            config, engine, "0010", make)
        run(engine, "UPDATE tickets SET alias_id = :theirs WHERE id = :id",
            theirs=theirs.id, id=stranger.id)
        run(engine, "UPDATE tickets SET assignee_id = NULL WHERE id = :id", id=unassigned.id)
        with caplog.at_level("WARNING", logger="alembic.runtime.migration"):
            command.upgrade(config, "head")
        assert (f"migration 0011: tickets {stranger.id}, {unassigned.id} had an alias that is "
                "not their assignee's: their alias is cleared") in caplog.messages
        after = ticket_aliases(engine)
        assert after == {kept.id: mine.id, stranger.id: None, unassigned.id: None}
        command.downgrade(config, "0010")
        assert ticket_aliases(engine) == after
        assert "ck_tickets_seat_not_blank" not in check_names(engine, "tickets")
        command.upgrade(config, "head")
        assert ticket_aliases(engine) == after
    finally:
        engine.dispose()


def ticket_aliases(engine):
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT id, alias_id FROM tickets")).all())


def test_0011_never_reuses_a_ticket_or_request_id_deleted_before_it(fresh_url):
    """SQLite copies tickets and ticket_requests to add the constraints (and
    to drop them): the copies' AUTOINCREMENT counters go on from where they
    were, not from the largest id copied."""
    if not fresh_url.startswith("sqlite"):
        pytest.skip("PostgreSQL adds constraints in place; its sequences never go back")
    config = alembic_config(fresh_url)
    command.upgrade(config, "head")
    engine = sa.create_engine(fresh_url)
    try:
        with factories.committed(engine) as session:
            kept = factories.make_ticket()
            gone = factories.make_ticket(group=kept.group, event=kept.event)
            gone_request = factories.make_ticket_request(gone)
            session.flush()
            session.delete(gone_request)
            session.delete(gone)
        for revision in ("0010", "head", "0010"):
            (command.downgrade if revision == "0010" else command.upgrade)(config, revision)
            with engine.connect() as conn:
                counters = dict(conn.exec_driver_sql(
                    "SELECT name, seq FROM sqlite_sequence").all())
            assert counters["tickets"] >= gone.id and counters["ticket_requests"] >= (
                gone_request.id), revision
    finally:
        engine.dispose()


def test_the_database_refuses_a_ticket_for_another_entitys_event(fresh_url):
    """Since 0012, triggers refuse what POST /tickets refuses with a 400: a
    ticket for an event of another entity than its group's, made or moved
    there, or its event's or group's entity changed under it."""
    from seatshare.models import get_engine

    command.upgrade(alembic_config(fresh_url), "head")
    engine = get_engine({"sqlalchemy.url": fresh_url})
    try:
        with factories.committed(engine):
            ticket = factories.make_ticket()
            elsewhere = factories.make_event()
            other_group = factories.make_group(entity=elsewhere.entity)
        ids = {"id": ticket.id, "group": ticket.group_id, "owner": ticket.owner_id,
               "elsewhere": elsewhere.id, "other_entity": elsewhere.entity_id,
               "other_group": other_group.id, "event": ticket.event_id}
        refused = (
            "INSERT INTO tickets (group_id, event_id, owner_id, section, \"row\", seat, cost,"
            " note, created_at, updated_at) VALUES (:group, :elsewhere, :owner, 'A', '1', '2',"
            " 0, '', '2026-11-30 19:00:00', '2026-11-30 19:00:00')",
            "UPDATE tickets SET event_id = :elsewhere WHERE id = :id",
            "UPDATE tickets SET group_id = :other_group WHERE id = :id",
            "UPDATE events SET entity_id = :other_entity WHERE id = :event",
            "UPDATE groups SET entity_id = :other_entity WHERE id = :group",
        )
        for statement in refused:
            with pytest.raises(sa.exc.IntegrityError,
                               match="the event of a ticket must be one of the events"):
                with engine.begin() as conn:
                    conn.execute(sa.text(statement), ids)
        # Moved together, group and event agree again.
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE tickets SET group_id = :other_group,"
                                 " event_id = :elsewhere WHERE id = :id"), ids)
    finally:
        engine.dispose()


def test_0012_refuses_tickets_for_another_entitys_event_and_changes_nothing(fresh_url, backend):
    """Upgrading from 0010, PostgreSQL rolls the whole upgrade back (one
    transaction); SQLite keeps 0011, which committed on its own."""
    config = alembic_config(fresh_url)
    engine = sa.create_engine(fresh_url)
    try:
        def make():
            return factories.make_ticket(), factories.make_ticket(), factories.make_event()
        _fine, stray, elsewhere = written_at_head_then_down_to(config, engine, "0010", make)
        run(engine, "UPDATE tickets SET event_id = :event WHERE id = :id",
            event=elsewhere.id, id=stray.id)
        with pytest.raises(CommandError) as refused:
            command.upgrade(config, "head")
        assert str(refused.value) == (
            f"migration 0012 changed nothing: tickets {stray.id} are for an event of another "
            "entity than their group's: move each to an event of its group's entity or "
            "delete it, then upgrade again")
        assert at_revision(engine) == ("0011" if backend == "sqlite" else "0010")
        run(engine, "DELETE FROM tickets WHERE id = :id", id=stray.id)
        command.upgrade(config, "head")
        command.downgrade(config, "0011")
        # The triggers are gone with the downgrade.
        run(engine, "UPDATE events SET entity_id = (SELECT max(id) FROM entities)")
    finally:
        engine.dispose()


def test_invitation_migrations_keep_every_group_and_invitation(fresh_url):
    """0013 adds groups.invitation_code_generation (0: every code stays) and
    0014 copies group_invitations on SQLite (AUTOINCREMENT): down to 0012
    and back up, every row is kept, and the invitations' ids are never
    given again on SQLite."""
    config = alembic_config(fresh_url)
    command.upgrade(config, "head")  # the factories write today's schema
    engine = sa.create_engine(fresh_url)
    try:
        with factories.committed(engine):
            group = factories.make_group()
            factories.make_invitation(group)
            factories.make_invitation(group, used_by_id=group.creator_id)
        before = rows_hanging_on_groups(engine)
        command.downgrade(config, "0012")
        command.upgrade(config, "head")
        assert rows_hanging_on_groups(engine) == before
        with engine.connect() as conn:
            assert conn.execute(sa.text(
                "SELECT invitation_code_generation FROM groups")).scalar_one() == 0
            if fresh_url.startswith("sqlite"):
                sql = conn.execute(sa.text("SELECT sql FROM sqlite_master"
                                           " WHERE name = 'group_invitations'")).scalar_one()
                assert "AUTOINCREMENT" in sql.upper()
    finally:
        engine.dispose()


def entity_names(engine):
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT id, name FROM entities")).all())


def test_0015_refuses_names_that_differ_only_in_case_and_changes_nothing(fresh_url, backend):
    """The commands refused a second entity of the same name in any case;
    since 0015 the database does. Entities that already clash stop the
    upgrade, each set named, with nothing written (PostgreSQL and SQLite
    both stay at 0014, 0015 being the one migration to run)."""
    config = alembic_config(fresh_url)
    engine = sa.create_engine(fresh_url)
    try:
        def make():
            return [factories.make_entity() for _ in range(6)]
        rovers, rovers2, _hawks, lightning, lightning2, lightning3 = (
            written_at_head_then_down_to(config, engine, "0014", make))
        # Written at 0014, which took them: at head the database refuses them.
        for entity, name in ((rovers, "Riverside Rovers"), (rovers2, "riverside ROVERS"),
                             (lightning, "Lakeside Lightning"),
                             (lightning2, "LAKESIDE LIGHTNING"),
                             (lightning3, "Lakeside lightning")):
            run(engine, "UPDATE entities SET name = :name WHERE id = :id",
                name=name, id=entity.id)
        before = entity_names(engine)
        with pytest.raises(CommandError) as refused:
            command.upgrade(config, "head")
        assert str(refused.value) == (
            "migration 0015 changed nothing: entity names differ only in case: "
            f"'Lakeside Lightning' (id {lightning.id}) and 'LAKESIDE LIGHTNING' "
            f"(id {lightning2.id}) and 'Lakeside lightning' (id {lightning3.id}); "
            f"'Riverside Rovers' (id {rovers.id}) and 'riverside ROVERS' (id {rovers2.id}): "
            "rename all but one of each (or move its events and groups to that one and "
            "delete it), then upgrade again")
        assert at_revision(engine) == "0014"
        assert entity_names(engine) == before
        assert "uq_entities_name_lower" not in {
            ix["name"] for ix in sa.inspect(engine).get_indexes("entities")}

        run(engine, "DELETE FROM entities WHERE id IN (:a, :b, :c)",
            a=rovers2.id, b=lightning2.id, c=lightning3.id)
        command.upgrade(config, "head")
        with pytest.raises(sa.exc.IntegrityError, match="uq_entities_name_lower"):
            run(engine, "INSERT INTO entities (name, created_at)"
                        " VALUES ('RIVERSIDE rovers', '2026-12-01 00:00:00')")
        command.downgrade(config, "0014")
        run(engine, "INSERT INTO entities (name, created_at)"
                    " VALUES ('RIVERSIDE rovers', '2026-12-01 00:00:00')")
    finally:
        engine.dispose()


def test_a_relative_sqlite_path_is_the_file_it_named_when_the_engine_was_made(tmp_path,
                                                                              monkeypatch):
    """Opened as a URI filename, a relative path was resolved against the
    working directory at each connection, no longer once (as SQLAlchemy
    does a plain path's): a command or server that changed directory
    opened another file, or none."""
    from seatshare.models import get_engine

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    sqlite3.connect(tmp_path / "a" / "db.sqlite").close()
    monkeypatch.chdir(tmp_path / "a")
    engine = get_engine({"sqlalchemy.url": "sqlite:///db.sqlite"})
    monkeypatch.chdir(tmp_path / "b")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA database_list").one()[2] == str(
            tmp_path / "a" / "db.sqlite")
    engine.dispose()


def test_a_uri_filename_without_file_is_checked_and_never_created(tmp_path, monkeypatch):
    """``uri=true`` on a name without ``file:`` is a plain path to SQLite:
    it was neither looked for nor opened without creating it."""
    from pyramid.exceptions import ConfigurationError

    from seatshare.models import get_engine

    path = tmp_path / "db.sqlite"
    with pytest.raises(ConfigurationError, match="does not exist"):
        get_engine({"sqlalchemy.url": f"sqlite:///{path}?uri=true"})
    sqlite3.connect(path).close()
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{path}?uri=true"})
    opens_and_never_makes_again(engine, path)


def test_a_sqlite_url_s_own_mode_is_kept(tmp_path):
    """``?mode=ro`` on a plain path was replaced by ``rw``."""
    from seatshare.models import get_engine

    path = tmp_path / "db.sqlite"
    sqlite3.connect(path).close()
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{path}?mode=ro"})
    assert dict(engine.url.query) == {"mode": "ro", "uri": "true"}
    assert engine.url.database == f"file:{path}"
