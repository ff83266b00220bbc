"""The load driver: serve the app as production does, load it with wrk, print a table.

    python -m benchmarks.run [--datasets sqlite-10k,pg-10k,pg-1m] [--duration 10]

For each data set it builds (or reuses) the data with ``benchmarks.generate``,
serves the real application with ``pserve`` from an ini made from
``production.ini`` (same ``[server:main]``: waitress, same thread count; the
database URL pointing at the data set), and serves ``benchmarks.ceiling`` from
the same ``[server:main]`` beside it. Each scenario runs against the ceiling
(a JSON document the size of the real response) and then the real app, with
``wrk`` and one bearer token per connection (``benchmarks/scenario.lua``).

It prints, and writes to ``benchmarks/results/latest.md``: requests/s, p50 and
p99 latency, the ratio to the ceiling, the SQL statements one request makes
(counted in-process), the server's peak resident memory (VmHWM), and how each
target of the performance issue stands.

Data sets: ``sqlite-10k`` (a file under ``benchmarks/var/``) always works;
``pg-10k`` and ``pg-1m`` need PostgreSQL: ``SEATSHARE_BENCH_DATABASE_URL`` for
the large one (and ``SEATSHARE_BENCH_SMALL_DATABASE_URL`` for the small one),
else databases ``seatshare_bench`` and ``seatshare_bench_10k`` are created
through ``SEATSHARE_BENCH_ADMIN_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``). Existing databases are never
dropped; SeatShare's tables in them are rebuilt only when they carry the
benchmark marker table (or hold no SeatShare tables yet).
"""
import argparse
import configparser
import contextlib
import datetime
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import sqlalchemy as sa

from . import generate

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VAR = os.path.join(HERE, "var")
RESULTS = os.path.join(HERE, "results")
LUA = os.path.join(HERE, "scenario.lua")
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
CREATED_COMMENT = "created by SeatShare benchmarks/run.py"
RSS_LIMIT_MB = 150

# name, method, path template, is a read
SCENARIOS = [
    ("users_me", "GET", "/api/v1/users/me", True),
    ("tickets_assignee_me", "GET", "/api/v1/tickets?assignee=me", True),
    ("tickets_group_page", "GET", "/api/v1/tickets?group_id={group_id}", True),
    ("events_future", "GET", "/api/v1/events?show=future", True),
    ("ticket_put", "PUT", "/api/v1/ticket/{ticket_id}", False),
    ("token_exchange", "POST", "/oauth/token", False),
]
SCENARIO_NAMES = [s[0] for s in SCENARIOS]
# Scenarios whose SQL gets an EXPLAIN ANALYZE on PostgreSQL.
EXPLAINED = {"tickets_assignee_me", "tickets_group_page", "events_future"}
DATASETS = {"sqlite-10k": 10_000, "pg-10k": 10_000, "pg-1m": 1_000_000}


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- databases -------------------------------------------------------------


