"""Cross-cutting behaviour of every /api/ path: error bodies, 404, 405, 500,
503 and /healthz; and the same errors as the HTML pages show them."""
import logging

import pytest
import sqlalchemy as sa
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from pyramid.security import NO_PERMISSION_REQUIRED
from webtest import TestApp

from seatshare import main
from seatshare.errors import DETAILS, error_body, json_error
from seatshare.models import meta
from seatshare.models.revision import head_revision
from seatshare.resources import ApiRoot, Root
from seatshare.tokens import new_token

from . import factories
from .conftest import make_settings, record_revision

NOT_FOUND = {
    "error": "Not Found",
    "error_detail": "The record you requested could not be found.",
    "code": 404,
}
DATABASE_DOWN_URLS = {
    # Nothing listens on port 1; connect fails at once, as when PostgreSQL is down.
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/seatshare",
    # A file in a folder that went away (an unmounted volume) cannot be opened.
    "sqlite": "sqlite:///{tmp}/gone/seatshare.sqlite",
}


def test_unknown_api_route_is_json_404(testapp):
    res = testapp.get("/api/v1/nope", status=404)
    assert res.content_type == "application/json"
    assert res.json == NOT_FOUND


@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/v2/users", "/api", "/api/", "/api/v1/users/me/x/y"]
)
def test_unknown_api_route_is_404_with_a_token_too(testapp, auth_headers, path):
    res = testapp.get(path, headers=auth_headers(factories.make_user()), status=404)
    assert res.json == NOT_FOUND


@pytest.mark.parametrize("record", ["999999", "0", "abc", "99999999999999"])
def test_unknown_record_is_json_404(testapp, auth_headers, record):
    headers = auth_headers(factories.make_user())
    res = testapp.get(f"/api/v1/users/{record}", headers=headers, status=404)
    assert res.json == NOT_FOUND


def test_wrong_method_on_an_api_path_is_json_405_with_allow(testapp, auth_headers):
    headers = auth_headers(factories.make_user())
    res = testapp.delete("/api/v1/users", headers=headers, status=405)
    assert res.headers["Allow"] == "GET, HEAD"
    assert res.json == {
        "error": "Method Not Allowed",
        "error_detail": "The method is not allowed for the requested URL.",
        "code": 405,
    }


def test_wrong_method_on_healthz_is_405_with_allow(testapp):
    res = testapp.post("/healthz", status=405)
    assert res.headers["Allow"] == "GET, HEAD"


def test_unknown_page_outside_the_api_is_html_404(testapp):
    res = testapp.get("/no-such-page", status=404)
    assert res.content_type == "text/html"


def test_healthz_answers_200_after_a_query(testapp, query_counter):
    res = testapp.get("/healthz", status=200)
    assert res.json == {"status": "ok"}
    assert query_counter.count == 1


def test_error_body_uses_reason_phrase():
    assert error_body(503)["error"] == "Service Unavailable"
    assert error_body(400, fields={"cost": "must be at least 0"})["fields"] == {
        "cost": "must be at least 0"
    }


# WebOb's status line said "413 Request Entity Too Large" under a body saying
# "Content Too Large"; both now say RFC 9110's phrase.
@pytest.mark.parametrize(("status", "phrase"), [
    (413, "Content Too Large"), (414, "URI Too Long"), (416, "Range Not Satisfiable"),
    (422, "Unprocessable Content"), *((status, None) for status in DETAILS),
])
def test_a_json_errors_status_line_says_the_phrase_its_body_does(status, phrase):
    response = json_error(None, status)
    assert response.status_code == status
    assert response.status == f"{status} {response.json['error']}"
    if phrase is not None:
        assert response.json["error"] == phrase


# --- 500 ----------------------------------------------------------------------


class Boom(RuntimeError):
    pass


def explode(request):
    raise Boom("internal detail: password=hunter2 at db.internal:5432")


@pytest.fixture
def failing_app(app_settings):
    """The real app plus test-only views at /api/boom and /boom that raise."""
    wsgi = main({}, **app_settings)
    config = Configurator(registry=wsgi.registry)
    config.add_view(explode, context=ApiRoot, name="boom", permission=NO_PERMISSION_REQUIRED)
    config.add_view(explode, context=Root, name="boom", permission=NO_PERMISSION_REQUIRED)
    config.commit()
    yield TestApp(wsgi)
    wsgi.registry["dbengine"].dispose()


