"""mail.queue_path: with SMTP, a committed message is queued on disk and a
thread sends it, so a request neither waits for the SMTP server nor fails
with it, and nothing is lost while the server is down."""
import fcntl
import os
import smtplib
import socket
import subprocess
import sys
import threading
import time

import pytest
from pyramid.exceptions import ConfigurationError
from repoze.sendmail.maildir import Maildir
from repoze.sendmail.mailer import SMTPMailer

from seatshare import main
from seatshare.mail.queue import (
    ABANDONED_SECONDS, MAX_INTERVAL, MailQueue, QueuePass, QueueSender, next_interval,
)
from tests import factories

from .conftest import SENDER
from .test_smtp import smtp_server  # noqa: F401


def closed_port() -> int:
    """A loopback port nobody listens on: the SMTP server is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def down_settings(queue_path, **extra):
    return {"mail.mailer": "smtp", "mail.host": "127.0.0.1", "mail.port": str(closed_port()),
            "mail.queue_path": str(queue_path), "mail.queue_send_interval": "0", **extra}


def queued(queue_path) -> list[str]:
    return list(Maildir(str(queue_path), create=True))


def sender_for(server, queue_path, interval=5.0):
    host, port = server.server_address
    return QueueSender(SMTPMailer(hostname=host, port=port, no_tls=True), str(queue_path),
                       interval)


def test_a_committed_message_is_queued_while_the_smtp_server_is_down(mail_app, tmp_path):
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    assert client.get("/commits").text == "sent"
    assert len(queued(tmp_path / "queue")) == 1


def test_an_aborted_request_queues_nothing(mail_app, tmp_path):
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/fails", status=400)
    assert queued(tmp_path / "queue") == []


def test_a_retried_request_queues_its_message_once(mail_app, tmp_path):
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/retry")
    assert len(queued(tmp_path / "queue")) == 1


def test_the_sender_delivers_the_queue_and_empties_it(mail_app, smtp_server, tmp_path):
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    client.get("/commits")
    sender = sender_for(smtp_server, tmp_path / "queue")
    assert sender.send_pass() is False  # nothing left
    assert [(s, r, m["Subject"]) for s, r, m in smtp_server.received] == [
        ("no-reply@seatshare.invalid", ["ana@example.com"], "Hello")] * 2
    assert queued(tmp_path / "queue") == []


def test_while_the_server_is_down_messages_stay_queued(mail_app, tmp_path, caplog):
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    port = closed_port()
    sender = QueueSender(SMTPMailer(hostname="127.0.0.1", port=port, no_tls=True),
                         str(tmp_path / "queue"), 5.0)
    assert sender.send_pass() is True
    assert len(queued(tmp_path / "queue")) == 1
    # Which server: a wrong mail.host or mail.port is the usual cause.
    assert (f"mail not sent yet, kept in the queue: the SMTP server at 127.0.0.1:{port} "
            "cannot be reached: ConnectionRefusedError") in caplog.text
    assert sender.send_pass() is True  # tried again at once: no lock left behind
    assert caplog.text.count("mail not sent yet") == 2


def test_the_thread_sends_what_is_queued(mail_app, smtp_server, tmp_path):
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    sender = sender_for(smtp_server, tmp_path / "queue", interval=0.05)
    sent = threading.Event()
    deliver = sender.queue.smtp_mailer.send
    sender.queue.smtp_mailer.send = lambda *args: (deliver(*args), sent.set())
    sender.start()
    try:
        client.get("/commits")
        assert sent.wait(10), "the queued message was not sent"
    finally:
        sender.stop()
        sender.join(10)
    assert not sender.is_alive()
    assert len(smtp_server.received) == 1 and queued(tmp_path / "queue") == []


def test_the_wait_doubles_while_messages_stay_and_resets_when_they_are_sent():
    assert next_interval(5, 5, messages_left=True) == 10
    assert next_interval(5, 10, messages_left=True) == 20
    assert next_interval(5, 200, messages_left=True) == MAX_INTERVAL
    assert next_interval(5, MAX_INTERVAL, messages_left=True) == MAX_INTERVAL
    assert next_interval(5, MAX_INTERVAL, messages_left=False) == 5


def test_the_app_queues_and_answers_while_the_smtp_server_is_down(app_settings, tmp_path,
                                                                    session_factory, dbsession,
                                                                    monkeypatch):
    """The reset page mails a link; with the SMTP server down it still
    answers 200, the same as for an unknown email, and the link waits in
    the queue."""
    from webtest import TestApp

    app = main({}, **{**app_settings, **down_settings(tmp_path / "queue")})
    monkeypatch.setitem(app.registry, "dbsession_factory", session_factory)
    client = TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    user = factories.make_user()
    for email in (user.email, "nobody@example.com"):
        form = client.get("/password-reset").forms["password-reset"]
        form["email"] = email
        assert "we have sent it a link" in form.submit(status=200).text
    [message] = queued(tmp_path / "queue")
    with open(message) as f:
        assert f"/password-reset/{user.id}-" in f.read()
    app.registry["dbengine"].dispose()


def senders():
    return {t for t in threading.enumerate() if t.name == "seatshare-mail-queue"}


@pytest.mark.parametrize("extra, threads", [
    ({"mail.queue_send_interval": "0"}, 0),
    ({"mail.queue_send_interval": "3"}, 1),
    ({"mail.queue_send_interval": "3", "mail.queue_path": ""}, 0),  # no queue
])
def test_the_server_starts_a_sender_only_with_a_queue_and_an_interval(app_settings, tmp_path,
                                                                        extra, threads):
    before = senders()
    app = main({}, **{**app_settings, **down_settings(tmp_path / "queue"), **extra})
    started = senders() - before
    for thread in started:
        thread.stop()
        thread.join(10)
    app.registry["dbengine"].dispose()
    assert len(started) == threads


@pytest.mark.parametrize("setting, value", [
    ("mail.queue_send_interval", "soon"),
    ("mail.queue_send_interval", "-1"),
    ("mail.queue_path", "/dev/null/queue"),
])
def test_a_bad_queue_setting_refuses_to_start(app_settings, tmp_path, setting, value):
    settings = {**app_settings, **down_settings(tmp_path / "queue"), setting: value}
    with pytest.raises(ConfigurationError, match=setting):
        main({}, **settings)


class FakeMailer:
    """An SMTPMailer stand-in: records, or fails with ``error``."""

    hostname, port = "smtp.invalid", 587

    def __init__(self, error=None):
        self.sent, self.error = [], error

    def send(self, sender, recipients, message):
        if self.error:
            raise self.error
        self.sent.append((sender, recipients, message["Subject"]))


def test_a_permanent_refusal_sets_the_message_aside_once(mail_app, tmp_path, caplog):
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    refusing = FakeMailer(smtplib.SMTPResponseException(550, b"no such mailbox"))
    queue = MailQueue(refusing, str(tmp_path / "queue"))
    assert queue.send_all() == QueuePass(rejected=1, left=0)
    assert "refused for good (550" in caplog.text
    rejected = [n for n in os.listdir(tmp_path / "queue" / "new") if n.startswith(".rejected-")]
    assert len(rejected) == 1 and queue.messages() == []
    working = FakeMailer()
    MailQueue(working, str(tmp_path / "queue")).send_all()
    assert working.sent == []  # a rejected message is not read as a new one


@pytest.mark.parametrize("answer, set_aside", [
    ("550 5.1.1 no such mailbox", True),
    ("450 4.2.0 mailbox busy, try later", False),
])
def test_a_recipient_refused_at_rcpt_is_for_good_only_with_a_5xx(mail_app, smtp_server, tmp_path,
                                                                 caplog, answer, set_aside):
    """"No such mailbox" comes at RCPT, raised by smtplib as
    SMTPRecipientsRefused (no SMTP code of its own): with a 5xx the message
    is set aside, not retried every few minutes for ever."""
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    smtp_server.rcpt_answer = answer
    sender = sender_for(smtp_server, tmp_path / "queue")
    assert sender.send_pass() is not set_aside
    rejected = [n for n in os.listdir(tmp_path / "queue" / "new") if n.startswith(".rejected-")]
    assert len(rejected) == int(set_aside)
    assert smtp_server.received == []
    if set_aside:
        assert "refused for good (550 5.1.1 no such mailbox)" in caplog.text
    else:
        assert "mail not sent yet, kept in the queue: SMTPRecipientsRefused" in caplog.text


HOLD_LOCK = """
import fcntl, sys, time
f = open(sys.argv[1], "rb")
fcntl.flock(f, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


def test_a_message_another_sender_holds_is_left_to_it_until_that_sender_dies(mail_app,
                                                                             tmp_path):
    """Another process sending the message holds its lock: this one leaves
    it. When that process is killed mid-send, the system releases the lock
    and the next pass sends the message (it used to wait an hour)."""
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    [path] = queued(tmp_path / "queue")
    other = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, path], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert other.stdout.readline() == "locked\n"
        mailer = FakeMailer()
        queue = MailQueue(mailer, str(tmp_path / "queue"))
        assert queue.send_all() == QueuePass(left=1) and mailer.sent == []
    finally:
        other.kill()
        other.wait()
    assert queue.send_all() == QueuePass(sent=1, left=0)
    assert mailer.sent == [(SENDER, ["ana@example.com"], "Hello")]
    assert os.listdir(os.path.dirname(path)) == []


