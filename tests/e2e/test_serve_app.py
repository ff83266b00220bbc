"""The live server's own fixture: it stops waitress without a race."""
import pytest
import requests
import waitress

from .conftest import serve_new_database

pytestmark = pytest.mark.live


def test_the_trigger_is_closed_only_after_every_worker_thread_stopped(tmp_path, monkeypatch):
    """A worker thread pulls the server's trigger (writes to its pipe) when
    it finishes a request: with the trigger closed first, a late pull raised
    EBADF in that thread once, after a test had passed."""
    workers_at_close = []
    create_server = waitress.create_server

    def recording_create_server(app, **settings):
        server = create_server(app, **settings)
        close_trigger = server.trigger.close

        def close():
            workers_at_close.append(set(server.task_dispatcher.threads))
            close_trigger()

        server.trigger.close = close
        return server

    monkeypatch.setattr(waitress, "create_server", recording_create_server)
    with serve_new_database("sqlite", str(tmp_path)) as server:
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
    # (Closed twice: as one of the sockets, and by the server's own close.)
    assert workers_at_close and all(workers == set() for workers in workers_at_close)
