"""SeatShare: share season tickets with friends."""
from pyramid.config import Configurator

from .mail import start_queue_sender
from .models.revision import check_revision
from .paths import redact_url_logs
from .resources import Root
from .settings import apply_environment, check_secrets


def main(global_config, **settings):
    """The WSGI application: ``pserve development.ini`` calls this."""
    settings = apply_environment(settings)
    check_secrets(settings)
    redact_url_logs()
    with Configurator(settings=settings, root_factory=Root) as config:
        config.include("pyramid_jinja2")
        config.include(".renderers")
        config.include(".models")
        config.include(".mail")
        config.include(".security")
        config.include(".errors")
        config.include(".hosts")
        config.include(".limits")
        config.include(".web")
        config.include(".oauth")
        config.include(".views")
        config.include(".calendar")
    check_revision(config.registry["dbengine"], global_config.get("__file__", "CONFIG"))
    app = config.make_wsgi_app()
    start_queue_sender(app.registry)
    return app
