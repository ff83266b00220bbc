"""The ini files' ``[server:main]`` runner: waitress, saying where it serves,
and how often requests wait for a thread without a line for each.

waitress says "Serving on ..." at INFO through its own logger, which
production.ini, quiet at WARN, does not show: once it was serving, an
operator saw nothing at all. This runner starts the same server and says,
in one line through ``seatshare.server`` (which production.ini lets
through at INFO), where it listens and with how many threads.
"""
import logging
from functools import partial

import waitress

from .repeats import Repeats

log = logging.getLogger(__name__)

# waitress's logger and line for a request that finds every thread busy.
QUEUE_LOGGER = "waitress.queue"
QUEUE_DEPTH = "Task queue depth is %d"


class QueueDepthSummary(logging.Filter):
    """waitress warns "Task queue depth is N" each time a request finds no
    idle thread: under load, a line for nearly every request, thousands a
    minute. The sign matters (the server needs more threads or processes),
    its repetition does not: one line goes through per interval
    (``Repeats``), saying how many were held back since the one before and
    how deep the queue got."""

    def __init__(self):
        super().__init__()
        self.repeats = Repeats()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != QUEUE_DEPTH:
            return True  # anything else waitress says there
        (depth,) = record.args
        note = self.repeats.note(QUEUE_DEPTH, depth, "the queue at most %d deep")
        if note is None:
            return False
        record.msg = f"{QUEUE_DEPTH % depth}: requests wait for a free thread {note}"
        record.args = ()
        return True


def summarize_queue_depth():
    """``QueueDepthSummary`` on waitress's queue logger, once per process."""
    queue_log = logging.getLogger(QUEUE_LOGGER)
    if not any(isinstance(f, QueueDepthSummary) for f in queue_log.filters):
        queue_log.addFilter(QueueDepthSummary())


def server_factory(global_conf=None, **settings):
    """A PasteDeploy server factory, named by ``call:`` (``use =
    call:seatshare.server:server_factory``) so that no entry point, and no
    reinstall, is needed: pserve hands the app to ``serve``."""
    return partial(serve, **settings)


def serve(app, **settings):
    """What ``egg:waitress#main`` runs, with ``listening`` in the log first
    and waitress's queue depth summed up (``QueueDepthSummary``)."""
    server = waitress.create_server(app, **settings)
    summarize_queue_depth()
    log.info("%s", listening(server))
    server.run()
    return 0


def listening(server) -> str:
    """``serving on http://0.0.0.0:6543 with 8 threads``: every address the
    server bound (one per interface family), and its worker threads."""
    addresses = getattr(server, "effective_listen", None) or [
        (server.effective_host, server.effective_port)]
    urls = []
    for host, port in addresses:
        if host == "unix":  # waitress's name for a Unix socket, whose path is the "port"
            urls.append(f"unix:{port}")
        else:
            urls.append(f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}")
    threads = server.adj.threads
    return f"serving on {' and '.join(urls)} with {threads} thread{'s' if threads != 1 else ''}"
