"""The benchmark harness still works: a tiny data set, the ceiling app, the
driver's plumbing. No timings are asserted here; ``make bench`` measures."""
import configparser
import json
import os

import pytest
import sqlalchemy as sa
from paste.deploy.loadwsgi import SERVER, loadcontext
from webtest import TestApp

from benchmarks import ceiling, floor, generate, profile, run, statement_cost
from seatshare import main
from seatshare.tokens import hash_token

from ..conftest import PG_ENV, create_database, make_settings

TICKETS = 700  # three groups, the last one partly filled


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    dataset = generate.generate(url, TICKETS, str(folder), stream=open(os.devnull, "w"))
    return url, str(folder), dataset


def _count(url, table):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    finally:
        engine.dispose()


def _token_lines(folder):
    with open(os.path.join(folder, "tokens.tsv")) as f:
        return [line.split() for line in f if not line.startswith("#")]


def test_generator_builds_the_requested_number_of_tickets(tiny):
    url, folder, dataset = tiny
    assert _count(url, "tickets") == TICKETS == dataset["tickets"]
    assert _count(url, "users") == dataset["users"] == 30
    assert _count(url, "events") == dataset["events"]


def test_generator_writes_one_token_per_user_and_stores_only_hashes(tiny):
    url, folder, dataset = tiny
    lines = _token_lines(folder)
    assert len(lines) == dataset["users"] == _count(url, "oauth_tokens")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT access_token_hash FROM oauth_tokens WHERE user_id = 1")
        ).scalar()
        secret = conn.execute(
            sa.text("SELECT client_secret_hash FROM oauth_applications")
        ).scalar()
    engine.dispose()
    assert stored == hash_token(lines[0][0]) != lines[0][0]
    assert secret == hash_token(dataset["client_secret"])
    assert any(int(line[3]) > 0 for line in lines)  # someone owns a ticket


def test_generated_data_set_is_recognised_for_reuse(tiny):
    url, folder, dataset = tiny
    assert generate.existing_dataset(url, folder, TICKETS)["client_id"] == dataset["client_id"]
    assert generate.existing_dataset(url, folder, TICKETS * 2) is None


def test_files_of_another_generation_are_not_reused(tmp_path):
    """Two checkouts share one benchmark database: when one regenerates it,
    the other's files name tokens that no longer exist, so they are not
    taken for the data set in the database."""
    url = f"sqlite:///{tmp_path / 'bench.sqlite'}"
    quiet = open(os.devnull, "w")
    first = generate.generate(url, 10, str(tmp_path / "first"), stream=quiet)
    assert generate.existing_dataset(url, str(tmp_path / "first"), 10) == first
    second = generate.generate(url, 10, str(tmp_path / "second"), reset=True, stream=quiet)
    assert second["client_id"] == first["client_id"]  # the same seed
    assert generate.existing_dataset(url, str(tmp_path / "first"), 10) is None
    assert generate.existing_dataset(url, str(tmp_path / "second"), 10) == second


def test_data_set_built_on_another_schema_is_not_reused(tiny, monkeypatch):
    url, folder, _ = tiny
    monkeypatch.setattr(generate, "schema_fingerprint", lambda dialect: "changed")
    assert generate.existing_dataset(url, folder, TICKETS) is None


def test_generator_refuses_a_database_that_holds_data(tiny):
    url, folder, _ = tiny
    with pytest.raises(SystemExit):
        generate.generate(url, 10, folder, stream=open(os.devnull, "w"))


def test_generated_token_authenticates_against_the_app(tiny):
    url, folder, _ = tiny
    token = _token_lines(folder)[0][0]
    app = main({}, **make_settings(url))
    try:
        response = TestApp(app).get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.json["id"] == 1
    finally:
        app.registry["dbengine"].dispose()


def test_each_ticket_put_probe_is_a_real_update(tiny):
    """``benchmarks.profile`` sends the probe again and again: each must
    change the ticket, with its UPDATE and history entry, as the load's
    requests do, not find the note it wrote last time and write nothing."""
    url, folder, dataset = tiny
    scenario = next(s for s in run.SCENARIOS if s[0] == "ticket_put")
    tokens_path = os.path.join(folder, "tokens.tsv")
    history = _count(url, "ticket_history")
    in_process = run.InProcess(url)
    try:
        probes = [run.probe(in_process, scenario, tokens_path, dataset, None) for _ in range(3)]
    finally:
        in_process.close()
    assert [status for status, _, _ in probes] == [200] * 3
    assert len({statements for _, _, statements in probes}) == 1, probes
    assert _count(url, "ticket_history") == history + 3