def test_unexpected_error_is_500_with_a_generic_body(failing_app, caplog):
    with caplog.at_level(logging.ERROR, logger="seatshare"):
        res = failing_app.get("/api/boom", status=500)
    assert res.json == {
        "error": "Internal Server Error",
        "error_detail": "Your request caused an error in our API. This caused an alert, "
        "and we will look into fixing it. Please contact support.",
        "code": 500,
    }
    assert "hunter2" not in res.text and "Boom" not in res.text


def test_unexpected_error_is_logged_with_its_traceback(failing_app, caplog):
    with caplog.at_level(logging.ERROR, logger="seatshare"):
        failing_app.get("/api/boom", status=500)
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.levelno == logging.ERROR
    assert record.exc_info[0] is Boom
    assert "GET /api/boom" in record.getMessage()


# --- 503 ----------------------------------------------------------------------


@pytest.fixture(params=sorted(DATABASE_DOWN_URLS))
def app_without_database(request, tmp_path):
    url = DATABASE_DOWN_URLS[request.param].format(tmp=tmp_path)
    if request.param == "sqlite":  # the server refuses to start without the file
        (tmp_path / "gone").mkdir()
        engine = sa.create_engine(url)
        meta.metadata.create_all(engine)
        engine.dispose()
    wsgi = main({}, **make_settings(url, **{"seatshare.db_connect_timeout": "1"}))
    wsgi.registry["dbengine"].dispose()
    if request.param == "sqlite":
        (tmp_path / "gone").rename(tmp_path / "elsewhere")
    yield TestApp(wsgi)
    wsgi.registry["dbengine"].dispose()


def assert_service_unavailable(res):
    assert res.status_int == 503
    assert res.headers["Retry-After"] == "5"
    assert res.json == {
        "error": "Service Unavailable",
        "error_detail": "The API wasn't able to fulfill your request because of an "
        "outage. Please contact support.",
        "code": 503,
    }


def test_healthz_is_503_when_the_database_is_down(app_without_database):
    assert_service_unavailable(app_without_database.get("/healthz", status=503))


def test_api_is_503_with_retry_after_when_the_database_is_down(app_without_database):
    headers = {"Authorization": f"Bearer {new_token()}"}
    res = app_without_database.get("/api/v1/users/me", headers=headers, status=503)
    assert_service_unavailable(res)


# What the driver says, first line: the operator's clue to the cause.
DATABASE_DOWN_CAUSES = {
    "postgresql": 'connection to server at "127.0.0.1", port 1 failed: Connection refused',
    "sqlite": "unable to open database file",
}


def test_the_503_logs_the_drivers_reason(app_without_database, caplog, request):
    """A refused connection, a wrong password, a timeout: the log line says
    which (the driver's first line, without SQLAlchemy's SQL), not only
    "OperationalError"."""
    backend = request.node.callspec.params["app_without_database"]
    with caplog.at_level(logging.ERROR, logger="seatshare.errors"):
        app_without_database.get("/healthz", status=503)
    lines = [r.getMessage() for r in caplog.records if r.name == "seatshare.errors"]
    assert lines and all(line.startswith("database unavailable: OperationalError: ")
                         for line in lines), lines
    assert DATABASE_DOWN_CAUSES[backend] in lines[0]
    assert "\n" not in lines[0] and "[SQL" not in lines[0]


def test_an_outage_logs_its_reason_once_a_minute_not_on_every_request(
        app_without_database, caplog, monkeypatch):
    """Through an outage every request, and every load balancer probe,
    failed with the same reason, each an ERROR line: one a minute says it,
    with how many more requests failed so since the line before."""
    from seatshare import repeats

    clock = [1000.0]
    monkeypatch.setattr(repeats, "now", lambda: clock[0])
    with caplog.at_level(logging.ERROR, logger="seatshare.errors"):
        for _ in range(5):
            app_without_database.get("/healthz", status=503)
        clock[0] += 75
        app_without_database.get("/api/v1/users/me", status=503,
                                 headers={"Authorization": f"Bearer {new_token()}"})
    first, second = [r.getMessage() for r in caplog.records if r.name == "seatshare.errors"]
    reason, note = first.rsplit(" (", 1)
    assert reason.startswith("database unavailable: OperationalError: ")
    assert note == "logged at most once every 60 s, with how many more there were)"
    assert second == f"{reason} (4 more in the 75 s since the last such line)"