def test_a_message_another_sender_sent_while_this_one_waited_is_not_sent_again(
    mail_app, tmp_path, monkeypatch
):
    """This process opened the message; another one sent and removed it
    before this one took the lock: the lock is this process's, but the
    message has left the queue, and it is not sent twice."""
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    [path] = queued(tmp_path / "queue")
    real_flock = fcntl.flock

    def other_sender_first(f, operation):
        os.unlink(path)  # the other process sent it, then released its lock
        return real_flock(f, operation)

    monkeypatch.setattr(fcntl, "flock", other_sender_first)
    mailer = FakeMailer()
    assert MailQueue(mailer, str(tmp_path / "queue")).send_one(path) is None
    assert mailer.sent == []


def test_the_envelope_comes_from_the_queue_not_the_headers(mail_app, tmp_path):
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    mailer = FakeMailer()
    MailQueue(mailer, str(tmp_path / "queue")).send_all()
    [(sender, recipients, _)] = mailer.sent
    assert (sender, recipients) == (SENDER, ["ana@example.com"])


def test_the_queue_is_private_to_the_servers_user(app_settings, folders_made_wide):
    """Queued messages carry reset links and invitation codes: nobody else
    on the machine may list or read them, whatever the umask, and a queue
    folder made earlier with wider permissions is narrowed."""
    for queue in folders_made_wide:
        app = main({}, **{**app_settings, **down_settings(queue)})
        app.registry["dbengine"].dispose()
        assert os.stat(queue).st_mode & 0o777 == 0o700, queue


