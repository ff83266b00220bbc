"""The engine: the database URL's checks, SQLite made to behave like a
server database, a request run again after its connection was lost, and SQL
logging that shows no values."""
import logging
import os
from functools import partial
from urllib.parse import quote, unquote

import pyramid_retry
from pyramid.exceptions import ConfigurationError
from sqlalchemy import engine_from_config, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.util import asbool

from ..settings import FALSE_WORDS, TRUE_WORDS, as_bool, check_all, number, whole_number
from .session import READ_ONLY
from .write_turns import SQLiteConnection, WriteTurns


def _lower(value):
    return value.lower() if isinstance(value, str) else value


# How long a command waits for SQLite's write lock before it gives up.
COMMAND_LOCK_WAIT_SECONDS = 30


def _setup_sqlite(engine, busy_timeout_ms=COMMAND_LOCK_WAIT_SECONDS * 1000):
    """Make SQLite behave like a server database (and PostgreSQL) under
    concurrent writers.

    lower() as PostgreSQL's, foreign keys on, WAL so readers never block the
    writer, a busy timeout so a writer waits for the lock instead of failing,
    and BEGIN IMMEDIATE so a transaction takes the write lock up front: two
    transactions that read and then write cannot deadlock on the upgrade from
    a shared lock. Before its BEGIN IMMEDIATE, a writer waits its turn among
    the process's writers (``WriteTurns``), as long as the busy timeout.
    """
    write_turns = WriteTurns()

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not pysqlite, emit BEGIN.
        dbapi_connection.isolation_level = None
        dbapi_connection.write_turns = write_turns
        # SQLite's own lower() changes only A-Z: "élan" would not find
        # "Élan". Python's is PostgreSQL's (on a UTF-8 database) but for a
        # few letters ("İ", a final "Σ"): lower both sides in SQL.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN DEFERRED")
            return
        dbapi_connection = conn.connection.dbapi_connection
        dbapi_connection.take_write_turn(busy_timeout_ms / 1000)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            dbapi_connection.give_back_write_turn(force=True)
            raise


ENCODE_SPECIALS = "percent-encode an @, : or / in the user name or password"
# The databases SeatShare runs on, each with the driver it installs.
DRIVERS = {"postgresql": "psycopg", "sqlite": "pysqlite"}


def parse_url(url: str):
    """The database URL, or an ArgumentError that repeats none of it. A
    password with an "@" left unencoded ends at that "@", and the rest of it
    reads as the host name (``postgresql://u:pass@word@db/x``), which the
    driver's "cannot resolve host" would quote, or as the port
    (``postgresql://u:p@ss:word@db/x``), which SQLAlchemy's own ValueError
    quotes."""
    try:
        parsed = make_url(url)
    except ValueError:
        raise ArgumentError(
            f"the database URL's port is not a number ({ENCODE_SPECIALS})") from None
    if "@" in (parsed.host or ""):
        raise ArgumentError(f"the database URL's host name has an @ ({ENCODE_SPECIALS})")
    backend, _, driver = parsed.drivername.partition("+")
    if backend not in DRIVERS:
        raise ArgumentError("SeatShare runs on PostgreSQL (postgresql+psycopg://) or SQLite "
                            f"(sqlite:///), not {backend}")
    if driver and driver != DRIVERS[backend]:
        raise ArgumentError(f"SeatShare connects with {DRIVERS[backend]}, not {driver}: use "
                            f"{backend}+{DRIVERS[backend]}://")
    return parsed


def sqlite_file(url) -> str | None:
    """The file a SQLite URL names (None: an in-memory database). A URI
    filename (``sqlite:///file:x.db?uri=true``) names its path after
    ``file:``, percent-encoded, perhaps behind an empty authority
    (``file:///srv/x.db``); SQLite creates it as a plain path's unless its
    ``mode`` says otherwise."""
    database = url.database or ""
    if not asbool(url.query.get("uri")) or not database.startswith("file:"):
        # A URI filename without ``file:`` is a plain path to SQLite too.
        return database if database not in ("", ":memory:") else None
    if url.query.get("mode") == "memory":
        return None
    path = unquote(database[len("file:"):].split("?", 1)[0])
    if path.startswith("//"):  # an authority, empty or localhost, before the path
        path = path[path.find("/", 2):] if path.find("/", 2) >= 0 else ""
    return path if path not in ("", ":memory:") else None


