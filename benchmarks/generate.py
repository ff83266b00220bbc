"""Build a benchmark data set: a season's worth of groups, events and tickets.

    python -m benchmarks.generate DATABASE_URL --tickets 10000 --out DIR [--reset]

The shape is fixed per group, so a user's share of the data stays the same
whatever the total: a group has ``MEMBERS_PER_GROUP`` members (plus the first
member of the next group, so some users sit in two groups), follows one
entity, and holds ``SEATS_PER_EVENT`` seats at each of the entity's
``EVENTS_PER_SEASON`` events, half of them past and half to come. Only the
number of groups grows with ``--tickets``.

Every user gets one alias and one live bearer token; one OAuth application
stands for the client. ``DIR/dataset.json`` keeps the client's id and secret
and ``DIR/tokens.tsv`` one line per user (token, user id, a group of theirs,
a ticket they own or 0) for the load driver. The database keeps only hashes.

Rows go in with PostgreSQL ``COPY`` (psycopg 3) or, on SQLite, SQLAlchemy Core
executemany in large transactions. A progress bar goes to stderr.
"""
import argparse
import datetime
import decimal
import itertools
import json
import math
import os
import random
import secrets
import sys
import time
import uuid
import warnings

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable

from seatshare.models import meta
from seatshare.tokens import hash_token, new_token

MEMBERS_PER_GROUP = 10
HOLDERS_PER_GROUP = 4  # members who own the group's seats
SEATS_PER_EVENT = 4
EVENTS_PER_SEASON = 80
GROUPS_PER_ENTITY = 4
ASSIGNED_SHARE = 0.75
ALIAS_SHARE = 0.2
TICKETS_PER_GROUP = SEATS_PER_EVENT * EVENTS_PER_SEASON
TOKEN_LIFETIME = datetime.timedelta(days=30)
REDIRECT_URI = "https://bench.seatshare.invalid/callback"
MARKER_TABLE = "benchmark_dataset"
BATCH = 20000


def utcnow():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total, stream=sys.stderr, width=30):
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.label = ""

    def advance(self, count, label=None):
        self.done += count
        if label:
            self.label = label
        now = time.monotonic()
        if now - self.last_drawn >= 0.2 or self.done >= self.total:
            self.last_drawn = now
            self.draw()

    def draw(self):
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r[{bar}] {share:6.1%} {self.done:>10,}/{self.total:,} rows "
            f"{elapsed:6.1f}s {self.label:<28}"
        )
        self.stream.flush()

    def close(self):
        if self.done < self.total:
            self.draw()
        self.stream.write("\n")
        self.stream.flush()


class Plan:
    """How many of each row a data set of ``tickets`` tickets has."""

    def __init__(self, tickets):
        self.tickets = tickets
        self.groups = max(1, math.ceil(tickets / TICKETS_PER_GROUP))
        self.entities = math.ceil(self.groups / GROUPS_PER_ENTITY)
        self.users = self.groups * MEMBERS_PER_GROUP
        self.events = self.entities * EVENTS_PER_SEASON
        # Each group's own members plus the next group's first member.
        extra = 1 if self.groups > 1 else 0
        self.memberships = self.groups * (MEMBERS_PER_GROUP + extra)

    @property
    def rows(self):
        # users, aliases, tokens: one each per user.
        return (
            3 * self.users + self.entities + self.events + self.groups
            + self.memberships + self.tickets
        )

    def group_members(self, group_index):
        first = group_index * MEMBERS_PER_GROUP + 1
        members = list(range(first, first + MEMBERS_PER_GROUP))
        if self.groups > 1:
            nxt = (group_index + 1) % self.groups
            members.append(nxt * MEMBERS_PER_GROUP + 1)
        return members

    def entity_of(self, group_index):
        return group_index // GROUPS_PER_ENTITY + 1

    def event_ids(self, entity_id):
        first = (entity_id - 1) * EVENTS_PER_SEASON + 1
        return range(first, first + EVENTS_PER_SEASON)