def test_statement_cost_runs_the_token_statement_both_ways(tiny):
    url, folder, _ = tiny
    core, raw = statement_cost.measure(url, os.path.join(folder, "tokens.tsv"), runs=20)
    assert core > 0 and raw > 0


def test_callgrind_runs_the_measured_requests_once_inside_qsort():
    """``--callgrind``: callgrind toggled by ``qsort`` counts what runs inside
    it, so the work must run there, once, and its errors must not vanish."""
    calls = []
    profile.in_qsort(lambda: calls.append("work"))
    assert calls == ["work"]

    def failing():
        raise ValueError("a probe failed")

    with pytest.raises(ValueError, match="a probe failed"):
        profile.in_qsort(failing)


def test_authorization_codes_are_stored_hashed(tiny, tmp_path):
    url, folder, dataset = tiny
    before = _count(url, "oauth_authorization_codes")
    codes = generate.make_authorization_codes(url, dataset, 5, str(tmp_path / "codes.txt"))
    assert _count(url, "oauth_authorization_codes") == before + 5
    assert (tmp_path / "codes.txt").read_text().split() == codes
    generate.discard_exchanges(url, dataset)
    assert _count(url, "oauth_authorization_codes") == 0
    assert _count(url, "oauth_tokens") == dataset["users"]


@pytest.mark.parametrize("size", [10, 262, 599, 600, 6028, 25000])
def test_ceiling_answers_a_json_document_of_the_size_asked(size):
    app = TestApp(ceiling.main({}))
    for method in ("GET", "PUT", "POST"):
        response = app.request(f"/ceiling/{size}", method=method)
        assert len(response.body) == size
        json.loads(response.body)


def test_server_ini_keeps_production_waitress_settings(tmp_path):
    path = tmp_path / "server.ini"
    server = run.write_ini(str(path), {"use": "call:benchmarks.ceiling:main"}, 12345)
    production = run.production_config()
    assert server["threads"] == production.get("server:main", "threads")
    served = loadcontext(SERVER, f"config:{path}").local_conf
    assert (served["host"], served["port"]) == ("127.0.0.1", "12345")
    written = configparser.RawConfigParser()
    written.read(path)
    assert written.get("app:main", "use") == "call:benchmarks.ceiling:main"


def test_the_ceiling_runs_on_waitress_without_seatshares_runner(tmp_path):
    """production.ini's runner (seatshare.server) would import the seatshare
    package into the bare app's process: some 39 MB more of it."""
    ceiling, app = tmp_path / "ceiling.ini", tmp_path / "app.ini"
    assert run.write_ini(str(ceiling), {"use": run.CEILING_APP}, 12345)["use"] == (
        "egg:waitress#main")
    assert run.write_ini(str(app), {"use": "egg:seatshare"}, 12346)["use"] == (
        run.production_config().get("server:main", "use"))


def test_production_like_servers_answer_at_their_local_address(tiny):
    """production.ini's allowed hosts are a placeholder, with which the app
    does not start; the servers the driver starts are asked at
    127.0.0.1:PORT, the in-process app as localhost, so their environment
    allows those, and no other host."""
    from pyramid.exceptions import ConfigurationError

    from seatshare.settings import apply_environment

    url, _, _ = tiny
    with pytest.raises(ConfigurationError, match="SEATSHARE_ALLOWED_HOSTS"):
        main({}, **apply_environment(run.real_app_section(url), run.fresh_secrets()))
    served = main({}, **apply_environment(run.real_app_section(url), run.server_env(url)))
    try:
        for host in ("127.0.0.1:12345", "localhost"):
            app = TestApp(served, extra_environ={"HTTP_HOST": host})
            assert app.get("/.well-known/oauth-authorization-server").json["issuer"] == (
                f"http://{host}")
        TestApp(served, extra_environ={"HTTP_HOST": "evil.example"}).get(
            "/.well-known/oauth-authorization-server", status=400)
    finally:
        served.registry["dbengine"].dispose()


