"""Pyramid's debugging settings log URLs, never the secrets some carry.

``pyramid.debug_authorization`` logs every view's URL with its query, and
``pyramid.debug_notfound`` every 404's: an operator who turns them on to
chase a problem must not find client secrets and codes (the seed's
``GET /oauth/token`` sends them in the query string), calendar feed tokens
or password-reset links in the log.
"""
import logging
import pickle
import secrets
import sys
import warnings
from functools import partial

import pytest

from seatshare.calendar import feed_token
from seatshare.web.password_reset import reset_key
from tests import factories as f
from tests.oauth.conftest import REDIRECT_URI

APP_OVERRIDES = {
    "pyramid.debug_authorization": "true",
    "pyramid.debug_notfound": "true",
    "pyramid.debug_routematch": "true",
}


@pytest.fixture
def client(make_client, caplog):
    caplog.set_level(logging.DEBUG)
    return make_client()


def test_debug_settings_log_no_secret_from_a_url(client, configured_app, caplog, dbsession):
    settings = configured_app.registry.settings
    user = f.make_user()
    application, client_secret = f.make_application(redirect_uris=[REDIRECT_URI])
    code, verifier = secrets.token_hex(32), secrets.token_urlsafe(48)
    refresh = secrets.token_hex(32)
    client.get("/oauth/token", {
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "redirect_uri": REDIRECT_URI, "client_id": application.client_id,
        "client_secret": client_secret,
    }, status=400)
    client.get("/oauth/token", {
        "grant_type": "refresh_token", "refresh_token": refresh,
        "client_id": application.client_id, "client_secret": client_secret,
    }, status=400)
    feed = feed_token(settings, user)
    client.get(f"/calendar/{user.id}/{feed}/tickets.ics", status=200)
    client.get(f"/calendar/{user.id}/{feed}/groups/999999.ics", status=404)
    key = reset_key(settings, user)
    client.get(f"/password-reset/{key}", status=200)
    undo = secrets.token_hex(32)
    client.get(f"/email-undo/{undo}", status=400)

    logged = caplog.text
    # The settings really were on, for the views and for the 404.
    assert "debug_authorization of url" in logged and "debug_notfound of url" in logged
    assert "/calendar/" in logged and "/password-reset/" in logged and "/email-undo/" in logged
    for name, value in {"client_secret": client_secret, "code": code,
                        "code_verifier": verifier, "refresh_token": refresh,
                        "feed token": feed, "reset link": key.rsplit("-", 1)[1],
                        "email-undo link": undo}.items():
        assert value not in logged, f"the {name} is in the logs"


def test_waitress_logs_the_path_of_a_request_it_loses_without_its_secret(configured_app,
                                                                         caplog):
    """waitress logs "Client disconnected while serving PATH" (and, for an
    error it catches itself, "Exception while serving PATH") with the path
    as the client sent it: a calendar app that hangs up mid-feed would leave
    its feed token in the log."""
    caplog.set_level(logging.DEBUG)
    token = secrets.token_hex(32)
    logging.getLogger("waitress").info(
        "Client disconnected while serving %s" % f"/calendar/7/{token}/tickets.ics")
    assert "Client disconnected while serving /calendar/7/[token]/tickets.ics" in caplog.text
    assert token not in caplog.text


def test_debug_settings_log_no_secret_a_url_carries_percent_encoded(client, caplog, dbsession):
    """A URL inside a query value (a sign-in page's ``next``) is
    percent-encoded: its secrets follow ``%2F`` or ``%3D``, whose last
    character is a hex digit, and its parameters are named before ``%3D``."""
    feed, code, verifier = secrets.token_hex(32), secrets.token_hex(32), secrets.token_urlsafe(48)
    for inner in (f"/calendar/7/{feed}/tickets.ics",
                  f"/oauth/token?grant_type=authorization_code&code={code}"
                  f"&code_verifier={verifier}&redirect_uri={REDIRECT_URI}"):
        client.get("/signin", {"next": inner}, status=200)

    logged = caplog.text
    assert "debug_authorization of url" in logged and "next=%2Fcalendar%2F7%2F" in logged
    assert "redirect_uri%3D" in logged  # what follows a secret is kept
    for name, value in {"feed token": feed, "code": code, "code_verifier": verifier}.items():
        assert value not in logged, f"the {name} is in the logs"


