"""SeatShare: share season tickets with friends."""
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from sqlalchemy.exc import ArgumentError

from .mail import start_queue_sender
from .models.revision import check_revision
from .paths import redact_url_logs
from .request_class import fold_request_properties
from .resources import Root
from .settings import apply_environment, check_flags, check_secrets


class Refused(ConfigurationError, SystemExit):
    """A setting the server cannot start with. Still a ConfigurationError
    to whoever calls ``main``; uncaught, as under ``pserve``, it ends the
    process like ``sys.exit(message)``: the message on one line and exit
    status 1, without the traceback above it."""

    def __init__(self, message):
        super().__init__(message)
        self.code = f"seatshare: cannot start: {message}"


class RefusedURL(ArgumentError, Refused):
    """An unusable ``sqlalchemy.url``: the ArgumentError its parser raised."""


def main(global_config, **settings):
    """The WSGI application: ``pserve development.ini`` calls this. A
    setting it cannot start with is one line (``Refused``)."""
    try:
        return make_app(global_config, settings)
    except ArgumentError as exc:
        raise RefusedURL(f"sqlalchemy.url: {exc}") from None
    except ConfigurationError as exc:
        if type(exc) is not ConfigurationError:
            raise  # Pyramid's own, about the code (a conflict): its traceback helps
        raise Refused(str(exc)) from None


def make_app(global_config, settings):
    settings = apply_environment(settings)
    check_secrets(settings)
    check_flags(settings)
    redact_url_logs()
    with Configurator(settings=settings, root_factory=Root) as config:
        config.include("pyramid_jinja2")
        config.include(".renderers")
        config.include(".models")
        config.include(".head")
        config.include(".mail")
        config.include(".security")
        config.include(".errors")
        config.include(".hosts")
        config.include(".resources")
        config.include(".limits")
        config.include(".web")
        config.include(".oauth")
        config.include(".views")
        config.include(".calendar")
    fold_request_properties(config.registry)
    check_revision(config.registry["dbengine"], global_config.get("__file__", "CONFIG"))
    app = config.make_wsgi_app()
    start_queue_sender(app.registry)
    return app
