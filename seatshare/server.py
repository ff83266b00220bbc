"""The ini files' ``[server:main]`` runner: waitress, saying where it serves.

waitress says "Serving on ..." at INFO through its own logger, which
production.ini, quiet at WARN, does not show: once it was serving, an
operator saw nothing at all. This runner starts the same server and says,
in one line through ``seatshare.server`` (which production.ini alone lets
through at INFO), where it listens and with how many threads.
"""
import logging
from functools import partial

import waitress

log = logging.getLogger(__name__)


def server_factory(global_conf=None, **settings):
    """A PasteDeploy server factory, named by ``call:`` (``use =
    call:seatshare.server:server_factory``) so that no entry point, and no
    reinstall, is needed: pserve hands the app to ``serve``."""
    return partial(serve, **settings)


def serve(app, **settings):
    """What ``egg:waitress#main`` runs, with ``listening`` in the log first."""
    server = waitress.create_server(app, **settings)
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