def test_service_recovers_by_itself_when_the_database_returns(tmp_path):
    folder = tmp_path / "later"
    folder.mkdir()
    url = f"sqlite:///{folder}/seatshare.sqlite"
    engine = sa.create_engine(url)
    meta.metadata.create_all(engine)
    engine.dispose()
    record_revision(url, head_revision())  # as `db upgrade` leaves it
    wsgi = main({}, **make_settings(url))
    wsgi.registry["dbengine"].dispose()
    folder.rename(tmp_path / "away")  # its volume went away
    app = TestApp(wsgi)
    try:
        app.get("/healthz", status=503)
        (tmp_path / "away").rename(folder)  # the database becomes reachable again
        assert app.get("/healthz", status=200).json == {"status": "ok"}
    finally:
        wsgi.registry["dbengine"].dispose()


# --- secrets ---------------------------------------------------------------------


def ini_app_settings(ini, here):
    """The ini's [app:main], with ``here`` (a temporary directory) for %(here)s."""
    import configparser
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = configparser.ConfigParser(defaults={"here": str(here)})
    parser.read(os.path.join(root, ini))
    # Without [DEFAULT]'s (here, the server's address): PasteDeploy keeps them out too.
    return {key: parser["app:main"][key] for key in parser.options("app:main")
            if key not in parser.defaults()}


def with_tables(url):
    """``url``'s database with SeatShare's tables: a server refuses to
    start on one without them."""
    import sqlalchemy as sa

    from seatshare.models import meta

    engine = sa.create_engine(url)
    meta.metadata.create_all(engine)
    engine.dispose()
    return url


PRODUCTION_VARIABLES = {
    "SEATSHARE_SESSION_SECRET": "x" * 64,
    "SEATSHARE_CALENDAR_SECRET": "x" * 64,
    "SEATSHARE_ALLOWED_HOSTS": "seatshare.example.com",
}
# What an operator puts in place of production.ini's example sender.
PRODUCTION_SENDER = "SeatShare <no-reply@seatshare.invalid>"


def production_ini_copy(folder) -> str:
    """production.ini in ``folder``, its example sender replaced as an
    operator must."""
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "production.ini")) as f:
        text = f.read()
    example = "mail.default_sender = SeatShare <no-reply@example.com>\n"
    assert example in text
    path = os.path.join(folder, "production.ini")
    with open(path, "w") as f:
        f.write(text.replace(example, f"mail.default_sender = {PRODUCTION_SENDER}\n"))
    return path


@pytest.mark.parametrize("variable", sorted(PRODUCTION_VARIABLES))
def test_production_ini_does_not_start_without_its_variables(monkeypatch, tmp_path, variable):
    """production.ini ships placeholders: without the variable, no server
    whose session cookies anyone could sign, or that answers no host."""
    from pyramid.exceptions import ConfigurationError

    for name, value in PRODUCTION_VARIABLES.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(variable)
    settings = {**ini_app_settings("production.ini", tmp_path),
                "sqlalchemy.url": with_tables(f"sqlite:///{tmp_path}/db.sqlite"),
                "mail.default_sender": PRODUCTION_SENDER}
    with pytest.raises(ConfigurationError, match=variable):
        main({}, **settings)
    monkeypatch.setenv(variable, PRODUCTION_VARIABLES[variable])
    assert main({}, **settings) is not None


def test_production_ini_does_not_start_with_its_example_sender(monkeypatch, tmp_path):
    """Its SMTP mail would go out from no-reply@example.com, for the SMTP
    server to refuse or the receiving servers to bounce as spoofed."""
    from seatshare import Refused

    for name, value in PRODUCTION_VARIABLES.items():
        monkeypatch.setenv(name, value)
    settings = {**ini_app_settings("production.ini", tmp_path),
                "sqlalchemy.url": with_tables(f"sqlite:///{tmp_path}/db.sqlite")}
    with pytest.raises(Refused, match="^mail.default_sender 'SeatShare <no-reply@example.com>' "
                                      "is an example address, whose mail is bounced or "
                                      "refused as spoofed: set it to an address of your own "
                                      "domain that the SMTP server"):
        main({}, **settings)