def create_sqlite_file(path: str) -> None:
    """An empty SQLite database at ``path``, readable and writable by this
    user alone (0600), whatever the umask: it holds password and token
    hashes. SQLite gives the ``-wal`` and ``-shm`` files it makes beside it
    the database file's mode. An existing file is left as it is."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


class NoSQLiteFile(ConfigurationError):
    """The SQLite file ``path`` does not exist, and the engine may not
    create it (``reason`` None: a mistyped path, on which the server
    answered 503s, or SQLite created an empty database there, and ``db
    upgrade`` would migrate a new one), or could not (``reason``: why)."""

    def __init__(self, path: str, reason: str | None = None):
        self.path, self.reason = path, reason
        super().__init__(f"cannot create the SQLite database {path}: {reason}" if reason
                         else f"the SQLite database {path} does not exist")

    def said(self, setting: str, config_uri: str) -> str:
        """The refusal, naming the ``setting`` that gave the path, and how
        to create the database (``config_uri``)."""
        if self.reason:
            return str(self)
        return (f"{self} ({setting}): check the path, "
                f"or create it with seatshare {config_uri} db upgrade")


def open_sqlite_file(url, creates: bool = False):
    """``url``, when it names a SQLite file, as a URI filename whose mode
    (``rw``) has SQLite refuse to create the file, on any connection, ever:
    a file moved or deleted under a running server was made again, empty
    and readable by anyone, by the next connection. The file is checked
    first (``NoSQLiteFile``), or, ``creates`` (migrating), created private
    (``create_sqlite_file``). Any other URL is returned as it is."""
    path = sqlite_file(url) if url.get_backend_name() == "sqlite" else None
    if path is None:
        return url
    if creates:
        try:
            create_sqlite_file(path)
        except OSError as exc:
            raise NoSQLiteFile(path, exc.strerror) from None
    elif not os.path.exists(path):
        raise NoSQLiteFile(path)
    # The absolute path: SQLite resolves a relative one against the working
    # directory at each connection (a plain path, SQLAlchemy at engine build).
    opened = url.set(database=f"file:{quote(os.path.abspath(path))}")
    if url.query.get("mode") in (None, "rwc"):
        return opened.update_query_dict({"mode": "rw", "uri": "true"})
    return opened.update_query_dict({"uri": "true"})  # ro: SQLite creates nothing either


def get_engine(settings, prefix="sqlalchemy.", serving=False, creates=False):
    """The engine for ``sqlalchemy.url``. A SQLite file must exist
    (``NoSQLiteFile``), but where ``creates`` (the migrations), and is
    never created by a connection (``open_sqlite_file``).

    ``serving``: the engine answers web requests, whose statements on
    PostgreSQL give up after ``seatshare.db_statement_timeout`` seconds (a
    503), and which on SQLite wait that long for the write lock, so that a
    lock held elsewhere cannot hold every worker thread; the command line's
    (a migration, a large import) wait as long as it takes on PostgreSQL, and
    30 seconds for SQLite's lock.

    A pooled connection that died (the database restarted, a proxy dropped
    it) fails the statement that finds out; SQLAlchemy then replaces every
    connection of the pool, and ``_retry_after_disconnect`` has the request
    run again on a fresh one. That costs nothing while connections live,
    where ``pool_pre_ping`` would add a round trip to every request.
    """
    parsed = check_url(settings, prefix)
    check_pool_numbers(settings, prefix)
    url = settings[f"{prefix}url"]
    settings = echo_to_the_log(settings, parsed, prefix)
    settings[f"{prefix}url"] = open_sqlite_file(parsed, creates)
    # hide_parameters: SQL logging (sqlalchemy.engine at INFO) and database
    # errors never show parameter values, which carry submitted codes.
    engine = engine_from_config(
        settings,
        prefix,
        hide_parameters=True,
        **_engine_kwargs(url, settings, serving),
    )
    # ``engine.logger`` is the logger itself, or, when the engine echoes,
    # SQLAlchemy's wrapper around it.
    getattr(engine.logger, "logger", engine.logger).addFilter(HIDE_ROW_VALUES)
    event.listen(engine, "handle_error", _retry_after_disconnect)
    if engine.dialect.name == "sqlite":
        # A web request waits for the write lock as long as a PostgreSQL
        # statement may run (then 503), the command line (and a server
        # without a limit) COMMAND_LOCK_WAIT_SECONDS.
        wait = (_statement_timeout(settings) if serving else 0) or COMMAND_LOCK_WAIT_SECONDS
        _setup_sqlite(engine, wait * 1000)
    return engine


# SQLAlchemy's echo settings, as the words the ini file may give them.
ECHO_SETTINGS = ("echo", "echo_pool")


def echo_value(settings, name: str, prefix="sqlalchemy."):
    """What ``sqlalchemy.echo`` (or ``echo_pool``) asks SQLAlchemy for:
    True, ``"debug"``, or False when false or left out."""
    value = settings.get(f"{prefix}{name}")
    word = str(value).strip().lower()
    if value is None or word in FALSE_WORDS:
        return False
    if word in TRUE_WORDS | {"debug"}:
        return "debug" if word == "debug" else True
    raise ConfigurationError(f"{prefix}{name} must be true, false or debug, not {value!r}")


def echo_to_the_log(settings, url, prefix="sqlalchemy."):
    """``settings`` with SQLAlchemy's echo settings as the values it takes,
    whose lines go to the log's handlers (stderr), once each.

    An engine that echoes adds a handler writing to stdout to its logger
    when that logger has none: stdout, where the command line prints its
    ``--json`` object (which the SQL lines made unreadable), and where the
    server's lines were written twice, there and by the root logger's
    handler. The loggers get a ``NullHandler`` instead, and the lines go up
    to the handlers the ini file's logging sections set (or, without any,
    the stderr handler ``setup_logging`` sets); each engine keeps its own
    echo, and every other engine's logging is as the loggers' levels say."""
    settings = dict(settings)
    for name in ECHO_SETTINGS:
        settings[f"{prefix}{name}"] = echo_value(settings, name, prefix)
        if settings[f"{prefix}{name}"]:
            logger = logging.getLogger(echo_logger_name(name, url, settings, prefix))
            if not logger.handlers:
                logger.addHandler(logging.NullHandler())
    return settings


# The setting that names an engine's own logger, or its pool's, below its
# class's (SQLAlchemy's ``logging_name``, ``pool_logging_name``).
LOGGING_NAME_SETTINGS = {"echo": "logging_name", "echo_pool": "pool_logging_name"}


def echo_logger_name(name: str, url, settings, prefix: str) -> str:
    """The logger an engine's echo (``echo``), or its pool's (``echo_pool``),
    writes to: named after the engine's class, or the pool's, which the
    database's dialect chooses, and, given one (``sqlalchemy.logging_name``,
    ``sqlalchemy.pool_logging_name``), the engine's or the pool's own name
    after it, as SQLAlchemy names it (``sqlalchemy.log.instance_logger``)."""
    if name == "echo":
        logger_name = "sqlalchemy.engine.Engine"
    else:
        pool_class = url.get_dialect().get_pool_class(url)
        logger_name = f"{pool_class.__module__}.{pool_class.__name__}"
    own_name = settings.get(f"{prefix}{LOGGING_NAME_SETTINGS[name]}")
    return f"{logger_name}.{own_name}" if own_name else logger_name


class HideRowValues(logging.Filter):
    """SQLAlchemy logs each row a statement reads at DEBUG (``sqlalchemy.engine``
    at DEBUG, or ``sqlalchemy.echo = debug``), which ``hide_parameters`` does
    not cover: a user's row carries the argon2 hash of the password, for
    anyone reading a log to guess at offline. The row's values are hidden
    as the parameters are; its columns are still logged (the ``Col`` line)."""

    def filter(self, record):
        if isinstance(record.msg, str) and record.msg.endswith("Row %r"):
            record.msg = record.msg[:-len("%r")] + "[values hidden, as SQL parameters are]"
            record.args = None
        return True


HIDE_ROW_VALUES = HideRowValues()  # a logger keeps one filter once, however many engines


def check_url(settings, prefix="sqlalchemy."):
    """A database URL is set, and one SeatShare can use: parsed (``parse_url``)."""
    url = settings.get(f"{prefix}url")
    if not str(url or "").strip():  # a KeyError traceback, or "could not parse" a blank one
        raise ConfigurationError(f"{prefix}url is not set: set SEATSHARE_DATABASE_URL "
                                 "to the database's URL")
    return parse_url(url)


def _retry_after_disconnect(context):
    """A statement failed because its connection was gone: the transaction
    died with it, so pyramid_retry may safely run the request again. Not a
    failed COMMIT (no statement): whether that one committed is unknown.

    A connection whose prepared statements a migration made stale is as
    good as gone: PostgreSQL refuses such a statement on every use, and
    only a ROLLBACK, which reads in autocommit never send, would make
    psycopg forget it. Every pooled connection holds the same statements,
    so the pool is replaced, as after a disconnect, and the request runs
    again on a fresh connection.
    """
    if is_stale_prepared_statement(context.original_exception):
        context.is_disconnect = True
    if context.is_disconnect and context.statement is not None:
        if context.sqlalchemy_exception is not None:
            pyramid_retry.mark_error_retryable(context.sqlalchemy_exception)


def is_stale_prepared_statement(error) -> bool:
    """PostgreSQL's "cached plan must not change result type": a prepared
    statement whose result columns changed type since it was prepared. Told
    by the server function that raises it, which no locale translates."""
    diag = getattr(error, "diag", None)
    return (
        getattr(error, "sqlstate", None) == "0A000"
        and diag is not None
        and diag.source_function == "RevalidateCachedQuery"
    )


def _statement_timeout(settings) -> int:
    """``seatshare.db_statement_timeout``, whole seconds (0: no limit)."""
    return number(settings, "seatshare.db_statement_timeout")


# SQLAlchemy's pool settings, which engine_from_config turns into numbers
# itself: "ten" there stopped the server with a ValueError traceback that
# named no setting.
POOL_NUMBERS = {
    "pool_size": {"unit": "connections", "zero_means": "no limit"},
    "max_overflow": {"unit": "connections", "zero_means": "none beyond pool_size"},
    "pool_timeout": {"unit": "seconds"},
}


def check_pool_numbers(settings, prefix="sqlalchemy."):
    check_all(settings, [partial(check_pool_number, name=name, prefix=prefix)
                         for name in POOL_NUMBERS])


def check_pool_number(settings, name, prefix="sqlalchemy."):
    key = f"{prefix}{name}"
    if key in settings and not (name == "max_overflow" and str(settings[key]).strip() == "-1"):
        # -1: SQLAlchemy's "no limit" on overflow connections.
        whole_number(settings, key, maximum=1_000_000, **POOL_NUMBERS[name])


def _engine_kwargs(url, settings, serving=False):
    if url.startswith("postgresql"):
        # A server that cannot reach PostgreSQL answers 503 quickly rather than
        # hanging on connect.
        connect_args = {"connect_timeout": number(settings, "seatshare.db_connect_timeout")}
        statement_timeout = _statement_timeout(settings)
        if serving and statement_timeout > 0:
            # A statement that waits on a lock held elsewhere (a long
            # transaction, a migration) or runs away is cancelled: the
            # request answers 503 rather than hold its worker thread, and
            # with it, once every thread waits, the whole server.
            connect_args["options"] = f"-c statement_timeout={statement_timeout * 1000}"
        if not as_bool(settings.get("seatshare.db_prepared_statements", "true")):
            # psycopg prepares a statement on its fifth use on a connection.
            connect_args["prepare_threshold"] = None
        return {"connect_args": connect_args}
    # Gives its writer's turn back when its transaction ends (_setup_sqlite).
    return {"connect_args": {"factory": SQLiteConnection}}


def first_line(exc) -> str:
    """The driver's message without SQLAlchemy's SQL and parameters (which
    may hold a submitted value): the first line of the original error."""
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    return lines[0] if lines else type(exc).__name__

