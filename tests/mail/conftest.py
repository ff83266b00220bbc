"""A bare Pyramid app with the real pyramid_tm, pyramid_retry and mail wiring."""
import os

import pytest
from pyramid.config import Configurator
from pyramid_mailer.message import Message
from pyramid_retry import RetryableException
from webtest import TestApp

from seatshare.mail import send as send_mail

SENDER = "SeatShare <no-reply@seatshare.invalid>"


@pytest.fixture
def folders_made_wide(tmp_path):
    """Under a umask that lets others read (022): a folder not made yet and
    one made earlier open to everyone (0755), for a mail folder the server
    must keep private however it finds it."""
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o755)
    os.chmod(existing, 0o755)
    old_umask = os.umask(0o022)
    try:
        yield tmp_path / "fresh" / "mail", existing
    finally:
        os.umask(old_umask)


@pytest.fixture
def mail_app():
    """``mail_app(**settings)``: (webtest client, registry) of an app whose
    ``/commits`` sends a mail and succeeds, ``/fails`` sends one and fails
    (a 400 from an exception view) and ``/retry`` sends one and hits a
    retryable conflict the first time."""
    return make_mail_app


class Conflict(RetryableException):
    pass


def make_mail_app(**settings):
    config = Configurator(
        settings={
            "mail.mailer": "testing",
            "mail.default_sender": SENDER,
            "tm.manager_hook": "pyramid_tm.explicit_manager",
            "retry.attempts": "2",
            **settings,
        }
    )
    config.include("pyramid_tm")
    config.include("pyramid_retry")
    config.include("seatshare.mail")
    attempts = []

    def send(request):
        send_mail(request, Message(subject="Hello", recipients=["ana@example.com"],
                                   body="Hi Ana"))

    def commits(request):
        send(request)
        return "sent"

    def fails(request):
        send(request)
        raise ValueError("something went wrong after the mail was queued")

    def conflicts_once(request):
        send(request)
        attempts.append(1)
        if len(attempts) == 1:
            raise Conflict()
        return "sent"

    def bad_request(exc, request):
        request.response.status = 400
        return "refused"

    for name, view in [("commits", commits), ("fails", fails), ("retry", conflicts_once)]:
        config.add_route(name, f"/{name}")
        config.add_view(view, route_name=name, renderer="string")
    config.add_exception_view(bad_request, context=ValueError, renderer="string")
    app = config.make_wsgi_app()
    return TestApp(app), app.registry