def test_debug_settings_log_no_password_sent_in_a_query_string(client, caplog, dbsession):
    """The pages' forms post their passwords and CSRF token, but a form sent
    by GET (a script, a browser extension filling it in) puts them in the
    query."""
    passwords = {name: f"{name} {secrets.token_urlsafe(12)}"
                 for name in ("password", "current_password", "new_password",
                              "new_password_again", "csrf_token")}
    client.get("/signin", {"email": "pat@example.com", **passwords}, status=200)
    client.get("/signup", {"email": "pat@example.com", **passwords}, status=200)

    logged = caplog.text
    assert "debug_authorization of url" in logged and "email=pat%40example.com" in logged
    for name, value in passwords.items():
        for form in (value, value.replace(" ", "+"), value.replace(" ", "%20")):
            assert form not in logged, f"the {name} is in the logs"


def test_debug_settings_log_no_secret_a_url_carries_mistyped(client, configured_app, caplog,
                                                             dbsession):
    """A secret path segment that is not quite the secret (a digit too many
    or too few, as a calendar app or a mail client that cut or stuck
    something to the link sends it) is a 404 or an expired link, and is
    still most or all of the secret: the whole segment is shown as
    ``[token]``, in the URL and where the traversal repeats it."""
    settings = configured_app.registry.settings
    user = f.make_user()
    feed, key, undo = feed_token(settings, user), reset_key(settings, user), secrets.token_hex(32)
    mac = key.rsplit("-", 1)[1]
    client.get(f"/calendar/{user.id}/{feed}0/tickets.ics", status=404)
    client.get(f"/calendar/{user.id}/{feed[:-1]}/tickets.ics", status=404)
    client.get(f"/calendar/{user.id}/{feed}0/groups/1.ics", status=404)
    client.get(f"/calendar/{user.id}/{feed}%200/tickets.ics", status=404)
    client.get(f"/password-reset/{key}f", status=400)
    client.get(f"/email-undo/{undo}a5", status=400)
    client.get("/signin", {"next": f"/calendar/{user.id}/{feed}0/tickets.ics"}, status=200)

    logged = caplog.text
    assert "debug_notfound of url" in logged and "debug_authorization of url" in logged
    assert f"/calendar/{user.id}/[token]/tickets.ics" in logged
    assert "/password-reset/[token]" in logged and "/email-undo/[token]" in logged
    for name, value in {"feed token": feed[:-1], "reset link": mac[:-1],
                        "email-undo link": undo[:-1]}.items():
        assert value not in logged, f"the {name} is in the logs"


@pytest.mark.parametrize("logger", ["seatshare.views.anything", "waitress.queue", "pyramid_tm",
                                    "some.other.library"])
def test_every_logger_logs_no_secret(configured_app, caplog, logger):
    """A logger's filters do not apply to what its children log: the
    redaction was the ``seatshare`` and ``waitress`` loggers' filter, and a
    record from ``seatshare.views.…``, ``waitress.queue`` or another library
    reached the handlers whole. Every record is redacted, wherever it is
    logged."""
    caplog.set_level(logging.DEBUG)
    token, feed = secrets.token_hex(32), secrets.token_urlsafe(16)
    logging.getLogger(logger).debug("GET /oauth/token?client_secret=%s&code=c0de-x and %s",
                                    "s3cret-value", f"/calendar/7/{feed}/tickets.ics {token}")
    assert caplog.records, "nothing was logged"
    assert "/oauth/token?client_secret=[token]&code=[token]" in caplog.text
    assert "/calendar/7/[token]/tickets.ics [token]" in caplog.text
    for secret in ("s3cret-value", "c0de-x", feed, token):
        assert secret not in caplog.text


