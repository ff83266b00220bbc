"""PostgreSQL's serialization failures and deadlocks are retried.

PostgreSQL may abort one of two conflicting transactions with SQLSTATE 40001
(serialization failure) or 40P01 (deadlock detected); the right answer is to
run the request again. zope.sqlalchemy reports those errors as retryable to
pyramid_tm, which tags them for pyramid_retry, which replays the request
(``retry.attempts``). The error is raised here on purpose, on either
database, because a real one cannot be produced on demand.
"""
import json
import logging

import psycopg.errors
import pyramid_retry
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from seatshare import models
from seatshare.models.engine import _retry_after_disconnect, is_stale_prepared_statement
from seatshare.views import tickets as ticket_views

JSON = {"Content-Type": "application/json"}
TRANSIENT = [psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected]


def database_error(error):
    """What SQLAlchemy raises when the database answers with ``error``."""
    if error is sa.exc.IntegrityError:
        return sa.exc.IntegrityError("UPDATE tickets ...", {}, Exception("duplicate key"))
    return sa.exc.OperationalError("UPDATE tickets ...", {}, error("simulated"))


def failing_update(monkeypatch, error, failures):
    """``PUT /ticket/ID``'s ``update_ticket`` raises ``error``
    (``database_error``) for its first ``failures`` calls."""
    calls = []
    original = ticket_views.update_ticket

    def update_ticket(request, context, changes):
        calls.append(request.identity.user_id)
        if len(calls) <= failures:
            # Something has run in this transaction, as in a real conflict.
            request.dbsession.execute(select(1))
            raise database_error(error)
        return original(request, context, changes)

    monkeypatch.setattr(ticket_views, "update_ticket", update_ticket)
    return calls


def history_count(dbsession, ticket_id):
    return dbsession.scalar(select(func.count(models.TicketHistory.id))
                            .where(models.TicketHistory.ticket_id == ticket_id))


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: e.__name__)
def test_a_conflict_aborted_by_the_database_is_run_again(
    testapp, world, dbsession, monkeypatch, error
):
    headers = {**world.headers("owner"), **JSON}
    calls = failing_update(monkeypatch, error, failures=1)
    res = testapp.put(f"/api/v1/ticket/{world.ticket.id}", json.dumps({"note": "again"}),
                      headers=headers)
    assert res.status_int == 200 and res.json["note"] == "again"
    assert len(calls) == 2
    assert history_count(dbsession, world.ticket.id) == 1  # the aborted try left nothing


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: e.__name__)
def test_a_conflict_that_never_clears_is_a_503_to_retry_later(
    testapp, world, dbsession, monkeypatch, app, error
):
    headers = {**world.headers("owner"), **JSON}
    attempts = int(app.registry.settings["retry.attempts"])
    calls = failing_update(monkeypatch, error, failures=attempts)
    res = testapp.put(f"/api/v1/ticket/{world.ticket.id}", json.dumps({"note": "never"}),
                      headers=headers, expect_errors=True)
    assert len(calls) == attempts
    assert res.status_int == 503 and res.json["code"] == 503
    assert int(res.headers["Retry-After"]) > 0
    assert history_count(dbsession, world.ticket.id) == 0


class DisconnectContext:
    """What SQLAlchemy's ``handle_error`` event passes, for a lost connection."""

    def __init__(self, statement):
        self.is_disconnect = True
        self.statement = statement
        self.original_exception = Exception("gone")
        self.sqlalchemy_exception = sa.exc.OperationalError(
            statement, {}, self.original_exception)


def test_a_statement_on_a_dead_connection_is_retryable():
    context = DisconnectContext("SELECT 1")
    _retry_after_disconnect(context)
    assert pyramid_retry.IRetryableError.providedBy(context.sqlalchemy_exception)


def test_a_commit_on_a_dead_connection_is_not_retried():
    """The commit may have happened: running the request again could do its
    writes twice."""
    context = DisconnectContext(None)
    _retry_after_disconnect(context)
    assert not pyramid_retry.IRetryableError.providedBy(context.sqlalchemy_exception)


class FakeDiag:
    def __init__(self, source_function):
        self.source_function = source_function


class FakePostgresError(Exception):
    def __init__(self, sqlstate, source_function):
        super().__init__("refused")
        self.sqlstate = sqlstate
        self.diag = FakeDiag(source_function)


def test_only_a_stale_prepared_statement_counts_as_one():
    """Another "feature not supported" error (same SQLSTATE) is the request's
    own fault: replacing the pool and running it again would not help."""
    assert is_stale_prepared_statement(
        FakePostgresError("0A000", "RevalidateCachedQuery"))
    assert not is_stale_prepared_statement(
        FakePostgresError("0A000", "transformLockingClause"))
    assert not is_stale_prepared_statement(
        FakePostgresError("40001", "RevalidateCachedQuery"))
    assert not is_stale_prepared_statement(Exception("gone"))


def errors_logged(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("error", [sa.exc.IntegrityError, *TRANSIENT],
                         ids=lambda e: e.__name__)
def test_a_conflict_run_again_is_no_error_in_the_log(
    testapp, world, monkeypatch, caplog, error
):
    """The attempt that lost a race is no unhandled error nor an outage:
    the request is run again and answers as usual. The operator's log
    shows a failure only when the last attempt fails."""
    calls = failing_update(monkeypatch, error, failures=1)
    with caplog.at_level(logging.INFO):
        res = testapp.put(f"/api/v1/ticket/{world.ticket.id}", json.dumps({"note": "again"}),
                          headers={**world.headers("owner"), **JSON})
    assert res.status_int == 200 and len(calls) == 2
    assert errors_logged(caplog) == []
    assert any("running it again" in r.getMessage() for r in caplog.records)


def test_a_conflict_on_the_last_attempt_is_still_logged(
    testapp, world, monkeypatch, app, caplog
):
    attempts = int(app.registry.settings["retry.attempts"])
    calls = failing_update(monkeypatch, psycopg.errors.DeadlockDetected, failures=attempts)
    with caplog.at_level(logging.INFO):
        res = testapp.put(f"/api/v1/ticket/{world.ticket.id}", json.dumps({"note": "never"}),
                          headers={**world.headers("owner"), **JSON}, expect_errors=True)
    assert res.status_int == 503 and len(calls) == attempts
    assert len(errors_logged(caplog)) == 1