@pytest.mark.parametrize(("mailer", "sender", "starts"), [
    ("smtp", "no-reply@Example.ORG.", False),
    ("smtp", "SeatShare <seatshare@mail.example.net>", False),
    ("smtp", "seatshare@tickets.example", False),
    ("smtp", "SeatShare <no-reply@seatshare.example.co.uk>", True),
    ("smtp", "SeatShare <no-reply@myexample.com>", True),
    # Mail that is written to files or kept in memory is sent from nowhere.
    ("debug", "SeatShare <no-reply@example.com>", True),
])
def test_smtp_mail_from_an_example_domain_refuses_to_start(app_settings, tmp_path,
                                                            mailer, sender, starts):
    settings = {**app_settings, "mail.mailer": mailer, "mail.default_sender": sender,
                "mail.debug_path": str(tmp_path / "mail")}
    if starts:
        assert main({}, **settings) is not None
    else:
        with pytest.raises(ConfigurationError, match="^mail.default_sender .* is an example"):
            main({}, **settings)


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("SEATSHARE_SESSION_SECRET", "", "seatshare.session_secret is not set: set "
     "SEATSHARE_SESSION_SECRET to a long random value"),
    ("SEATSHARE_DATABASE_URL", "mysql://u:s3cret@db/x", "sqlalchemy.url: SeatShare runs on "
     "PostgreSQL (postgresql+psycopg://) or SQLite (sqlite:///), not mysql"),
])
def test_pserve_refusing_to_start_prints_one_line(tmp_path, variable, value, message):
    """What the operator sees when pserve production.ini refuses to start:
    the reason on one line and exit status 1, not a traceback whose last
    line is the reason."""
    import os
    import subprocess
    import sys

    env = {**os.environ, **PRODUCTION_VARIABLES,
           "SEATSHARE_DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite", variable: value}
    pserve = os.path.join(os.path.dirname(sys.executable), "pserve")
    done = subprocess.run([pserve, production_ini_copy(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"seatshare: cannot start: {message}"), done.stderr
    assert "s3cret" not in done.stderr


def test_every_bad_setting_is_named_at_once(app_settings):
    """Refused for its first bad setting alone, the operator fixed one
    setting per restart: each of them is a line of the refusal."""
    from seatshare import Refused

    settings = {**app_settings, "seatshare.session_secret": "short",
                "seatshare.hsts_max_age": "1y", "sqlalchemy.pool_size": "ten",
                "seatshare.session_secure": "ture", "seatshare.allowed_hosts": "a/b",
                "mail.mailer": "smtp", "mail.port": "smtp", "mail.tls": "yes please"}
    with pytest.raises(Refused) as refused:
        main({}, **settings)
    lines = str(refused.value).splitlines()
    assert sorted(line.split()[0].rstrip(":") for line in lines) == sorted([
        "seatshare.session_secret", "seatshare.hsts_max_age", "sqlalchemy.pool_size",
        "seatshare.session_secure", "seatshare.allowed_hosts", "mail.port", "mail.tls"])
    assert refused.value.code.splitlines() == [
        f"seatshare: cannot start: {line}" for line in lines]
    assert "seatshare.session_secret is shorter than 16 characters: set " in str(refused.value)


def test_pserve_names_every_bad_setting_one_a_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, **PRODUCTION_VARIABLES, "SEATSHARE_SESSION_SECRET": "",
           "SEATSHARE_DATABASE_URL": "mysql://u:s3cret@db/x"}
    pserve = os.path.join(os.path.dirname(sys.executable), "pserve")
    done = subprocess.run([pserve, production_ini_copy(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[:2] == [
        "seatshare: cannot start: sqlalchemy.url: SeatShare runs on PostgreSQL "
        "(postgresql+psycopg://) or SQLite (sqlite:///), not mysql",
        "seatshare: cannot start: seatshare.session_secret is not set: set "
        "SEATSHARE_SESSION_SECRET to a long random value, such as the output of: "
        "python -c 'import secrets; print(secrets.token_hex(32))'",
    ]
    assert all(line.startswith("seatshare: cannot start: ") for line in lines)
    assert "s3cret" not in done.stderr


@pytest.mark.parametrize(("url", "problem"), [
    ("postgresql+psycopg://u:p@ss:s3cret@db/x", "port is not a number"),
    ("postgresql+psycopg://u:p@s3cret@db/x", "host name has an @"),
])
def test_a_password_with_an_unencoded_at_refuses_to_start_quoting_none_of_it(
    tmp_path, url, problem
):
    """An "@" left unencoded in the password: the rest of the password reads
    as the port or the host, and the server's refusal must not print it to
    its log (nor start, to answer 503 to every request)."""
    from sqlalchemy.exc import ArgumentError

    settings = {**ini_app_settings("development.ini", tmp_path), "sqlalchemy.url": url}
    with pytest.raises(ArgumentError, match=problem) as raised:
        main({}, **settings)
    assert "s3cret" not in str(raised.value)
    assert raised.value.__context__ is None or raised.value.__suppress_context__


@pytest.mark.parametrize(("value", "problem"), [
    ("", "is not set"),
    ("   ", "is not set"),
    ("set-SEATSHARE_SESSION_SECRET", "is not set"),
    ("short-secret", "shorter than 16"),
    ("dev-session-secret-change-me", "development.ini's"),
])
def test_a_secret_anyone_can_know_is_refused_in_production(value, problem):
    from pyramid.exceptions import ConfigurationError

    from seatshare.settings import check_secret

    settings = {"seatshare.session_secret": value, "seatshare.calendar_secret": "c" * 32,
                "seatshare.session_secure": "true"}
    with pytest.raises(ConfigurationError, match=problem):
        check_secret(settings, "seatshare.session_secret")


def test_development_ini_publishes_only_secrets_the_check_knows(tmp_path):
    """An HTTPS deployment refuses development.ini's secrets: the check's
    list must be what development.ini says."""
    from seatshare.settings import PUBLISHED_SECRETS, SECRETS

    settings = ini_app_settings("development.ini", tmp_path)
    assert {settings[key] for key in SECRETS} <= PUBLISHED_SECRETS


def test_development_ini_starts_with_its_published_secrets(tmp_path):
    settings = ini_app_settings("development.ini", tmp_path)
    with_tables(settings["sqlalchemy.url"])
    assert main({}, **settings) is not None


# --- the documentation keeps up -----------------------------------------------


@pytest.mark.parametrize("ini", ["development.ini", "production.ini"])
def test_every_setting_in_the_ini_files_is_in_the_readme_table(ini, tmp_path):
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "README.md")) as f:
        table_rows = [line for line in f if line.startswith("| `")]
    documented = {row.split("`")[1] for row in table_rows}
    assert set(ini_app_settings(ini, tmp_path)) - documented == set()


@pytest.mark.parametrize("column, ini", [(1, "development.ini"), (2, "production.ini")])
def test_the_readme_tables_values_are_the_ini_files(column, ini, tmp_path):
    """The other way round: a setting the table gives a value in an ini
    file's column is in that file, with that value when it is quoted (a
    path as its end, the file's own being under %(here)s), and one whose
    column says "–" is not. The table said seatshare.email_undo_lifetime
    was in both, with its comment, where neither had it."""
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "README.md")) as f:
        # The settings' table, not the environment variables' (two columns).
        rows = [cells for cells in (line.split(" | ") for line in f if line.startswith("| `"))
                if len(cells) == 4]
    settings = ini_app_settings(ini, tmp_path)
    wrong = {}
    for row in rows:
        key, said = row[0][len("| `"):].rstrip("`"), row[column]
        value = settings.get(key)
        if said == "–":
            ok = value is None
        elif said.startswith("`") and said.endswith("`"):
            quoted = said.strip("`")
            ok = value is not None and (value == quoted or value.endswith("/" + quoted))
        else:
            ok = value is not None and (said != "blank" or value == "")
        if not ok:
            wrong[key] = (said, value)
    assert wrong == {}


