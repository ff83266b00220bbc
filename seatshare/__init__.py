"""SeatShare: share season tickets with friends."""
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from sqlalchemy.exc import ArgumentError

from .mail import start_queue_sender
from .models.engine import NoSQLiteFile
from .models.revision import RECORDS_REVISION, check_revision
from .paths import redact_every_log_record
from .request_class import fold_request_properties
from .resources import Root
from .preflight import check_server_settings
from .settings import BadSettings, apply_environment, database_named, database_setting, describe


class Refused(ConfigurationError, SystemExit):
    """Settings the server cannot start with, one message each. Still a
    ConfigurationError to whoever calls ``main``; uncaught, as under
    ``pserve``, it ends the process like ``sys.exit(message)``: each
    message on a line of its own and exit status 1, without the traceback
    above them."""

    def __init__(self, *messages):
        super().__init__("\n".join(messages))
        self.code = "\n".join(f"seatshare: cannot start: {message}" for message in messages)


class RefusedURL(ArgumentError, Refused):
    """An unusable ``sqlalchemy.url``: the ArgumentError its parser raised."""


def main(global_config, **settings):
    """The WSGI application: ``pserve development.ini`` calls this. A
    setting it cannot start with is one line (``Refused``), and every one
    is named."""
    try:
        return make_app(global_config, settings)
    except ArgumentError as exc:
        raise RefusedURL(describe(exc)) from None
    except BadSettings as exc:
        url_refused = any(isinstance(error, ArgumentError) for error in exc.errors)
        raise (RefusedURL if url_refused else Refused)(
            *(describe(error) for error in exc.errors)) from None
    except ConfigurationError as exc:
        if type(exc) is not ConfigurationError:
            raise  # Pyramid's own, about the code (a conflict): its traceback helps
        raise Refused(str(exc)) from None


def make_app(global_config, settings):
    redact_every_log_record()
    settings = apply_environment(settings)
    check_server_settings(settings)
    config_file = global_config.get("__file__")
    try:
        config = configure(settings)
    except NoSQLiteFile as missing:  # only `db upgrade` creates one
        raise ConfigurationError(missing.said(database_setting(settings, config_file),
                                              config_file or "CONFIG")) from None
    fold_request_properties(config.registry)
    config.registry[RECORDS_REVISION] = check_revision(config.registry["dbengine"],
                                                       config_file or "CONFIG",
                                                       database_named(settings, config_file))
    app = config.make_wsgi_app()
    start_queue_sender(app.registry)
    return app


def configure(settings) -> Configurator:
    """The application's configuration, committed."""
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
    return config
