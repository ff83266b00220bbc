"""The ini files' [server:main]: waitress's address comes from PasteDeploy
variables with the ini's defaults, so that ``pserve development.ini
http_port=8080`` serves on 8080, as ``pserve --help`` promises."""
import logging
import os
import re

import plaster
import pytest
import waitress
from waitress.adjustments import Adjustments

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Created(Exception):
    """The server was about to be made: stop there."""


def served_at(monkeypatch, ini, **variables):
    """The (host, port) pairs ``pserve INI NAME=VALUE...`` would bind:
    pserve's own loader, waitress's own reading of its settings."""
    seen = {}

    def create_server(app, **settings):
        seen.update(settings)
        raise Created

    monkeypatch.setattr(waitress, "create_server", create_server)
    loader = plaster.get_loader(os.path.join(ROOT, ini), protocols=["wsgi"])
    with pytest.raises(Created):
        loader.get_wsgi_server("main", variables)(None)
    return {sockaddr[:2] for *_, sockaddr in Adjustments(**seen).listen}


def test_development_ini_serves_localhost_on_6543(monkeypatch):
    served = served_at(monkeypatch, "development.ini")
    assert served and {port for _, port in served} == {6543}
    assert {host for host, _ in served} <= {"127.0.0.1", "::1"}


def test_development_ini_serves_on_the_port_pserve_is_given(monkeypatch):
    served = served_at(monkeypatch, "development.ini", http_port="8080")
    assert served and {port for _, port in served} == {8080}
    assert {host for host, _ in served} <= {"127.0.0.1", "::1"}


def test_production_ini_serves_every_interface_on_6543(monkeypatch):
    served = served_at(monkeypatch, "production.ini")
    assert {port for _, port in served} == {6543}
    assert "0.0.0.0" in {host for host, _ in served}


def test_production_ini_serves_at_the_address_pserve_is_given(monkeypatch):
    served = served_at(monkeypatch, "production.ini", http_host="127.0.0.1", http_port="6544")
    assert served == {("127.0.0.1", 6544)}


@pytest.mark.parametrize("ini", ["development.ini", "production.ini"])
def test_the_server_variables_are_no_app_setting(ini):
    """[DEFAULT] reaches every section; PasteDeploy keeps it out of the
    app's settings, which the command line reads too."""
    from pyramid.paster import get_appsettings

    settings = get_appsettings(os.path.join(ROOT, ini))
    assert not {"http_host", "http_port"} & set(settings)


@pytest.mark.parametrize(("arguments", "pserve"), [
    ([], "pserve development.ini"),
    (["http_port=8080"], "pserve development.ini http_port=8080"),
])
def test_make_run_hands_pserve_the_port(arguments, pserve):
    import subprocess

    done = subprocess.run(["make", "-n", "run", *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if "pserve" in line]
    assert line.rstrip().endswith(pserve)


def test_production_ini_says_where_it_serves_in_one_line(tmp_path):
    """production.ini logs at WARN, which hid waitress's "Serving on": once
    it served, an operator saw nothing. One INFO line says where it listens
    and with how many threads, and nothing else is said at start."""
    import queue
    import subprocess
    import sys
    import threading
    import time

    import sqlalchemy as sa

    from seatshare.models import metadata

    url = f"sqlite:///{tmp_path}/seatshare.sqlite"
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    with open(os.path.join(ROOT, "production.ini")) as f:
        # Its example sender refuses to start (README.md): any real one will do.
        ini = f.read().replace("<no-reply@example.com>", "<no-reply@seatshare.invalid>")
    (tmp_path / "production.ini").write_text(ini)
    env = {**os.environ, "SEATSHARE_DATABASE_URL": url, "SEATSHARE_ALLOWED_HOSTS": "localhost",
           "SEATSHARE_SESSION_SECRET": "s" * 64, "SEATSHARE_CALENDAR_SECRET": "c" * 64}
    pserve = os.path.join(os.path.dirname(sys.executable), "pserve")
    process = subprocess.Popen(
        [pserve, str(tmp_path / "production.ini"), "http_host=127.0.0.1", "http_port=0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stderr])
    reader.start()
    said = []
    try:
        while not said or "serving on" not in said[-1]:
            said.append(lines.get(timeout=60))
        time.sleep(1)  # anything it would say next
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
    said += list(lines.queue)
    # pserve's own line, then the server's.
    assert re.fullmatch(r"Starting server in PID [0-9]+\.\n", said[0]), said
    assert re.fullmatch(r"\S+ \S+ INFO  \[seatshare\.server\]\[MainThread\] serving on "
                        r"http://127\.0\.0\.1:[1-9][0-9]* with 8 threads\n", said[1]), said
    assert len(said) == 2, said


@pytest.mark.parametrize(("listen", "threads", "line"), [
    ([("0.0.0.0", 6543), ("::", 6543)], 8,
     "serving on http://0.0.0.0:6543 and http://[::]:6543 with 8 threads"),
    ([("127.0.0.1", 6544)], 1, "serving on http://127.0.0.1:6544 with 1 thread"),
    ([("unix", "/run/seatshare.sock")], 4, "serving on unix:/run/seatshare.sock with 4 threads"),
])
def test_the_line_names_every_address_and_the_threads(listen, threads, line):
    from types import SimpleNamespace

    from seatshare.server import listening

    server = SimpleNamespace(effective_listen=listen, adj=SimpleNamespace(threads=threads))
    assert listening(server) == line


@pytest.fixture
def served_queue_log(monkeypatch):
    """``serve`` run as pserve runs it (the server itself a stand-in), the
    filter it puts on waitress's queue logger taken off again after, and a
    clock the test moves: ``clock[0]``."""
    from types import SimpleNamespace

    from seatshare import repeats, server
    from seatshare.paths import redact_every_log_record

    clock = [1000.0]
    monkeypatch.setattr(repeats, "now", lambda: clock[0])
    stand_in = SimpleNamespace(effective_listen=[("127.0.0.1", 6543)],
                               adj=SimpleNamespace(threads=8), run=lambda: None)
    monkeypatch.setattr(waitress, "create_server", lambda app, **settings: stand_in)
    queue_log = logging.getLogger("waitress.queue")
    before, make_record = list(queue_log.filters), logging.getLogRecordFactory()
    redact_every_log_record()  # as the app does, before pserve serves it
    server.serve(None)
    yield clock
    queue_log.filters[:] = before
    logging.setLogRecordFactory(make_record)


class QueuedTask:
    def defer(self):
        pass


def test_waitress_queue_depth_is_a_line_a_minute_not_a_line_a_request(served_queue_log, caplog):
    """Under load nearly every request found every thread busy, and waitress
    warned so each time. The sign stays, once a minute, with how many
    requests waited and how deep the queue got in between."""
    from waitress.task import ThreadedTaskDispatcher

    dispatcher = ThreadedTaskDispatcher()  # no threads: every request waits
    with caplog.at_level(logging.WARNING, logger="waitress.queue"):
        for _ in range(100):
            dispatcher.add_task(QueuedTask())
        served_queue_log[0] += 75
        dispatcher.add_task(QueuedTask())
    assert [r.getMessage() for r in caplog.records if r.name == "waitress.queue"] == [
        "Task queue depth is 1: requests wait for a free thread (logged at most once every "
        "60 s, with how many more there were)",
        "Task queue depth is 101: requests wait for a free thread (99 more in the 75 s since "
        "the last such line, the queue at most 100 deep)",
    ]