def test_every_setting_the_app_defaults_or_reads_from_the_environment_is_documented():
    import os

    from seatshare.settings import DEFAULTS, ENVIRONMENT_OVERRIDES

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "README.md")) as f:
        readme = f.read()
    names = {*DEFAULTS, *ENVIRONMENT_OVERRIDES, *ENVIRONMENT_OVERRIDES.values()}
    assert {name for name in names if f"`{name}" not in readme} == set()


def test_readme_opens_with_the_two_commands():
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "README.md")) as f:
        opening = f.read().split("\n\n")[:2]
    assert opening == ["# SeatShare", "```sh\nmake run\nmake test\n```"]


# --- the same errors on the HTML pages -------------------------------------------


def assert_site_error_page(res, heading):
    """The site's own page, as every other one: not a bare server text."""
    assert res.content_type == "text/html"
    assert res.html.html["lang"] == "en"
    assert res.html.title.text == f"{heading} · SeatShare"
    assert res.html.h1.text == f"{res.status_int} · {heading}"
    assert res.html.main.find("a", href="/signin")


def test_a_page_opened_with_the_wrong_method_is_the_sites_405_page(testapp):
    res = testapp.get("/signout", status=405)
    assert res.headers["Allow"] == "POST"
    assert_site_error_page(res, "This page cannot be opened")