@pytest.fixture
def record_factory():
    """Installs ``redact_every_log_record`` around the record factory the
    test passes (None: logging's own), restoring the factory before after."""
    from seatshare.paths import redact_every_log_record

    before = logging.getLogRecordFactory()
    capturing = warnings.showwarning.__module__ == "logging"

    def install(make_record=None):
        logging.setLogRecordFactory(make_record or logging.LogRecord)
        redact_every_log_record()

    yield install
    logging.setLogRecordFactory(before)
    logging.captureWarnings(capturing)


class OwnRecord(logging.LogRecord):
    """A record class another library's factory might make."""


def test_a_record_factory_making_its_own_class_of_record_is_redacted_too(record_factory,
                                                                         caplog):
    """Only a plain LogRecord was made redacting: a factory installed before
    that made records of a class of its own (a tracing library's, say) had
    every secret logged whole."""
    record_factory(lambda *args, **kwargs: OwnRecord(*args, **kwargs))
    caplog.set_level(logging.DEBUG)
    token = secrets.token_hex(32)
    logging.getLogger("some.library").debug("GET /oauth/token?client_secret=s3cret-value %s",
                                            token)
    (record,) = caplog.records
    assert isinstance(record, OwnRecord)
    assert "s3cret-value" not in caplog.text and token not in caplog.text
    assert "client_secret=[token] [token]" in caplog.text


def test_a_record_s_msg_and_args_are_redacted_for_whatever_reads_them(record_factory):
    """Only ``getMessage()`` was redacted: a ``%(msg)s`` format, a JSON
    formatter or an error tracker reads ``msg`` and ``args``, which held the
    secret whole. They are redacted when the record is made, the template
    kept (``%s``)."""
    record_factory()
    token = secrets.token_hex(32)
    record = logging.getLogRecordFactory()(
        "some.library", logging.INFO, __file__, 1,
        "GET /oauth/token?client_secret=s3cret-value %s %s",
        (f"/calendar/7/{token[:20]}/tickets.ics", token), None)
    assert record.msg == "GET /oauth/token?client_secret=[token] %s %s"
    assert record.args == ("/calendar/7/[token]/tickets.ics", "[token]")
    assert record.getMessage() == (
        "GET /oauth/token?client_secret=[token] /calendar/7/[token]/tickets.ics [token]")


class Secretive:
    """An argument that is no str, whose str() quotes a secret."""

    def __init__(self, token):
        self.token = token

    def __str__(self):
        return f"/oauth/token?code={self.token}"


def test_a_record_s_fields_copied_whole_show_no_secret(record_factory):
    """A JSON formatter or an error tracker copies every field of a record
    (``record.__dict__``): the message as logged was kept there whole, as
    ``raw_msg`` and ``raw_args``."""
    record_factory()
    token, code = secrets.token_hex(32), secrets.token_urlsafe(12)
    dumped = []
    handler = logging.Handler()
    handler.emit = lambda record: dumped.append(repr(record.__dict__))
    log = logging.getLogger("some.library")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.info("GET /oauth/token?client_secret=s3cret-value %s %s %d", token,
                 Secretive(code), 7)
        log.info("a mapping: %(url)s", {"url": f"/password-reset/{token}"})
    finally:
        log.removeHandler(handler)
        log.setLevel(logging.NOTSET)
    assert len(dumped) == 2
    for secret in ("s3cret-value", token, code):
        assert secret not in "".join(dumped)
    assert "%s %s %d" in dumped[0] and "'[token]'" in dumped[0] and ", 7)" in dumped[0]
    assert "/password-reset/[token]" in dumped[1]


