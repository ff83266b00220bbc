"""SQLite's writers in one process take the write lock in turn, in the order
they asked for it (``seatshare.models.engine.WriteTurns``), rather than
polling for it from SQLite's busy handler, whose sleeps grow to 100 ms: one
that had waited long polled least often, and later writers went first.
"""
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from seatshare.models import READ_ONLY, get_engine


@pytest.fixture
def engine(tmp_path):
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{tmp_path}/writers.sqlite",
                         "seatshare.db_statement_timeout": "2"}, serving=True, creates=True)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE writes (writer TEXT)")
    yield engine
    engine.dispose()


def write(engine, writer, hold=0.0):
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO writes VALUES (:w)"), {"w": writer})
        time.sleep(hold)


def writes(engine):
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT writer FROM writes ORDER BY rowid").scalars().all()


def start(target, *args):
    thread = threading.Thread(target=target, args=args)
    thread.start()
    return thread


def test_a_waiting_writer_goes_before_the_writers_that_came_after_it(engine):
    """One writer waits for the holder; others keep writing from 0.1 s
    later. SQLite's busy handler had the first, polling every 100 ms by
    then, lose the lock to them again and again."""
    holding, release = threading.Event(), threading.Event()

    def holder():
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO writes VALUES ('holder')"))
            holding.set()
            release.wait(timeout=10)

    def later(writer, until):
        while time.monotonic() < until:
            write(engine, writer, hold=0.02)

    threads = [start(holder)]
    assert holding.wait(timeout=10)
    threads.append(start(write, engine, "first"))
    time.sleep(0.1)
    until = time.monotonic() + 1.0
    threads += [start(later, f"later {i}", until) for i in range(4)]
    time.sleep(0.15)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert writes(engine)[:2] == ["holder", "first"]


def test_many_writers_at_once_all_write(engine):
    threads = [start(write, engine, f"writer {i}", 0.01) for i in range(16)]
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(writes(engine)) == sorted(f"writer {i}" for i in range(16))


def test_a_writer_that_waits_past_the_timeout_is_told_the_database_is_locked(engine):
    """As SQLite's own busy timeout says it (a 503 for a request), and the
    writers after it are not held up by it."""
    holder = start(write, engine, "holder", 2.5)
    time.sleep(0.1)
    with pytest.raises(OperationalError, match="database is locked"):
        write(engine, "too late")
    holder.join(timeout=10)
    write(engine, "after")
    assert writes(engine) == ["holder", "after"]


def test_a_rolled_back_writer_gives_its_turn_back(engine):
    with pytest.raises(ZeroDivisionError):
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO writes VALUES ('rolled back')"))
            1 / 0
    write(engine, "next")
    assert writes(engine) == ["next"]


def test_reads_do_not_wait_for_a_writer(engine):
    holder = start(write, engine, "holder", 1.0)
    time.sleep(0.1)
    started = time.monotonic()
    read_only = engine.execution_options(**{READ_ONLY: True})
    with read_only.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM writes").scalar()
    assert time.monotonic() - started < 0.5
    holder.join(timeout=10)
