"""A message goes out only when its transaction commits, whichever mailer."""
import pytest
import transaction
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message
from pyramid_retry import RetryableException
from webtest import TestApp

from seatshare.mail import build_mailer, outbox
from seatshare.settings import apply_environment

SENDER = "SeatShare <no-reply@seatshare.invalid>"


class Conflict(RetryableException):
    pass


def mail_app(**settings):
    """A bare Pyramid app with the real pyramid_tm, pyramid_retry and mail wiring."""
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
        get_mailer(request).send(
            Message(subject="Hello", recipients=["ana@example.com"], body="Hi Ana")
        )

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


def test_mail_is_sent_when_the_request_commits():
    client, registry = mail_app()
    client.get("/commits")
    [mail] = outbox(registry)
    assert mail.subject == "Hello"
    assert mail.to == "ana@example.com"
    assert mail.body.strip() == "Hi Ana"
    assert mail.sender == SENDER


def test_aborted_request_sends_no_mail():
    client, registry = mail_app()
    response = client.get("/fails", status=400)
    assert response.text == "refused"
    assert outbox(registry) == []


def test_a_retried_request_sends_its_mail_once():
    client, registry = mail_app()
    client.get("/retry")
    assert len(outbox(registry)) == 1


def test_mail_outside_a_request_waits_for_its_transaction_manager():
    """The CLI's way: bind the mailer to its own transaction manager."""
    tm = transaction.TransactionManager(explicit=True)
    mailer = build_mailer({"mail.mailer": "testing", "mail.default_sender": SENDER})
    bound = mailer.bind(transaction_manager=tm)
    message = Message(subject="Later", recipients=["ben@example.com"], body="Hi")

    tm.begin()
    bound.send(message)
    assert mailer.smtp_mailer.outbox == []
    tm.abort()
    assert mailer.smtp_mailer.outbox == []

    with tm:
        bound.send(message)
    assert [m.subject for m in mailer.smtp_mailer.outbox] == ["Later"]


def test_debug_mailer_writes_one_file_per_committed_message(tmp_path):
    folder = tmp_path / "mail"
    client, _ = mail_app(**{"mail.mailer": "debug", "mail.debug_path": str(folder)})
    client.get("/fails", status=400)
    assert list(folder.iterdir()) == []

    client.get("/commits")
    [written] = folder.iterdir()
    assert written.suffix == ".eml"
    text = written.read_text()
    assert "Subject: Hello" in text
    assert "To: ana@example.com" in text


def test_smtp_mailer_takes_its_settings_and_the_password_from_the_environment():
    settings = apply_environment(
        {
            "mail.mailer": "smtp",
            "mail.default_sender": SENDER,
            "mail.host": "smtp.example.com",
            "mail.port": "587",
            "mail.username": "seatshare",
            "mail.password": "",
            "mail.tls": "true",
        },
        environ={"SEATSHARE_MAIL_PASSWORD": "from-the-environment"},
    )
    smtp = build_mailer(settings).smtp_mailer
    assert (smtp.hostname, smtp.port) == ("smtp.example.com", 587)
    assert (smtp.username, smtp.password) == ("seatshare", "from-the-environment")
    assert smtp.force_tls is True


def test_smtp_mailer_without_a_login_does_not_authenticate():
    settings = {
        "mail.mailer": "smtp",
        "mail.default_sender": SENDER,
        "mail.host": "localhost",
        "mail.port": "25",
        "mail.username": "",
        "mail.password": "",
    }
    smtp = build_mailer(settings).smtp_mailer
    assert smtp.username is None and smtp.password is None


@pytest.mark.parametrize(
    "settings",
    [
        {"mail.mailer": "carrier-pigeon", "mail.default_sender": SENDER},
        {"mail.mailer": "debug", "mail.default_sender": SENDER, "mail.debug_path": ""},
        {"mail.mailer": "testing", "mail.default_sender": ""},
    ],
    ids=["unknown mailer", "debug without a folder", "no sender"],
)
def test_bad_mail_settings_refuse_to_start(settings):
    with pytest.raises(ConfigurationError):
        build_mailer(settings)
