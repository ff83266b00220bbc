"""The floor: what a read costs with nothing of ours around its SQL.

    python -m benchmarks.floor pg-10k [--scenarios tickets_group_page,users_me]
    python -m benchmarks.floor pg-10k --json-in-database

A read has to authenticate its bearer token and read its rows from the
database, then render them. The floor app does that and nothing else: a bare
Pyramid app on the same waitress settings, with no SQLAlchemy, no pyramid_tm,
no traversal and no security policy. It hashes the request's token, sends the
real application's own SQL statements (recorded in-process from one real
request, with that request's parameters) straight to the DBAPI driver on one
connection per thread (psycopg in autocommit, as the application's reads run
on PostgreSQL; or sqlite3), and renders the last statement's rows, with the
fields of the application's response, through the application's JSON
renderer (or, where the application's statement writes each row's JSON,
joins those as the application does), with ``X-Total-Count`` and ``Link`` on
a list. With
``--json-in-database``, PostgreSQL renders a list page's JSON and Python only
passes its text on.

For each scenario, the ceiling, the floor and the application are loaded one
after the other by the same wrk run as ``benchmarks.run`` uses, and each is
given as a ratio to the ceiling. Where the floor's ratio is under a target,
no implementation that reads its rows into Python on every request reaches
it on this machine; the distance between the floor and the application is
what the rest of the request costs: the stack's machinery and our code.
"""
import argparse
import contextlib
import datetime
import decimal
import json
import os
import pickle
import threading
import urllib.request

import sqlalchemy as sa

from . import run

READS = [name for name, method, _, is_read in run.SCENARIOS if is_read]


# --- the floor app, served by pserve --------------------------------------


def connect(url):
    """A bare DBAPI connection to the data set."""
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite":
        import sqlite3

        # Timestamps, booleans and money come back as text, 0/1 and floats;
        # read them as SQLAlchemy does.
        sqlite3.register_converter(
            "DATETIME", lambda value: datetime.datetime.fromisoformat(value.decode()))
        sqlite3.register_converter("BOOLEAN", lambda value: value != b"0")
        sqlite3.register_converter("NUMERIC", lambda value: decimal.Decimal(value.decode()))
        return sqlite3.connect(url.database, isolation_level=None,
                               detect_types=sqlite3.PARSE_DECLTYPES)
    import psycopg

    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(libpq, autocommit=True)


# --json-in-database: PostgreSQL renders a list page's JSON, and Python only
# passes its text on. A page whose rows are typed columns becomes jsonb, whose
# details differ from the contract's (timestamps without "Z", money as a
# number, keys in jsonb's order: its cost is the point); a page whose rows
# are already JSON objects (the tickets list, seatshare/sqljson.py) is
# joined into its array, the application's bytes.
JSON_PAGE = (
    "SELECT coalesce(jsonb_agg(to_jsonb(r) - '_total' - '_n' ORDER BY r._n), '[]')::text, "
    "max(r._total) FROM (SELECT q.*, row_number() OVER () AS _n FROM ({page}) q) r"
)
JSON_TEXT_PAGE = (
    "SELECT '[' || coalesce(string_agg(r.{column}, ', ' ORDER BY r._n), '') || ']', "
    "max(r._total) FROM (SELECT q.*, row_number() OVER () AS _n FROM ({page}) q) r"
)


def rows_are_json(names, fields) -> bool:
    """Whether a list statement's columns are one JSON object per row and
    the total (``seatshare.sqljson``), not the response's fields."""
    return len(names) == 2 and names[0] not in fields


def set_list_headers(response, request, total):
    response.headers["X-Total-Count"] = str(total)
    response.headers["Link"] = (
        f'<{request.path_url}?page=2&per_page=25>; rel="next"' if total > 25 else "")


def main(global_config, **settings):
    from pyramid.config import Configurator
    from pyramid.response import Response

    from seatshare.renderers import json_array, json_renderer_factory
    from seatshare.tokens import hash_token

    json_in_database = settings.get("floor.json_in_database") == "true"
    with open(settings["floor.recording"], "rb") as f:
        statements, is_list, fields = pickle.load(f)
    url = settings["floor.url"]
    local = threading.local()

    def connection():
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = connect(url)
        return conn

    json_column = None
    if is_list:
        cursor = connection().cursor()
        cursor.execute(*statements[-1])
        names = [column[0] for column in cursor.description]
        cursor.fetchall()
        if rows_are_json(names, fields):
            json_column = names[0]

    def page_rendered_by_database(request, cursor):
        for sql, params in statements[:-1]:
            cursor.execute(sql, params)
            cursor.fetchall()
        sql, params = statements[-1]
        query = JSON_TEXT_PAGE if json_column else JSON_PAGE
        cursor.execute(query.format(page=sql, column=json_column), params)
        body, total = cursor.fetchone()
        response = Response(body=body.encode(), content_type="application/json")
        set_list_headers(response, request, total or 0)
        return response

    def floor_view(request):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            request.response.status = 401
            return {"error": "Unauthorized"}
        hash_token(token.strip())  # as the application looks the token up
        cursor = connection().cursor()
        if json_in_database and is_list:
            return page_rendered_by_database(request, cursor)
        for sql, params in statements:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        names = [column[0] for column in cursor.description]
        # The application's fields, from the column of that name; a field no
        # column holds (a URL the application computes) keeps its recorded value.
        picks = [(field, names.index(field)) for field in fields if field in names]
        if not is_list:
            return {**fields, **{field: rows[0][i] for field, i in picks}}
        set_list_headers(request.response, request, rows[0][-1] if rows else 0)
        if json_column:
            return json_array(row[0] for row in rows)
        return [{field: row[i] for field, i in picks} for row in rows]

    with Configurator(settings=settings) as config:
        config.add_renderer("json", json_renderer_factory)
        config.add_route("ready", "/healthz")
        config.add_view(lambda request: {"status": "ok"}, route_name="ready", renderer="json")
        config.add_route("floor", "/*rest")
        config.add_view(floor_view, route_name="floor", renderer="json")
    return config.make_wsgi_app()


