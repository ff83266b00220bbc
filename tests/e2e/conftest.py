"""A live server: the real app under waitress on a free loopback port, against
a real committed database (SQLite file, or a throwaway PostgreSQL database)."""
import contextlib
import dataclasses
import os
import re
import threading
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
import waitress
from waitress import wasyncore
from sqlalchemy.orm import Session

from seatshare import main
from seatshare.models import meta
from seatshare.oauth.applications import register_application
from tests import factories
from tests.conftest import create_database, make_settings

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")
PASSWORD = factories.DEFAULT_PASSWORD


@dataclasses.dataclass
class LiveServer:
    url: str
    engine: sa.Engine

    def session(self):
        return Session(self.engine, expire_on_commit=False)

    def build(self, make):
        """Run ``make()`` with the factories bound to a session, commit, and
        return what it returned."""
        with factories.committed(self.engine):
            return make()


@contextlib.contextmanager
def serve_app(url, threads=4, **settings):
    """The app on ``url`` under waitress on a free loopback port, in a thread."""
    app = main({}, **make_settings(url, **settings))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.effective_port}", app.registry["dbengine"])
    finally:
        stop_server(server, thread)
        app.registry["dbengine"].dispose()


def stop_server(server, thread):
    """Stop a waitress server running ``server.run`` in ``thread``.

    The worker threads first: one that finishes a request pulls the
    server's trigger (writes to its pipe) to have the response sent, and
    one that did so after the trigger was closed wrote to a closed
    descriptor (EBADF in that thread), or to whatever had reused its number.
    Then the sockets, from inside the server's own loop: closing them from
    this thread races the loop's select() (EBADF in that thread). Whatever
    does not stop in time fails the test rather than linger.
    """
    server.task_dispatcher.shutdown(timeout=5)
    assert not server.task_dispatcher.threads, "a request was still running after 5 s"
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(timeout=5)
    assert not thread.is_alive(), "the server's loop did not stop"


@contextlib.contextmanager
def serve_new_database(backend, tmp_dir, threads=4, **settings):
    """``serve_app`` on a new database of ``backend`` with the whole schema,
    dropped afterwards."""
    url, drop = create_database(backend, tmp_dir)
    engine = sa.create_engine(url)
    meta.metadata.create_all(engine)
    engine.dispose()
    try:
        with serve_app(url, threads, **settings) as server:
            yield server
    finally:
        drop()


@pytest.fixture(scope="module")
def live_server(backend, tmp_path_factory):
    with serve_new_database(backend, str(tmp_path_factory.mktemp("live"))) as server:
        yield server


@dataclasses.dataclass
class Client:
    client_id: str
    client_secret: str | None
    redirect_uri: str


@pytest.fixture
def live_user(live_server):
    """A committed user whose password is ``PASSWORD``."""
    return live_server.build(factories.make_user)


@pytest.fixture
def live_client(live_server):
    """A committed confidential application whose redirect URI is on the live
    server itself (a 404 page), so a real browser can land there."""
    redirect_uri = live_server.url + "/callback"
    with live_server.session() as session:
        app, secret = register_application(session, "Courtside Companion", [redirect_uri])
        session.commit()
        return Client(app.client_id, secret, redirect_uri)


class FormParser(HTMLParser):
    """The forms of a page: {form id: (action, {field: value})}; for submit
    buttons, the field holds the list of their values."""

    def __init__(self):
        super().__init__()
        self.forms = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = attrs.get("id") or str(len(self.forms))
            self.forms[self._current] = (attrs.get("action"), {})
        elif tag in ("input", "button") and self._current is not None and attrs.get("name"):
            fields = self.forms[self._current][1]
            if tag == "button":
                fields.setdefault(attrs["name"], []).append(attrs.get("value"))
            else:
                fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_of(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def screenshot_path(name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    return os.path.join(ARTIFACTS, name)


HEX64 = re.compile(r"^[0-9a-f]{64}$")