class Loader:
    """Writes batches of rows: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection, progress):
        self.connection = connection
        self.progress = progress
        self.is_postgresql = connection.dialect.name == "postgresql"

    def load(self, table_name, columns, rows):
        table = meta.metadata.tables[table_name]
        if self.is_postgresql:
            self._copy(table, columns, rows)
        else:
            self._executemany(table, columns, rows)

    def _executemany(self, table, columns, rows):
        insert = table.insert()
        for batch in _batches(rows, BATCH):
            self.connection.execute(insert, [dict(zip(columns, r)) for r in batch])
            self.progress.advance(len(batch), table.name)

    def _copy(self, table, columns, rows):
        dbapi = self.connection.connection.driver_connection
        column_list = ", ".join(f'"{c}"' for c in columns)
        with dbapi.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({column_list}) FROM STDIN') as copy:
                for batch in _batches(rows, BATCH):
                    for row in batch:
                        copy.write_row(row)
                    self.progress.advance(len(batch), table.name)


def _batches(iterable, size):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def generate(database_url, tickets, out_dir, seed=7, reset=False, stream=sys.stderr):
    """Fill an empty database (or, with ``reset``, one whose SeatShare tables
    are dropped first) and write ``dataset.json`` and ``tokens.tsv``."""
    plan = Plan(tickets)
    rng = random.Random(seed)
    now = utcnow()
    os.makedirs(out_dir, exist_ok=True)
    engine = sa.create_engine(database_url)
    try:
        if reset:
            drop_dataset(engine)
        meta.metadata.create_all(engine)
        progress = Progress(plan.rows, stream=stream)
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
            _refuse_non_empty(connection)
            loader = Loader(connection, progress)
            dataset = _fill(loader, connection, plan, rng, now, out_dir)
            _write_marker(connection, plan, dataset)
        progress.close()
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            ) as connection:
                connection.exec_driver_sql("ANALYZE")
        with open(os.path.join(out_dir, "dataset.json"), "w") as f:
            json.dump(dataset, f, indent=2)
        return dataset
    finally:
        engine.dispose()


def _refuse_non_empty(connection):
    count = connection.execute(sa.text("SELECT count(*) FROM users")).scalar()
    if count:
        raise SystemExit(
            "the database already holds users; pass --reset to drop SeatShare's "
            "tables first (only on a database made for benchmarks)"
        )


def drop_dataset(engine):
    """Drop SeatShare's tables, those a newer checkout's models added that
    reference them, and then the marker, in one transaction (on
    PostgreSQL, a failed drop keeps the marker); nothing else."""
    with engine.begin() as connection:
        present = sa.MetaData()
        with warnings.catch_warnings():
            # SQLite's reflection skips expression indexes (entities'
            # lower(name)) with a warning; dropping the table drops them.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
            present.reflect(connection)
        newer = _referencing(present, set(meta.metadata.tables))
        for table in reversed(present.sorted_tables):  # referencing tables first
            if table.name in newer:
                table.drop(connection)
        meta.metadata.drop_all(connection)
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {MARKER_TABLE}")


def _referencing(present, ours) -> set:
    """The tables of ``present`` outside ``ours`` that reference one of
    ``ours``, directly or through each other."""
    found = set()
    while True:
        more = {
            table.name for table in present.tables.values()
            if table.name not in ours | found
            and any(fk.column.table.name in ours | found for fk in table.foreign_keys)
        }
        if not more:
            return found
        found |= more


def _fill(loader, connection, plan, rng, now, out_dir):
    created = now - datetime.timedelta(days=200)
    placeholder_hash = "!bench-no-password"

    loader.load(
        "users",
        ["id", "email", "password_hash", "first_name", "last_name", "timezone",
         "bio", "location", "mobile", "sms_notify", "calendar_nonce",
         "created_at", "updated_at"],
        (
            (u, f"user{u}@bench.seatshare.invalid", placeholder_hash,
             f"First{u}", f"Last{u % 997:03d}", "America/New_York",
             "Season ticket sharer.", "Boston, MA", "", False,
             uuid.UUID(int=rng.getrandbits(128)).hex, created, created)
            for u in range(1, plan.users + 1)
        ),
    )
    # One alias per user, with the user's id.
    loader.load(
        "user_aliases",
        ["id", "user_id", "first_name", "last_name", "created_at"],
        ((u, u, f"Guest{u}", f"Last{u % 997:03d}", created)
         for u in range(1, plan.users + 1)),
    )
    loader.load(
        "entities",
        ["id", "name", "created_at"],
        ((e, f"Bench Team {e}", created) for e in range(1, plan.entities + 1)),
    )
    # A season: every third day at 19:00, half of it past.
    first_game = now.replace(hour=19, minute=0, second=0) - datetime.timedelta(
        days=3 * EVENTS_PER_SEASON // 2
    )

    def events():
        for entity_id in range(1, plan.entities + 1):
            for i, event_id in enumerate(plan.event_ids(entity_id)):
                start = first_game + datetime.timedelta(days=3 * i)
                yield (event_id, entity_id, f"game-{i + 1}",
                       f"Bench Team {entity_id} game {i + 1}",
                       "Regular season.", start, False, False, created, created)

    loader.load(
        "events",
        ["id", "entity_id", "key", "name", "description", "start_time",
         "date_tba", "time_tba", "created_at", "updated_at"],
        events(),
    )
    loader.load(
        "groups",
        ["id", "name", "entity_id", "creator_id", "active", "created_at", "updated_at"],
        ((g + 1, f"Bench group {g + 1}", plan.entity_of(g),
          plan.group_members(g)[0], True, created, created)
         for g in range(plan.groups)),
    )

    def memberships():
        ids = itertools.count(1)
        for g in range(plan.groups):
            for i, user_id in enumerate(plan.group_members(g)):
                role = "admin" if i == 0 else "member"
                yield (next(ids), g + 1, user_id, role, created)

    loader.load(
        "memberships", ["id", "group_id", "user_id", "role", "created_at"],
        memberships(),
    )

    owned = {}  # user id -> a ticket the user owns
    user_group = {}  # user id -> the user's own group

    def tickets():
        ticket_id = 0
        sections = ["101", "102", "215", "330"]
        for g in range(plan.groups):
            members = plan.group_members(g)
            holders = members[:HOLDERS_PER_GROUP]
            for user_id in members[:MEMBERS_PER_GROUP]:
                user_group[user_id] = g + 1
            section = sections[g % len(sections)]
            row = chr(ord("A") + g % 20)
            for event_id in plan.event_ids(plan.entity_of(g)):
                for seat in range(1, SEATS_PER_EVENT + 1):
                    if ticket_id >= plan.tickets:
                        return
                    ticket_id += 1
                    owner = holders[(seat - 1) % len(holders)]
                    owned.setdefault(owner, ticket_id)
                    assignee = alias = None
                    if rng.random() < ASSIGNED_SHARE:
                        assignee = rng.choice(members)
                        if rng.random() < ALIAS_SHARE:
                            alias = assignee  # aliases share their user's id
                    yield (ticket_id, g + 1, event_id, owner, assignee, alias,
                           section, row, str(seat), decimal.Decimal("45.00"), "",
                           created, created)

    loader.load(
        "tickets",
        ["id", "group_id", "event_id", "owner_id", "assignee_id", "alias_id",
         "section", "row", "seat", "cost", "note", "created_at", "updated_at"],
        tickets(),
    )

    client_id = uuid.UUID(int=rng.getrandbits(128)).hex
    client_secret = new_token()
    connection.execute(
        meta.metadata.tables["oauth_applications"].insert(),
        [{"id": 1, "client_id": client_id,
          "client_secret_hash": hash_token(client_secret),
          "name": "SeatShare benchmark client", "redirect_uris": [REDIRECT_URI],
          "confidential": True, "trusted": True, "disabled": False,
          "created_at": created}],
    )

    token_values = [new_token() for _ in range(plan.users)]
    expires = now + TOKEN_LIFETIME
    loader.load(
        "oauth_tokens",
        ["id", "access_token_hash", "refresh_token_hash", "application_id",
         "user_id", "scopes", "family", "expires_at", "refresh_expires_at",
         "created_at"],
        ((u, hash_token(token_values[u - 1]), None, 1, u, "read write",
          uuid.UUID(int=rng.getrandbits(128)).hex, expires, None, now)
         for u in range(1, plan.users + 1)),
    )
    with open(os.path.join(out_dir, "tokens.tsv"), "w") as f:
        f.write("# token\tuser_id\tgroup_id\towned_ticket_id\n")
        for u in range(1, plan.users + 1):
            f.write(f"{token_values[u - 1]}\t{u}\t{user_group.get(u, 0)}\t"
                    f"{owned.get(u, 0)}\n")

    if loader.is_postgresql:
        for table in ("users", "user_aliases", "entities", "events", "groups",
                      "memberships", "tickets", "oauth_applications",
                      "oauth_tokens"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    return {
        "tickets": plan.tickets,
        "users": plan.users,
        "groups": plan.groups,
        "events": plan.events,
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uri": REDIRECT_URI,
        "generated_at": now.isoformat() + "Z",
        "tokens_expire_at": expires.isoformat() + "Z",
        # Tells this generation's files from another's (the seed makes the
        # rest alike).
        "generation": secrets.token_hex(16),
    }


def schema_fingerprint(dialect):
    """SHA-256 of the DDL the models make on ``dialect``: a data set built
    before a model or an index changed is built again."""
    ddl = []
    for table in meta.metadata.sorted_tables:
        ddl.append(str(CreateTable(table).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            ddl.append(str(CreateIndex(index).compile(dialect=dialect)))
    return hash_token("\n".join(ddl))


def _write_marker(connection, plan, dataset):
    connection.exec_driver_sql(
        f"CREATE TABLE {MARKER_TABLE} (tickets INTEGER, client_id VARCHAR(64), "
        "tokens_expire_at VARCHAR(40), schema_sha256 VARCHAR(64), generation VARCHAR(32))"
    )
    connection.execute(
        sa.text(f"INSERT INTO {MARKER_TABLE} VALUES (:t, :c, :e, :s, :g)"),
        {"t": plan.tickets, "c": dataset["client_id"],
         "e": dataset["tokens_expire_at"],
         "s": schema_fingerprint(connection.dialect),
         "g": dataset["generation"]},
    )


def existing_dataset(database_url, out_dir, tickets):
    """The data set already in the database, when it is the one asked for,
    on the models' current schema, its files (those of the generation the
    database holds) are at hand and its tokens live for another day; else
    None."""
    path = os.path.join(out_dir, "dataset.json")
    if not os.path.exists(path) or not os.path.exists(
        os.path.join(out_dir, "tokens.tsv")
    ):
        return None
    with open(path) as f:
        dataset = json.load(f)
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table(MARKER_TABLE):
                return None
            columns = {c["name"] for c in sa.inspect(connection).get_columns(MARKER_TABLE)}
            if not {"schema_sha256", "generation"} <= columns:
                return None
            row = connection.execute(
                sa.text(f"SELECT tickets, client_id, tokens_expire_at, schema_sha256, "
                        f"generation FROM {MARKER_TABLE}")
            ).first()
            fingerprint = schema_fingerprint(connection.dialect)
    finally:
        engine.dispose()
    if row is None or tuple(row[:2]) != (tickets, dataset["client_id"]):
        return None
    # The files of an earlier generation (or another checkout's) name tokens
    # the database no longer holds.
    if row[4] != dataset.get("generation"):
        return None
    if row[3] != fingerprint:
        return None
    expires = datetime.datetime.fromisoformat(row[2].rstrip("Z"))
    if expires - utcnow() < datetime.timedelta(days=1):
        return None
    return dataset


def discard_exchanges(database_url, dataset):
    """Forget the codes of earlier runs, the tokens they were exchanged for
    (every token past the one per user) and the history earlier PUTs wrote,
    so that repeated runs measure the same data."""
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM oauth_tokens WHERE id > :users"),
                               {"users": dataset["users"]})
            connection.execute(sa.text("DELETE FROM oauth_authorization_codes"))
            connection.execute(sa.text("DELETE FROM ticket_history"))
    finally:
        engine.dispose()


def make_authorization_codes(database_url, dataset, count, path, lifetime=600):
    """``count`` fresh single-use codes for the benchmark client, one per
    line in ``path``; the database keeps their hashes."""
    now = utcnow()
    codes = [new_token() for _ in range(count)]
    table = meta.metadata.tables["oauth_authorization_codes"]
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            users = dataset["users"]
            rows = [
                {"code_hash": hash_token(code), "application_id": 1,
                 "user_id": i % users + 1, "redirect_uri": dataset["redirect_uri"],
                 "scopes": "read write", "code_challenge": None,
                 "code_challenge_method": None,
                 "expires_at": now + datetime.timedelta(seconds=lifetime),
                 "used_at": None, "created_at": now}
                for i, code in enumerate(codes)
            ]
            for batch in _batches(rows, BATCH):
                connection.execute(table.insert(), batch)
    finally:
        engine.dispose()
    with open(path, "w") as f:
        f.writelines(code + "\n" for code in codes)
    return codes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--out", required=True, help="folder for dataset.json and tokens.tsv")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reset", action="store_true",
        help="drop SeatShare's tables first (only on a database made for benchmarks)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    dataset = generate(args.database_url, args.tickets, args.out, args.seed, args.reset)
    print(
        f"{dataset['tickets']:,} tickets, {dataset['users']:,} users, "
        f"{dataset['groups']:,} groups, {dataset['events']:,} events "
        f"in {time.monotonic() - started:.1f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