def test_a_logged_traceback_and_stack_carry_no_secret(record_factory, caplog):
    """The formatter renders a record's exception and stack itself, after
    the redacted message: an exception whose text quoted a client secret or
    a token (the error view's log.exception, the mail queue's) was written
    whole."""
    record_factory()
    caplog.set_level(logging.DEBUG)
    token = secrets.token_hex(32)
    handler_output = []
    handler = logging.StreamHandler()
    handler.emit = lambda record: handler_output.append(handler.format(record))
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("seatshare.errors.views")
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"GET /oauth/token?client_secret=s3cret-value failed: {token}")
        except RuntimeError:
            log.exception("request failed")
        warn_with_stack = partial(log.warning, "stack", stack_info=True)
        warn_with_stack()  # the stack quotes this line: /oauth/token?client_secret=s3cret-value
    finally:
        log.removeHandler(handler)
    logged = "\n".join(handler_output) + caplog.text
    assert "RuntimeError: GET /oauth/token?client_secret=[token] failed: [token]" in logged
    assert "s3cret-value" not in logged and token not in logged
    assert "Stack (most recent call last)" in logged
    assert ("warn_with_stack()  # the stack quotes this line: "
            "/oauth/token?client_secret=[token]") in logged


def test_a_warning_is_logged_redacted(record_factory, caplog, capsys):
    """Python wrote a warning to stderr itself, past the log and its
    redaction: one quoting a URL with a secret was written whole."""
    record_factory()
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("retrying /oauth/token?client_secret=s3cret-value", UserWarning)
    assert "retrying /oauth/token?client_secret=[token]" in caplog.text
    assert "s3cret-value" not in caplog.text + capsys.readouterr().err


@pytest.mark.parametrize("make_record", [None, OwnRecord])
def test_a_redacted_record_can_be_pickled(record_factory, make_record):
    """A record is pickled by its class's name (a QueueHandler feeding
    another process, a SocketHandler): logging's own records were made of a
    second class named ``RedactedLogRecord``, found in no module, and could
    not be."""
    record_factory(make_record)
    token = secrets.token_hex(32)
    record = logging.getLogRecordFactory()("some.library", logging.INFO, __file__, 1,
                                           "sent %s", (token,), None)
    copy = pickle.loads(pickle.dumps(record))
    assert type(copy) is type(record)
    assert isinstance(copy, make_record or logging.LogRecord)
    assert copy.getMessage() == "sent [token]"
    assert token not in repr(copy.__dict__)


def test_a_record_s_traceback_is_kept_redacted_where_logging_keeps_it(record_factory):
    """The redacted traceback was kept under a name of its own
    (``redacted_exc_text``), where whatever reads ``exc_text`` from the
    record's fields found nothing."""
    record_factory()
    token = secrets.token_hex(32)
    try:
        raise RuntimeError(f"failed: {token}")
    except RuntimeError:
        record = logging.getLogRecordFactory()("some.library", logging.ERROR, __file__, 1,
                                               "failed", (), sys.exc_info())
    logging.Formatter().format(record)
    assert "RuntimeError: failed: [token]" in record.__dict__["exc_text"]
    assert "redacted_exc_text" not in record.__dict__


def test_a_record_s_message_is_redacted_once_however_many_handlers_ask(record_factory,
                                                                       monkeypatch):
    """Each handler's formatter calls getMessage(): the regexes ran again
    for each, on a message that had not changed."""
    from seatshare import paths

    record_factory()
    record = logging.getLogRecordFactory()("some.library", logging.INFO, __file__, 1,
                                           "sent %s to %s", ("a", "b"), None)
    redactions = []
    monkeypatch.setattr(paths, "redact_log_text",
                        lambda text: redactions.append(text) or text)
    assert record.getMessage() == record.getMessage() == "sent a to b"
    assert redactions == ["sent a to b"]
    record.msg = "changed %s %s"  # as a filter may
    assert record.getMessage() == "changed a b"
    assert redactions == ["sent a to b", "changed a b"]