@pytest.mark.parametrize("method, path", [("PUT", "/healthz"),
                                          ("POST", "/.well-known/oauth-authorization-server")])
def test_a_wrong_method_on_an_endpoint_for_programs_is_the_json_405(testapp, method, path):
    """Not the page telling a person that a form's button sends them there:
    the JSON error body, with Allow, as their 500 and 503. (The OAuth token,
    revocation and introspection endpoints answer RFC 6749's body:
    tests/oauth/test_error_bodies.py.)"""
    res = testapp.request(path, method=method, status=405)
    assert res.json == error_body(405)
    assert res.headers["Allow"] and method not in res.headers["Allow"]


def test_an_unexpected_error_on_a_page_is_the_sites_500_page(failing_app, caplog):
    with caplog.at_level(logging.ERROR, logger="seatshare"):
        res = failing_app.get("/boom", status=500)
    assert_site_error_page(res, "Something went wrong")
    assert "hunter2" not in res.text and "Boom" not in res.text


OAUTH_ENDPOINTS = {
    "/oauth/token": "create_token_response",
    "/oauth/revoke": "create_revocation_response",
    "/oauth/introspect": "create_introspect_response",
}


@pytest.mark.parametrize("path", sorted(OAUTH_ENDPOINTS))
def test_an_unexpected_error_on_an_oauth_endpoint_is_the_json_500(testapp, monkeypatch,
                                                                   caplog, path):
    """The token, revocation and introspection endpoints answer programs
    that read JSON: their 500, like their 503, is RFC 6749's JSON error
    body (``server_error``), not the page a person gets."""
    from seatshare.oauth.server import SeatShareServer

    monkeypatch.setattr(SeatShareServer, OAUTH_ENDPOINTS[path],
                        lambda *args, **kwargs: explode(None))
    with caplog.at_level(logging.ERROR, logger="seatshare"):
        res = testapp.post(path, {"grant_type": "authorization_code"}, status=500)
    assert res.json["error"] == "server_error" and res.json["code"] == 500
    assert "hunter2" not in res.text


@pytest.mark.parametrize("path", sorted(OAUTH_ENDPOINTS))
def test_an_oauth_endpoint_is_temporarily_unavailable_when_the_database_is_down(
        app_without_database, path):
    res = app_without_database.post(path, {"grant_type": "refresh_token", "refresh_token": "x",
                                           "token": "x"},
                                    headers={"Authorization": "Basic YTpi"}, status=503)
    assert res.headers["Retry-After"] == "5"
    assert res.json["error"] == "temporarily_unavailable" and res.json["code"] == 503


def test_a_page_is_the_sites_503_page_when_the_database_is_down(app_without_database):
    res = app_without_database.get("/password-reset/1-1-" + "0" * 64, status=503)
    assert res.headers["Retry-After"] == "5"
    assert_site_error_page(res, "SeatShare is unavailable")


