"""The ini files' ``[server:main]`` runner: waitress, saying where it serves,
and how often requests wait for a thread without a line for each.

waitress says "Serving on ..." at INFO through its own logger, which
production.ini, quiet at WARN, does not show: once it was serving, an
operator saw nothing at all. This runner starts the same server and says,
in one line through ``seatshare.server`` (which production.ini lets
through at INFO), where it listens and with how many threads.
"""
import logging
import threading
import time
from functools import partial

import waitress

log = logging.getLogger(__name__)

# waitress's logger and line for a request that finds every thread busy.
QUEUE_LOGGER = "waitress.queue"
QUEUE_DEPTH = "Task queue depth is %d"
# Seconds between two of those lines, at the least.
QUEUE_LOG_INTERVAL = 60


def now() -> float:
    return time.monotonic()


class QueueDepthSummary(logging.Filter):
    """waitress warns "Task queue depth is N" each time a request finds no
    idle thread: under load, a line for nearly every request, thousands a
    minute. The sign matters (the server needs more threads or processes),
    its repetition does not: one line goes through per interval, saying how
    many were held back since the one before and how deep the queue got.
    A burst's count is told with the next line, whenever the queue next
    forms."""

    def __init__(self, interval: float = QUEUE_LOG_INTERVAL):
        super().__init__()
        self.interval = interval
        self.lock = threading.Lock()
        self.logged_at = None
        self.held = self.deepest = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != QUEUE_DEPTH:
            return True  # anything else waitress says there
        (depth,) = record.args
        with self.lock:
            moment = now()
            if self.logged_at is not None and moment - self.logged_at < self.interval:
                self.held += 1
                self.deepest = max(self.deepest, depth)
                return False
            held, deepest, since = self.held, self.deepest, self.logged_at
            self.logged_at, self.held, self.deepest = moment, 0, 0
        if held:
            record.msg = (QUEUE_DEPTH + ": requests wait for a free thread (%d more in the %d s "
                          "since the last such line, the queue at most %d deep)")
            record.args = (depth, held, round(moment - since), deepest)
        else:
            record.msg = (QUEUE_DEPTH + ": requests wait for a free thread (logged at most "
                          "once every %d s, with how many more there were)")
            record.args = (depth, self.interval)
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