def test_a_pass_stops_at_the_first_message_that_finds_the_server_unreachable(mail_app,
                                                                           tmp_path):
    """Each further message would only wait for the same timeout."""
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    for _ in range(3):
        client.get("/commits")
    down = FakeMailer(ConnectionRefusedError(111, "Connection refused"))
    calls = []
    send = down.send
    down.send = lambda *args: (calls.append(args), send(*args))
    assert MailQueue(down, str(tmp_path / "queue")).send_all() == QueuePass(
        unreachable=1, left=3,
        problem="cannot be reached: ConnectionRefusedError: [Errno 111] Connection refused")
    assert len(calls) == 1
    hung_up = FakeMailer(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    assert MailQueue(hung_up, str(tmp_path / "queue")).send_all().unreachable == 1


def test_a_message_sent_meanwhile_by_another_process_is_left_out(mail_app, tmp_path,
                                                                  monkeypatch):
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    client.get("/commits")
    queue = MailQueue(FakeMailer(), str(tmp_path / "queue"))
    first, second = queue.messages()
    listdir = os.listdir

    def listed_then_removed(folder):
        names = listdir(folder)
        if os.path.exists(first):
            os.remove(first)  # sent by another process between listing and stat
        return names

    monkeypatch.setattr(os, "listdir", listed_then_removed)
    assert queue.messages() == [second]


def test_a_pass_removes_what_a_crashed_process_left_half_written(mail_app, tmp_path):
    """A message is written in tmp/ and moved into the queue on commit; a
    process that died in between leaves its file there, with whatever
    reset link it carried. A pass removes such files once they are a day
    and a half old (the maildir convention), and leaves younger ones, which
    may still be being written."""
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    tmp = tmp_path / "queue" / "tmp"
    abandoned, writing = tmp / "1.crashed", tmp / "2.writing"
    abandoned.write_text("half a message")
    writing.write_text("half a message")
    old = time.time() - ABANDONED_SECONDS - 60
    os.utime(abandoned, (old, old))
    mailer = FakeMailer()
    assert MailQueue(mailer, str(tmp_path / "queue")).send_all() == QueuePass(sent=1, left=0)
    assert sorted(os.listdir(tmp)) == ["2.writing"]


def test_a_server_without_starttls_keeps_the_queue_with_one_line(mail_app, smtp_server, tmp_path,
                                                                   caplog):
    """mail.tls = true and a server that offers no STARTTLS: not the
    message's fault, so it stays queued, the pass stops, and the log says
    why in one line, not a traceback every pass."""
    client, _ = mail_app(**down_settings(tmp_path / "queue"))
    client.get("/commits")
    client.get("/commits")
    host, port = smtp_server.server_address
    sender = QueueSender(SMTPMailer(hostname=host, port=port, force_tls=True),
                         str(tmp_path / "queue"), 5.0)
    assert sender.send_pass() is True
    assert len(queued(tmp_path / "queue")) == 2
    assert smtp_server.received == []
    [record] = [r for r in caplog.records if r.name == "seatshare.mail.queue"]
    assert record.getMessage() == (
        f"mail not sent yet, kept in the queue: the SMTP server at {host}:{port} does not "
        "offer STARTTLS, which mail.tls = true requires")
    assert record.exc_info is None