@pytest.mark.parametrize("path, typed, then", [
    ("/signin", {"email": "casey@example.com"}, "Type your password again and sign in."),
    ("/signup", {"first_name": "Casey", "last_name": "Jones", "email": "casey@example.com"},
     "Type your password again and create your account."),
    ("/password-reset", {"email": "casey@example.com"}, "Send it again."),
])
def test_a_form_sent_while_the_database_is_down_comes_back_with_what_was_typed(
        app_without_database, path, typed, then):
    """The 503 of a sign-in, sign-up or reset-link form was the bare error
    page, and what was typed was lost: it is the form again, as for an
    expired one, saying to try again, with Retry-After, passwords aside."""
    form_id = path[1:]
    form = app_without_database.get(path).forms[form_id]
    for name, value in typed.items():
        form[name] = value
    if "password" in form.fields:
        form["password"] = "the secret typed"
    form["next"].force_value("/oauth/authorization?client_id=abc")
    res = form.submit(status=503)
    assert res.headers["Retry-After"] == "5"
    assert res.html.find(class_="error").text.strip() == (
        "SeatShare is briefly unavailable, so this was not sent. Wait a few seconds and "
        "try again. " + then)
    again = res.forms[form_id]
    assert {name: again[name].value for name in typed} == typed
    assert again["next"].value == "/oauth/authorization?client_id=abc"
    assert "the secret typed" not in res.text


@pytest.mark.parametrize("value", ["-1", "ten", "1.5", "", "²", "１０", "2147484"])
def test_a_bad_statement_timeout_refuses_to_start(app_settings, value):
    """A whole number of seconds in ASCII digits, like every such setting:
    "-1" or "ten" was a ValueError traceback at start, and "-1" on PostgreSQL
    silently meant no limit; over PostgreSQL's limit (about 24 days: it
    keeps milliseconds in 32 bits), every request was a 503."""
    with pytest.raises(ConfigurationError, match="seatshare.db_statement_timeout"):
        main({}, **{**app_settings, "seatshare.db_statement_timeout": value})


@pytest.mark.parametrize("setting, value", [
    ("seatshare.max_body_bytes", "64k"),
    ("seatshare.max_body_bytes", "-1"),
    ("seatshare.max_body_bytes", "0"),
    ("seatshare.max_body_bytes", str(2**30 + 1)),
    ("seatshare.signin_max_failures", "five"),
    ("seatshare.signin_max_failures", "0"),
    ("seatshare.signin_window_seconds", "15m"),
    ("seatshare.signin_window_seconds", "-900"),
    ("seatshare.invitation_max", "twenty"),
    ("seatshare.invitation_max", "0"),
    ("seatshare.invitation_window_seconds", "1d"),
    # Longer than tokens purge keeps what it counts.
    ("seatshare.invitation_window_seconds", "86401"),
    ("seatshare.db_connect_timeout", "2s"),
    ("seatshare.db_connect_timeout", "0"),
    # RFC 6749 §4.1.2's ten minutes at most: 900 started, and codes lived 600.
    ("seatshare.authorization_code_lifetime", "601"),
])
def test_a_bad_number_setting_refuses_to_start(app_settings, setting, value):
    """Checked at start like the settings in seconds: "five" failures or a
    "15m" window started, and then every sign-in answered 500; a body limit
    of -1 answered 413 to every request with a body; "64k" was a traceback.
    The connect timeout is checked with a PostgreSQL URL, where it is used
    (the engine does not connect at start)."""
    url = "postgresql+psycopg://postgres@127.0.0.1:1/unused"
    with pytest.raises(ConfigurationError, match=setting):
        main({}, **{**app_settings, "sqlalchemy.url": url, setting: value})


