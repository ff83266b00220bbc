"""SQLite's writers in one process take the write lock in turn, first come,
first served (``seatshare.models.engine`` sets them up)."""
import collections
import sqlite3
import threading

from sqlalchemy.exc import OperationalError


class WriteTurns:
    """One process's SQLite writers, taking the write lock in the order
    they asked for it.

    Left to SQLite, a writer that finds the lock taken sleeps in its busy
    handler, 1, 2, 5, 10 ... then 100 ms at a time, and tries again: one
    that has waited long polls least often, and writers that arrived after
    it take the lock in between (under load, a few writes waited a second
    and more while most took 30 ms). Here a writer waits its turn instead,
    and the one that ends a write transaction hands the lock over at once
    to the writer that has waited longest. Other processes (the command
    line, a second server) still meet SQLite's lock and its busy handler.
    """

    def __init__(self):
        self._mutex = threading.Lock()
        self._waiting = collections.deque()
        self._taken = False

    def take(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds for this writer's turn."""
        with self._mutex:
            if not self._taken:
                self._taken = True
                return True
            handover = threading.Lock()
            handover.acquire()
            self._waiting.append(handover)
        if handover.acquire(timeout=timeout):
            return True
        with self._mutex:
            try:
                self._waiting.remove(handover)
            except ValueError:  # handed over as the wait ran out: the turn is ours
                return True
            return False

    def give_back(self) -> None:
        """End this writer's turn: the next waiting one's begins."""
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()
            else:
                self._taken = False


class SQLiteConnection(sqlite3.Connection):
    """pysqlite's connection, which gives its writer's turn back (see
    ``WriteTurns``) once its write transaction is over: after its COMMIT or
    ROLLBACK (SQLAlchemy's own events come before them), or its close."""

    write_turns = None  # the engine's WriteTurns, set on connect
    has_write_turn = False

    def take_write_turn(self, timeout: float) -> None:
        if not self.write_turns.take(timeout):
            # What SQLite itself says after its busy timeout: a 503.
            raise OperationalError("BEGIN IMMEDIATE", None,
                                   sqlite3.OperationalError("database is locked"))
        self.has_write_turn = True

    def give_back_write_turn(self, force=False) -> None:
        """Unless its transaction is still open (a COMMIT that failed)."""
        if not self.has_write_turn:
            return
        if not force and self.in_transaction:
            return
        self.has_write_turn = False
        self.write_turns.give_back()

    def commit(self):
        try:
            super().commit()
        finally:
            self.give_back_write_turn()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self.give_back_write_turn()

    def close(self):
        try:
            super().close()
        finally:
            self.give_back_write_turn(force=True)