def test_profile_summary_reads_py_spy_raw_output(tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text(
        "process 1;thread (0x1);handle (seatshare/views/tickets.py:10);"
        "execute (sqlalchemy/engine/base.py:1) 3\n"
        "process 1;thread (0x1);handle (seatshare/views/tickets.py:10) 1\n"
    )
    lines = run.top_frames(str(raw))
    assert lines[0].startswith("4 samples")
    assert any("75.0%" in line and "execute" in line for line in lines)


def test_targets_compare_large_and_small_p99():
    def row(dataset, p99):
        return {"dataset": dataset, "scenario": "tickets_assignee_me", "is_read": True,
                "status": 200, "statements": 3, "ratio": 0.5,
                "app": {"p99_us": p99, "rps": 1, "p50_us": 1}}

    lines = run.targets([row("pg-10k", 10_000), row("pg-1m", 12_000)])
    assert any("x1.20" in line and " met" in line for line in lines)


def _floor_and_application(url, tokens_path, dataset, scenario_name, tmp_path, **settings):
    """The floor app for ``scenario_name``, recorded from one request to the
    application: ``(floor app, path, headers, the application's probe and
    body)``."""
    scenario = next(s for s in run.SCENARIOS if s[0] == scenario_name)
    recording = str(tmp_path / "recording")
    in_process = run.InProcess(url)
    try:
        probed = floor.record(in_process, scenario, tokens_path, dataset, recording)
        body = in_process.last_body
    finally:
        in_process.close()
    app = TestApp(floor.main({}, **{"floor.url": url, "floor.recording": recording, **settings}))
    token, path = run.owner_request(scenario, tokens_path)
    return app, path, {"Authorization": f"Bearer {token}"}, probed, body


@pytest.mark.parametrize("scenario_name", ["tickets_group_page", "users_me"])
def test_floor_answers_what_the_application_answers(tiny, tmp_path, scenario_name):
    """The floor replays the application's own statements on the bare driver
    and renders the same fields, so its response is the application's."""
    url, folder, dataset = tiny
    app, path, headers, (status, size, statements), expected = _floor_and_application(
        url, os.path.join(folder, "tokens.tsv"), dataset, scenario_name, tmp_path)
    assert status == 200 and statements >= 1
    response = app.get(path, headers=headers)
    assert response.body == expected and len(expected) == size
    if isinstance(response.json, list):
        assert int(response.headers["X-Total-Count"]) > len(response.json)
    app.get(path, status=401)


@pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"needs PostgreSQL; set {PG_ENV}")
def test_floor_can_have_postgresql_render_the_page(tmp_path):
    """--json-in-database: the same tickets, in the same order, with the
    same total, rendered by PostgreSQL."""
    url, drop = create_database("postgresql", str(tmp_path))
    try:
        dataset = generate.generate(url, TICKETS, str(tmp_path), stream=open(os.devnull, "w"))
        app, path, headers, _, body = _floor_and_application(
            url, str(tmp_path / "tokens.tsv"), dataset, "tickets_group_page", tmp_path,
            **{"floor.json_in_database": "true"})
        expected = json.loads(body)
        response = app.get(path, headers=headers)
        assert [t["id"] for t in response.json] == [t["id"] for t in expected]
        assert response.json == expected  # the rows were JSON: the same objects
        assert int(response.headers["X-Total-Count"]) > len(expected) == 25
    finally:
        drop()


def test_a_rebuild_drops_the_tables_a_newer_schema_added(backend, tmp_path):
    """Comparing checkouts on one benchmark database: an older checkout
    rebuilding after a newer one added a table (one that references users)
    failed part-way on PostgreSQL, its marker already dropped, and from
    then on every checkout refused the database. It now drops that table
    too, and a failed drop leaves the marker in place."""
    url, drop = create_database(backend, str(tmp_path))
    quiet = open(os.devnull, "w")
    try:
        generate.generate(url, 10, str(tmp_path / "newer"), stream=quiet)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TABLE newer_table (id INTEGER PRIMARY KEY, "
                "user_id INTEGER REFERENCES users (id))")
            connection.exec_driver_sql("INSERT INTO newer_table VALUES (1, 1)")
        engine.dispose()
        rebuilt = generate.generate(url, 10, str(tmp_path / "older"), reset=True, stream=quiet)
        assert generate.existing_dataset(url, str(tmp_path / "older"), 10) == rebuilt
        engine = sa.create_engine(url)
        assert "newer_table" not in sa.inspect(engine).get_table_names()
        engine.dispose()
    finally:
        drop()