def _psycopg_url(url):
    url = sa.engine.make_url(url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def ensure_postgresql_database(name):
    """The URL of database ``name`` on the admin server, created (and marked
    as ours) when missing."""
    admin_url = _psycopg_url(os.environ.get("SEATSHARE_BENCH_ADMIN_URL", DEFAULT_ADMIN_URL))
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if not exists:
                log(f"creating database {name}")
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
                conn.exec_driver_sql(f"COMMENT ON DATABASE \"{name}\" IS '{CREATED_COMMENT}'")
    finally:
        engine.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def dataset_url(name):
    if name == "sqlite-10k":
        os.makedirs(VAR, exist_ok=True)
        return f"sqlite:///{os.path.join(VAR, 'bench-10k.sqlite')}"
    variable, default_db = {
        "pg-1m": ("SEATSHARE_BENCH_DATABASE_URL", "seatshare_bench"),
        "pg-10k": ("SEATSHARE_BENCH_SMALL_DATABASE_URL", "seatshare_bench_10k"),
    }[name]
    if os.environ.get(variable):
        return _psycopg_url(os.environ[variable]).render_as_string(hide_password=False)
    return ensure_postgresql_database(default_db)


def postgresql_available():
    try:
        url = os.environ.get("SEATSHARE_BENCH_DATABASE_URL") or os.environ.get(
            "SEATSHARE_BENCH_ADMIN_URL", DEFAULT_ADMIN_URL
        )
        engine = sa.create_engine(_psycopg_url(url), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        log(f"PostgreSQL not reachable ({type(exc).__name__}); skipping the pg data sets")
        return False


def prepare_dataset(name, url):
    tickets = DATASETS[name]
    out_dir = os.path.join(VAR, name)
    dataset = generate.existing_dataset(url, out_dir, tickets)
    if dataset is not None:
        log(f"{name}: reusing the data set in the database")
        return dataset, out_dir
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        ours = inspector.has_table(generate.MARKER_TABLE)
        has_tables = inspector.has_table("users")
    finally:
        engine.dispose()
    if has_tables and not ours:
        raise SystemExit(
            f"{name}: the database holds SeatShare tables without the benchmark "
            "marker; refusing to touch it. Point the benchmark at an empty database."
        )
    log(f"{name}: generating {tickets:,} tickets")
    started = time.monotonic()
    dataset = generate.generate(url, tickets, out_dir, reset=ours)
    log(f"{name}: generated in {time.monotonic() - started:.1f}s")
    dataset["generated_in_s"] = round(time.monotonic() - started, 1)
    return dataset, out_dir


# --- servers ---------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_config():
    config = configparser.RawConfigParser(strict=False)
    config.optionxform = str  # keep the keys' case
    config.read(os.path.join(ROOT, "production.ini"))
    return config


def write_ini(path, app_section, port):
    """An ini with production.ini's [server:main] and logging, our app, our port."""
    config = production_config()
    config.remove_section("app:main")
    config.add_section("app:main")
    for key, value in app_section.items():
        config.set("app:main", key, value)
    if config.has_section("alembic"):
        config.remove_section("alembic")
    if app_section.get("use") == CEILING_APP:
        # The same waitress without SeatShare's runner, which would import
        # the seatshare package into the bare app's process (and its memory).
        config.set("server:main", "use", "egg:waitress#main")
    # production.ini's [server:main] reads its address from these two.
    config.set("DEFAULT", "http_host", "127.0.0.1")
    config.set("DEFAULT", "http_port", str(port))
    with open(path, "w") as f:
        config.write(f)
    return dict(config.items("server:main"))


def real_app_section(url):
    config = production_config()
    # Without [DEFAULT]'s (the server's address), as PasteDeploy reads it.
    section = {key: value for key, value in config.items("app:main")
               if key not in config.defaults()}
    section["sqlalchemy.url"] = url
    # Read raw, the ini's %(here)s is no path: the servers' mail queue (no
    # scenario mails) lives with the benchmarks' other files.
    section["mail.queue_path"] = os.path.join(VAR, "mail-queue")
    # production.ini's sender is an example address, with which it does not start.
    section["mail.default_sender"] = "SeatShare <no-reply@seatshare.invalid>"
    return section


class Server:
    """``pserve INI`` as a subprocess, with its resident memory sampled."""

    def __init__(self, name, ini, port, env):
        self.name = name
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = ini + ".log"
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pyramid.scripts.pserve", ini],
            cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
        )
        self.peak_rss_kb = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_ready(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log_path}")
            try:
                urllib.request.urlopen(self.base + path, timeout=2).read()
                self._sampler.start()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer {path}; see {self.log_path}")

    def status(self, field):
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except OSError:
            return 0
        return 0

    def _sample(self):
        while not self._stop.wait(0.25):
            self.peak_rss_kb = max(self.peak_rss_kb, self.status("VmRSS"))

    @property
    def hwm_mb(self):
        """The high-water mark of resident memory, VmHWM, in MB."""
        return max(self.status("VmHWM"), self.peak_rss_kb) / 1024

    def stop(self):
        self._stop.set()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log_file.close()


def start_server(name, ini_name, app_section, env, ready_path):
    """``pserve`` of an ini written from ``production.ini`` for
    ``app_section``, once it answers ``ready_path``."""
    port = free_port()
    ini = os.path.join(RESULTS, ini_name)
    write_ini(ini, app_section, port)
    server = Server(name, ini, port, env)
    try:
        server.wait_ready(ready_path)
    except BaseException:
        server.stop()
        raise
    return server


CEILING_APP = "call:benchmarks.ceiling:main"


def start_ceiling():
    return start_server("ceiling", "server-ceiling.ini",
                        {"use": CEILING_APP}, server_env(None), "/ceiling/10")


def start_app(dataset_name, url):
    """The real application, served as production serves it, on the data set."""
    return start_server(f"seatshare ({dataset_name})", f"server-{dataset_name}.ini",
                        real_app_section(url), server_env(url), "/healthz")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU time of process ``pid`` (all its threads)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def database_cpu_seconds(database):
    """CPU time of this machine's PostgreSQL backends serving ``database``,
    by pid; empty when the database server is elsewhere (or SQLite)."""
    found = {}
    if not database:
        return found
    needle = f" {database} ".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if cmdline.startswith(b"postgres: ") and needle in cmdline:
            found[entry] = cpu_seconds(entry)
    return found


class CpuMeter:
    """CPU spent by a server process, and by its database backends, over a run."""

    def __init__(self, pid, database=None):
        self.pid, self.database = pid, database

    def __enter__(self):
        self.server_before = cpu_seconds(self.pid)
        self.database_before = database_cpu_seconds(self.database)
        return self

    def __exit__(self, *exc):
        self.server = cpu_seconds(self.pid) - self.server_before
        after = database_cpu_seconds(self.database)
        self.db = sum(v - self.database_before.get(pid, 0.0) for pid, v in after.items())


def fresh_secrets() -> dict:
    """A random value for each secret production.ini leaves to the
    environment (the app refuses its placeholders): variable → value."""
    from seatshare.settings import SECRETS

    return {variable: secrets.token_hex(32) for variable in SECRETS.values()}


def server_env(url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEATSHARE_")}
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["SEATSHARE_DATABASE_URL"] = url or ""
    env.update(fresh_secrets())
    # production.ini's allowed hosts are a placeholder the app refuses to
    # start with: the servers are asked at 127.0.0.1:PORT (wrk, urllib), the
    # in-process app as localhost.
    env["SEATSHARE_ALLOWED_HOSTS"] = "127.0.0.1 localhost"
    return env


# --- one request, in process: status, size, SQL statements ----------------


class InProcess:
    """The real app in this process, to count a request's SQL statements."""

    def __init__(self, url):
        from seatshare import main
        from seatshare.settings import apply_environment

        self.app = main({}, **apply_environment(real_app_section(url), server_env(url)))
        self.engine = self.app.registry["dbengine"]
        self.statements = []
        sa.event.listen(self.engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            self.statements.append((statement, None if executemany else parameters))

    def explain(self):
        """EXPLAIN ANALYZE of the last request's SELECTs (PostgreSQL): each
        one's execution time and the scans its plan makes."""
        lines = []
        selects = [(s, p) for s, p in self.statements
                   if s.lstrip().upper().startswith(("SELECT", "WITH"))]
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            for number, (statement, parameters) in enumerate(selects, 1):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = [row[0] for row in cursor.fetchall()]
                took = next((line.split(":")[1].strip() for line in plan
                             if line.startswith("Execution Time")), "?")
                scans = []
                for line in plan:
                    node = line.strip().lstrip("->").strip()
                    if "Scan" in node.split("(")[0] and node.split("  (")[0] not in scans:
                        scans.append(node.split("  (")[0])
                lines.append(f"statement {number} ({took}): {'; '.join(scans) or 'no scan'}")
            connection.rollback()
        finally:
            connection.close()
        return lines

    def request(self, method, path, headers, body=None):
        from webtest import TestApp

        app = TestApp(self.app, extra_environ={"HTTP_HOST": "localhost"})
        self.statements = []
        response = app.request(path, method=method, headers=headers, body=body or b"",
                               expect_errors=True)
        self.last_body = response.body
        return response.status_int, len(response.body), len(self.statements)

    def close(self):
        self.engine.dispose()


def first_owner(tokens_path):
    with open(tokens_path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            token, user_id, group_id, ticket_id = line.split()
            if int(ticket_id) > 0:
                return token, group_id, ticket_id
    raise SystemExit(f"no ticket owner in {tokens_path}")


def owner_request(scenario, tokens_path):
    """``(token, path)``: the scenario's path for the first ticket owner,
    with their bearer token."""
    token, group_id, ticket_id = first_owner(tokens_path)
    return token, scenario[2].replace("{group_id}", group_id).replace("{ticket_id}", ticket_id)


def probe(in_process, scenario, tokens_path, dataset, code):
    """One request in-process: (status, response bytes, SQL statements)."""
    name, method, template, _ = scenario
    token, path = owner_request(scenario, tokens_path)
    headers = {"Authorization": f"Bearer {token}"}
    body = None
    if name == "ticket_put":
        headers["Content-Type"] = "application/json"
        # A new note each time, as the load sends: the same one again would
        # change nothing, and the request would skip its UPDATE and history.
        body = json.dumps({"note": f"benchmark probe {time.time_ns()}"}).encode()
    elif name == "token_exchange":
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        body = urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": dataset["redirect_uri"],
            "client_id": dataset["client_id"],
            "client_secret": dataset["client_secret"],
        }).encode()
    return in_process.request(method, path, headers, body)


# --- wrk -------------------------------------------------------------------


def run_wrk(base, scenario, connections, duration, tokens_path, path=None,
            codes_path=None, dataset=None):
    name, method, template, _ = scenario
    args = [
        "wrk", "-t", str(connections), "-c", str(connections), "-d", f"{duration}s",
        "--timeout", "10s", "--latency", "-s", LUA, base, "--",
        str(connections), tokens_path, method, path or template,
    ]
    if codes_path:
        args += [codes_path, dataset["client_id"], dataset["client_secret"],
                 dataset["redirect_uri"]]
    result = subprocess.run(args, capture_output=True, text=True, timeout=duration + 60)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH "):
            figures = json.loads(line[len("BENCH "):])
            seconds = figures["duration_us"] / 1e6
            figures["rps"] = figures["requests"] / seconds if seconds else 0.0
            return figures
    raise SystemExit(f"wrk gave no figures:\n{result.stdout}\n{result.stderr}")


def load(server, database, scenario, args, tokens_path, path=None, before_run=None,
         **wrk_options):
    """wrk on ``server``: the warm-up, then the measured run, whose figures
    it returns with the CPU per request of the server (``cpu_ms``) and of its
    PostgreSQL backends (``db_cpu_ms``, None without ``database``).
    ``before_run(seconds)`` runs before each."""
    for seconds in ([args.warmup] if args.warmup else []) + [args.duration]:
        if before_run is not None:
            before_run(seconds)
        with CpuMeter(server.process.pid, database) as cpu:
            figures = run_wrk(server.base, scenario, args.connections, seconds,
                              tokens_path, path=path, **wrk_options)
    requests = max(figures["requests"], 1)
    figures["cpu_ms"] = 1000 * cpu.server / requests
    figures["db_cpu_ms"] = 1000 * cpu.db / requests if database else None
    return figures


def require_wrk():
    if shutil.which("wrk"):
        return
    log(
        "wrk is not installed. Install it, then run again:\n"
        "  Debian/Ubuntu: sudo apt-get install -y wrk\n"
        "  macOS:         brew install wrk"
    )
    raise SystemExit(2)


# --- profiling -------------------------------------------------------------


def profile_scenario(server, scenario, args, tokens_path, codes_path, dataset, out_path):
    """py-spy on the real server while wrk loads it; the top frames."""
    py_spy = shutil.which("py-spy") or os.path.join(os.path.dirname(sys.executable), "py-spy")
    if not os.path.exists(py_spy):
        return ["py-spy is not installed (pip install py-spy)"]
    recorder = subprocess.Popen(
        [py_spy, "record", "--pid", str(server.process.pid), "--duration",
         str(args.duration), "--rate", "250", "--format", "raw", "--output", out_path,
         "--nonblocking", "--gil"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(0.5)
    run_wrk(server.base, scenario, args.connections, args.duration, tokens_path,
            codes_path=codes_path, dataset=dataset)
    _, error = recorder.communicate(timeout=60)
    if not os.path.exists(out_path):
        return [f"py-spy failed: {error.strip()[-300:]}"]
    return top_frames(out_path)


def top_frames(raw_path, count=12):
    """From py-spy's collapsed stacks: time by package (on top of the stack,
    and anywhere in it), the frames most often on top, and SeatShare's own
    frames by the time spent in them and below them."""
    self_counts, total_counts, package_self, package_total = {}, {}, {}, {}
    samples = 0
    with open(raw_path) as f:
        for line in f:
            stack, _, n = line.rstrip().rpartition(" ")
            if not stack:
                continue
            n = int(n)
            frames = [frame for frame in stack.split(";")
                      if not frame.startswith(("process ", "thread "))]
            if not frames:
                continue
            samples += n
            _add(self_counts, frames[-1], n)
            _add(package_self, _package(frames[-1]), n)
            for frame in set(frames):
                _add(total_counts, frame, n)
            for package in {_package(frame) for frame in frames}:
                _add(package_total, package, n)
    if not samples:
        return ["no samples"]

    def share(n):
        return f"{100 * n / samples:5.1f}%"

    lines = [f"{samples} samples of the thread holding the GIL",
             "by package: self, and total (the package anywhere in the stack):"]
    for package, n in sorted(package_self.items(), key=lambda kv: -kv[1])[:count]:
        lines.append(f"  {share(n)} {share(package_total[package])}  {package}")
    lines.append("frames on top of the stack (self):")
    for frame, n in sorted(self_counts.items(), key=lambda kv: -kv[1])[:count]:
        lines.append(f"  {share(n)}  {_short(frame)}")
    lines.append("SeatShare's frames, total (with what they call):")
    own = [(frame, n) for frame, n in total_counts.items()
           if _package(frame) == "seatshare" and "limits.py" not in frame]
    for frame, n in sorted(own, key=lambda kv: -kv[1])[:count]:
        lines.append(f"  {share(n)}  {_short(frame)}")
    return lines


def _add(counts, key, n):
    counts[key] = counts.get(key, 0) + n


def _package(frame):
    """``sqlalchemy`` for ``execute (sqlalchemy/engine/base.py:1)``: py-spy
    names a frame's file from its import root."""
    path = frame.rpartition(" (")[2].rstrip(")")
    path = path.split("site-packages/")[-1]
    if "/seatshare/" in path:
        return "seatshare"
    first = path.split("/")[0].split(":")[0]
    return first[:-3] if first.endswith(".py") else first


def _short(frame):
    for marker in ("site-packages/", "lib/python3"):
        if marker in frame:
            head, _, tail = frame.partition(" (")
            return f"{head} ({tail.split(marker)[-1]}"
    return frame.replace(ROOT + os.sep, "")


# --- the run ---------------------------------------------------------------


def code_count(args, seconds):
    """Enough single-use codes for ``seconds`` of exchanges at a generous rate."""
    return max(1000, args.code_rate * seconds)


def run_dataset(name, args, ceiling, rows, profiles, plans):
    url = dataset_url(name)
    dataset, out_dir = prepare_dataset(name, url)
    tokens_path = os.path.join(out_dir, "tokens.tsv")
    codes_path = os.path.join(out_dir, "codes.txt")
    wanted = [s for s in SCENARIOS if s[0] in args.scenarios]

    generate.discard_exchanges(url, dataset)
    in_process = InProcess(url)
    probes = {}
    try:
        for scenario in wanted:
            code = None
            if scenario[0] == "token_exchange":
                code = generate.make_authorization_codes(
                    url, dataset, 1, codes_path + ".probe")[0]
            probes[scenario[0]] = probe(in_process, scenario, tokens_path, dataset, code)
            if database_name(url) and scenario[0] in EXPLAINED:
                plans[(name, scenario[0])] = in_process.explain()
    finally:
        in_process.close()

    def fresh_codes(seconds):
        # Every exchange run gets its own codes: each works once.
        generate.make_authorization_codes(url, dataset, code_count(args, seconds), codes_path)

    server = start_app(name, url)
    try:
        for scenario in wanted:
            scenario_name, method, template, is_read = scenario
            status, size, statements = probes[scenario_name]
            row = {"dataset": name, "scenario": scenario_name, "status": status,
                   "bytes": size, "statements": statements, "is_read": is_read}
            rows.append(row)
            if not 200 <= status < 300:
                log(f"{name} {scenario_name}: answers {status}; skipped")
                continue
            is_exchange = scenario_name == "token_exchange"
            codes = codes_path if is_exchange else None
            ceiling_path = f"/ceiling/{size}"
            log(f"{name} {scenario_name}: {size} bytes, {statements} SQL statements")
            for target, target_server, path in (("ceiling", ceiling, ceiling_path),
                                                ("app", server, None)):
                database = None if target == "ceiling" else database_name(url)
                figures = load(target_server, database, scenario, args, tokens_path,
                               path=path, before_run=fresh_codes if is_exchange else None,
                               codes_path=codes, dataset=dataset)
                row[target] = figures
                log(f"  {target:7} {figures['rps']:8.1f} req/s  p50 "
                    f"{figures['p50_us'] / 1000:7.2f} ms  p99 {figures['p99_us'] / 1000:7.2f} ms"
                    f"  errors {figures['non2xx'] + figures['socket_errors']}"
                    f"  CPU {figures['cpu_ms']:.2f} ms/req")
            row["ratio"] = row["app"]["rps"] / row["ceiling"]["rps"]
            row["rss_mb"] = server.hwm_mb
            if scenario_name == "tickets_assignee_me" and args.latency_connections:
                # Latency without queueing: fewer connections than server threads.
                row["unloaded"] = run_wrk(server.base, scenario, args.latency_connections,
                                          args.duration, tokens_path)
                log(f"  {args.latency_connections} connections: p50 "
                    f"{row['unloaded']['p50_us'] / 1000:.2f} ms, p99 "
                    f"{row['unloaded']['p99_us'] / 1000:.2f} ms")
        if args.profile:
            slowest = sorted((r for r in rows if r["dataset"] == name and "ratio" in r),
                             key=lambda r: r["ratio"])[: args.profile]
            for row in slowest:
                scenario = next(s for s in SCENARIOS if s[0] == row["scenario"])
                codes = None
                if row["scenario"] == "token_exchange":
                    generate.make_authorization_codes(
                        url, dataset, code_count(args, args.duration), codes_path)
                    codes = codes_path
                out_path = os.path.join(RESULTS, f"profile-{name}-{row['scenario']}.txt")
                log(f"{name} {row['scenario']}: profiling with py-spy")
                profiles[(name, row["scenario"])] = profile_scenario(
                    server, scenario, args, tokens_path, codes, dataset, out_path)
        rows.append({"dataset": name, "server_rss_mb": server.hwm_mb,
                     "generated_in_s": dataset.get("generated_in_s")})
    finally:
        server.stop()


def database_name(url):
    url = sa.engine.make_url(url)
    return url.database if url.get_backend_name() == "postgresql" else None


def fmt_ms(us):
    return f"{us / 1000:.2f}"


def render(rows, profiles, plans, args, ceiling_rss_mb, started):
    lines = [
        "# SeatShare benchmark",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC: {args.connections} connections (one bearer "
        f"token each), {args.duration}s per scenario after a {args.warmup}s warm-up, "
        f"waitress threads as in production.ini; {os.cpu_count()} CPUs shared with wrk.",
        "",
        "| data set | scenario | SQL | bytes | req/s | p50 ms | p99 ms | ceiling req/s "
        "| ceiling p99 ms | ratio | app CPU ms/req | DB CPU ms/req | ceiling CPU ms/req "
        "| CPU ratio | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "scenario" not in r:
            continue
        if "app" not in r:
            lines.append(f"| {r['dataset']} | {r['scenario']} | {r['statements']} | "
                         f"{r['bytes']} | answers {r['status']} |" + " |" * 10)
            continue
        a, c = r["app"], r["ceiling"]
        db_cpu = "-" if a.get("db_cpu_ms") is None else f"{a['db_cpu_ms']:.2f}"
        lines.append(
            f"| {r['dataset']} | {r['scenario']} | {r['statements']} | {r['bytes']} | "
            f"{a['rps']:.0f} | {fmt_ms(a['p50_us'])} | {fmt_ms(a['p99_us'])} | "
            f"{c['rps']:.0f} | {fmt_ms(c['p99_us'])} | {r['ratio']:.0%} | "
            f"{a['cpu_ms']:.2f} | {db_cpu} | {c['cpu_ms']:.2f} | {cpu_ratio(r):.0%} | "
            f"{a['non2xx'] + a['socket_errors']} |"
        )
    lines += [
        "",
        "ratio: the app's req/s over the ceiling's, measured one after the other. "
        "CPU ratio: the ceiling's CPU time per request over the app's (its own "
        "process plus its PostgreSQL backends), which a busy shared machine "
        "disturbs much less than req/s.",
    ]
    lines.append("")
    for r in rows:
        if "server_rss_mb" in r:
            generated = (f"; data generated in {r['generated_in_s']}s"
                         if r.get("generated_in_s") else "")
            lines.append(f"- {r['dataset']}: server peak RSS (VmHWM) "
                         f"{r['server_rss_mb']:.0f} MB{generated}")
    lines.append(f"- ceiling server peak RSS (VmHWM) {ceiling_rss_mb:.0f} MB")
    unloaded = [r for r in rows if "unloaded" in r]
    if unloaded:
        lines += ["", f"GET /api/v1/tickets?assignee=me with {args.latency_connections} "
                  "connections (fewer than the server's threads, so no queueing):", "",
                  "| data set | req/s | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
        for r in unloaded:
            u = r["unloaded"]
            lines.append(f"| {r['dataset']} | {u['rps']:.0f} | {fmt_ms(u['p50_us'])} | "
                         f"{fmt_ms(u['p99_us'])} |")
    lines += ["", "## Targets", ""] + targets(rows)
    if plans:
        lines += ["", "## Query plans (PostgreSQL, EXPLAIN ANALYZE of one request's SELECTs)",
                  ""]
        for (dataset, scenario), plan in plans.items():
            lines.append(f"- {dataset} {scenario}:")
            lines += [f"  - {line}" for line in plan]
    for (dataset, scenario), frames in profiles.items():
        lines += ["", f"## Profile: {scenario} on {dataset} (py-spy)", "", "```"]
        lines += frames + ["```"]
    return "\n".join(lines) + "\n"


def cpu_ratio(row):
    app = row["app"]["cpu_ms"] + (row["app"].get("db_cpu_ms") or 0.0)
    return row["ceiling"]["cpu_ms"] / app if app else 0.0


def targets(rows):
    out = []

    def find(dataset, scenario):
        return next((r for r in rows if r.get("dataset") == dataset
                     and r.get("scenario") == scenario and "app" in r), None)

    def verdict(ok):
        return "met" if ok else "NOT met"

    reads = [r for r in rows if r.get("is_read") and 200 <= r.get("status", 0) < 300]
    if reads:
        worst = max(r["statements"] for r in reads)
        out.append(f"- At most 4 SQL statements per read: {verdict(worst <= 4)} "
                   f"(most seen: {worst})")
    for r in rows:
        if r.get("scenario") == "tickets_group_page" and "app" in r:
            out.append(f"- GET /tickets page of 25 >= 50% of the ceiling ({r['dataset']}): "
                       f"{verdict(r['ratio'] >= 0.5)} ({r['ratio']:.0%} of its req/s, "
                       f"{cpu_ratio(r):.0%} by CPU time)")
    for r in rows:
        if r.get("scenario") == "token_exchange" and "app" in r:
            out.append(f"- Code exchange >= 25% of the ceiling ({r['dataset']}): "
                       f"{verdict(r['ratio'] >= 0.25)} ({r['ratio']:.0%} of its req/s, "
                       f"{cpu_ratio(r):.0%} by CPU time)")
    small, large = find("pg-10k", "tickets_assignee_me"), find("pg-1m", "tickets_assignee_me")
    if small and large:
        for key, label in (("app", "under full load"), ("unloaded", "without queueing")):
            if key not in small or key not in large:
                continue
            ratio = large[key]["p99_us"] / small[key]["p99_us"]
            out.append(f"- p99 assignee=me at 1M <= 1.5 x at 10k on PostgreSQL, {label}: "
                       f"{verdict(ratio <= 1.5)} ({fmt_ms(large[key]['p99_us'])} ms vs "
                       f"{fmt_ms(small[key]['p99_us'])} ms, x{ratio:.2f})")
    else:
        out.append("- p99 assignee=me at 1M vs 10k on PostgreSQL: not measured in this run")
    peaks = [r["server_rss_mb"] for r in rows if "server_rss_mb" in r]
    if peaks:
        out.append(f"- Server RSS < {RSS_LIMIT_MB} MB: {verdict(max(peaks) < RSS_LIMIT_MB)} "
                   f"(peak {max(peaks):.0f} MB)")
    return out


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="auto",
                        help="comma-separated among sqlite-10k, pg-10k, pg-1m; "
                             "'auto' (default): sqlite-10k, plus both pg ones when "
                             "PostgreSQL answers")
    parser.add_argument("--scenarios", default=",".join(SCENARIO_NAMES))
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up, unmeasured")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--latency-connections", type=int, default=2,
                        help="connections for the extra, unqueued latency run of "
                             "tickets_assignee_me (0: skip it)")
    parser.add_argument("--code-rate", type=int, default=1500,
                        help="authorization codes made per second of exchange load")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the N slowest scenarios (by ratio) of each data set")
    parser.add_argument("--output", default=os.path.join(RESULTS, "latest.md"))
    args = parser.parse_args(argv)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = set(args.scenarios) - set(SCENARIO_NAMES)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if args.datasets == "auto":
        args.datasets = ["sqlite-10k"]
        if postgresql_available():
            args.datasets += ["pg-10k", "pg-1m"]
    else:
        args.datasets = [d for d in args.datasets.split(",") if d]
        unknown = set(args.datasets) - set(DATASETS)
        if unknown:
            parser.error(f"unknown data sets: {', '.join(sorted(unknown))}")
    return args


def main(argv=None):
    args = parse_args(argv)
    require_wrk()
    os.makedirs(RESULTS, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    ceiling = start_ceiling()
    rows, profiles, plans = [], {}, {}
    try:
        for name in args.datasets:
            run_dataset(name, args, ceiling, rows, profiles, plans)
    finally:
        ceiling_rss = ceiling.hwm_mb
        ceiling.stop()
    table = render(rows, profiles, plans, args, ceiling_rss, started)
    with open(args.output, "w") as f:
        f.write(table)
    print(table)
    log(f"written to {os.path.relpath(args.output, ROOT)}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