# --- the driver -------------------------------------------------------------


def record(in_process, scenario, tokens_path, dataset, path):
    """One real request's SQL statements and parameters, for the floor app."""
    status, size, count = run.probe(in_process, scenario, tokens_path, dataset, None)
    statements = [(sql, params) for sql, params in in_process.statements]
    body = json.loads(in_process.last_body)
    fields = body[0] if isinstance(body, list) else body
    with open(path, "wb") as f:
        pickle.dump((statements, isinstance(body, list), fields), f)
    return status, size, count


def check(server, scenario, tokens_path, size, exact=True):
    """One request to the floor, as wrk sends them: it must answer 200 with
    the application's number of bytes (about as many, unless ``exact``)."""
    token, path = run.owner_request(scenario, tokens_path)
    request = urllib.request.Request(server.base + path,
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    if len(body) != size if exact else not 0.8 * size <= len(body) <= 1.2 * size:
        raise SystemExit(f"{scenario[0]}: the floor answers {len(body)} bytes, "
                         f"the application {size}")


def measure(target, server, scenario, path, args, tokens_path, database):
    figures = run.load(server, database, scenario, args, tokens_path, path=path)
    errors = figures["non2xx"] + figures["socket_errors"]
    run.log(f"  {target:7} {figures['rps']:8.1f} req/s  p99 {figures['p99_us'] / 1000:7.2f} ms"
            f"  errors {errors}  CPU {figures['cpu_ms']:.2f} ms/req"
            + (f" (+ database {figures['db_cpu_ms']:.2f})" if database else ""))
    if errors:
        raise SystemExit(f"{target}: {errors} requests failed")
    return figures


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=sorted(run.DATASETS))
    parser.add_argument("--scenarios", default="tickets_group_page,users_me")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json-in-database", action="store_true",
                        help="PostgreSQL renders a list page's JSON (its text passes "
                             "through Python untouched)")
    parser.add_argument("--output", default=os.path.join(run.RESULTS, "floor.md"))
    args = parser.parse_args(argv)
    if args.json_in_database and not args.dataset.startswith("pg-"):
        parser.error("--json-in-database needs a PostgreSQL data set")
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = set(args.scenarios) - set(READS)
    if unknown:
        parser.error(f"not a read scenario: {', '.join(sorted(unknown))} "
                     f"(reads: {', '.join(READS)})")
    return args


def main_cli(argv=None):
    args = parse_args(argv)
    run.require_wrk()
    os.makedirs(run.RESULTS, exist_ok=True)
    url = run.dataset_url(args.dataset)
    dataset, out_dir = run.prepare_dataset(args.dataset, url)
    tokens_path = os.path.join(out_dir, "tokens.tsv")
    database = run.database_name(url)
    lines = [
        f"# Floor: {args.dataset}, {args.connections} connections, {args.duration}s each"
        + (", list pages rendered by PostgreSQL" if args.json_in_database else ""),
        "",
        "| scenario | SQL | bytes | ceiling req/s | floor req/s | app req/s "
        "| floor ratio | app ratio | ceiling CPU | floor CPU (+ DB) | app CPU (+ DB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def db(figures):
        return f" (+ {figures['db_cpu_ms']:.2f})" if database else ""

    in_process = run.InProcess(url)
    servers = []
    try:
        servers.append(run.start_ceiling())
        servers.append(run.start_app(args.dataset, url))
        ceiling, app = servers
        for name in args.scenarios:
            scenario = next(s for s in run.SCENARIOS if s[0] == name)
            recording = os.path.join(run.RESULTS, f"floor-{name}.pickle")
            status, size, count = record(in_process, scenario, tokens_path, dataset, recording)
            if status != 200:
                raise SystemExit(f"{name}: the application answers {status}")
            floor = run.start_server(f"floor ({name})", f"server-floor-{name}.ini", {
                "use": "call:benchmarks.floor:main",
                "floor.url": url,
                "floor.recording": recording,
                "floor.json_in_database": str(args.json_in_database).lower(),
            }, run.server_env(None), "/healthz")
            servers.append(floor)
            check(floor, scenario, tokens_path, size, exact=not args.json_in_database)
            run.log(f"{args.dataset} {name}: {size} bytes, {count} SQL statements")
            c = measure("ceiling", ceiling, scenario, f"/ceiling/{size}", args, tokens_path, None)
            f = measure("floor", floor, scenario, None, args, tokens_path, database)
            a = measure("app", app, scenario, None, args, tokens_path, database)
            servers.remove(floor)
            floor.stop()
            lines.append(
                f"| {name} | {count} | {size} | {c['rps']:.0f} | {f['rps']:.0f} | {a['rps']:.0f} "
                f"| {f['rps'] / c['rps']:.0%} | {a['rps'] / c['rps']:.0%} "
                f"| {c['cpu_ms']:.2f} | {f['cpu_ms']:.2f}{db(f)} | {a['cpu_ms']:.2f}{db(a)} |")
    finally:
        in_process.close()
        for server in servers:
            server.stop()
    lines += [
        "",
        "floor: the application's SQL statements on the bare driver, and nothing "
        "of a framework beyond Pyramid's router and renderer. CPU: ms per request "
        "of the server process (+ its PostgreSQL backends').",
    ]
    table = "\n".join(lines) + "\n"
    with open(args.output, "w") as out:
        out.write(table)
    print(table)
    run.log(f"written to {os.path.relpath(args.output, run.ROOT)}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main_cli()