@pytest.mark.parametrize("setting, value, message", [
    ("sqlalchemy.pool_size", "ten", "a number of connections"),
    ("sqlalchemy.max_overflow", "-2", "a number of connections"),
    ("sqlalchemy.pool_timeout", "5s", "a positive number of seconds"),
    ("sqlalchemy.pool_timeout", "0", "a positive number of seconds"),
    ("retry.attempts", "three", "a positive number of tries"),
    ("retry.attempts", "0", "a positive number of tries"),
    ("mail.port", "smtp", "a positive whole number, at most 65535"),
    ("mail.port", "70000", "a positive whole number, at most 65535"),
])
def test_a_bad_number_for_a_library_refuses_to_start_naming_it(app_settings, setting,
                                                                value, message):
    """SQLAlchemy's pool, pyramid_retry and pyramid_mailer read these numbers
    themselves: "ten" stopped the server with a ValueError traceback that
    named no setting ("invalid literal for int() with base 10")."""
    url = "postgresql+psycopg://postgres@127.0.0.1:1/unused"
    with pytest.raises(ConfigurationError, match=f"^{setting} must be {message}"):
        main({}, **{**app_settings, "sqlalchemy.url": url, "mail.mailer": "smtp",
                    setting: value})


def test_max_overflow_minus_one_is_sqlalchemys_no_limit(app_settings):
    """SQLAlchemy reads max_overflow = -1 as no limit on overflow connections."""
    url = "postgresql+psycopg://postgres@127.0.0.1:1/unused"
    app = main({}, **{**app_settings, "sqlalchemy.url": url, "sqlalchemy.max_overflow": "-1"})
    assert app is not None


@pytest.mark.parametrize("setting, value", [
    ("seatshare.session_secure", "ture"),
    ("seatshare.token_endpoint_allow_get", "nope"),
    ("seatshare.db_prepared_statements", "maybe"),
    ("seatshare.password_hash_fast", "fast"),
    ("seatshare.session_secure", ""),
    ("mail.tls", "yes please"),
    ("mail.ssl", "t"),
])
def test_a_flag_neither_true_nor_false_refuses_to_start(app_settings, setting, value):
    """Any word but true's read as false: "seatshare.session_secure = ture"
    started a server whose session cookie went over plain HTTP, "mail.tls
    = yes please" one that logged in to the SMTP server without STARTTLS."""
    settings = {**app_settings, "mail.mailer": "smtp", setting: value}
    with pytest.raises(ConfigurationError, match=f"^{setting} must be true or false, not "):
        main({}, **settings)


def test_flags_are_true_or_false_in_any_case(app_settings):
    settings = {**app_settings, "seatshare.token_endpoint_allow_get": " Off ",
                "seatshare.db_prepared_statements": "YES", "mail.mailer": "smtp",
                "mail.tls": "0"}
    served = main({}, **settings)
    TestApp(served).get("/oauth/token", status=405)


@pytest.mark.parametrize("url", [None, "", "  "])
def test_a_server_without_a_database_url_refuses_to_start_saying_so(app_settings, url):
    """Left out, sqlalchemy.url was a KeyError traceback; blank, "Could not
    parse SQLAlchemy URL from given URL string"."""
    settings = {key: value for key, value in app_settings.items() if key != "sqlalchemy.url"}
    if url is not None:
        settings["sqlalchemy.url"] = url
    with pytest.raises(ConfigurationError, match="^sqlalchemy.url is not set: set "
                                                 "SEATSHARE_DATABASE_URL"):
        main({}, **settings)


def test_every_request_is_of_one_class_carrying_the_request_properties(app):
    """Pyramid would give each request a class of its own to carry the
    properties ``add_request_method`` registers (``dbsession``, ``tm``,
    ``oauth_server``...); they are the request class's, made once at
    start, and still computed once per request."""
    from webob import Request as WebObRequest

    classes = []
    for _ in range(2):
        context = app.request_context(WebObRequest.blank("/healthz").environ)
        request = context.begin()
        try:
            classes.append(type(request))
            assert request.dbsession is request.dbsession
            assert request.tm is request.tm
            assert "dbsession" in vars(request)
        finally:
            context.end()
    assert classes[0] is classes[1]
    assert {"dbsession", "tm", "oauth_server", "effective_principals"} <= set(vars(classes[0]))


def test_pyramid_notifies_no_event_on_a_request(app):
    """While no event subscriber is registered, Pyramid skips the five
    events of every request (NewRequest, BeforeTraversal, ContextFound,
    BeforeRender, NewResponse): HEAD's safety (``seatshare.head``) and the
    pages' headers (``seatshare.web.headers``) are tweens instead."""
    assert app.registry.has_listeners is False
