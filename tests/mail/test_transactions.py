"""A message goes out only when its transaction commits, whichever mailer."""
import os

import pytest
import transaction
from pyramid.exceptions import ConfigurationError
from pyramid_mailer.message import Message

from seatshare import main
from seatshare.mail import build_mailer, outbox
from seatshare.settings import apply_environment

from .conftest import SENDER


def test_mail_is_sent_when_the_request_commits(mail_app):
    client, registry = mail_app()
    client.get("/commits")
    [mail] = outbox(registry)
    assert mail.subject == "Hello"
    assert mail.to == "ana@example.com"
    assert mail.body.strip() == "Hi Ana"
    assert mail.sender == SENDER


def test_aborted_request_sends_no_mail(mail_app):
    client, registry = mail_app()
    response = client.get("/fails", status=400)
    assert response.text == "refused"
    assert outbox(registry) == []


def test_a_retried_request_sends_its_mail_once(mail_app):
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


def test_debug_mailer_writes_one_file_per_committed_message(mail_app, tmp_path):
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


def test_debug_mailer_folder_is_private_to_the_servers_user(mail_app, folders_made_wide):
    """Each file holds a message as sent: reset links, invitation codes,
    email-undo links. Nobody else on the machine (a shared development
    host) may list or read them, whatever the umask, as with the SMTP
    queue; a folder made earlier with wider permissions is narrowed."""
    for folder in folders_made_wide:
        client, _ = mail_app(**{"mail.mailer": "debug", "mail.debug_path": str(folder)})
        assert os.stat(folder).st_mode & 0o777 == 0o700, folder
        client.get("/commits")
        [written] = folder.iterdir()
        assert os.stat(written).st_mode & 0o077 == 0, written


@pytest.mark.parametrize("settings, setting_name", [
    ({"mail.mailer": "debug"}, "mail.debug_path"),
    ({"mail.mailer": "smtp", "mail.host": "127.0.0.1", "mail.port": "25"}, "mail.queue_path"),
], ids=["debug folder", "smtp queue"])
def test_a_mail_folder_that_cannot_be_made_private_refuses_to_start(
        app_settings, tmp_path, monkeypatch, settings, setting_name):
    """A folder that exists but belongs to another user cannot be narrowed
    to 0700: the server refuses to start with a message naming the setting,
    not a PermissionError traceback."""
    folder = tmp_path / "mail"
    folder.mkdir()

    def chmod(path, mode, **kwargs):
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr(os, "chmod", chmod)
    with pytest.raises(ConfigurationError,
                       match=f"^{setting_name} '{folder}' cannot be used: "
                             "Operation not permitted$"):
        main({}, **{**app_settings, **settings, setting_name: str(folder)})


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
    smtp = build_mailer(settings).smtp_mailer.transport  # sent after the commit, no queue
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
    smtp = build_mailer(settings).smtp_mailer.transport  # sent after the commit, no queue
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
