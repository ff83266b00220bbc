"""``mail send``: the queue sent once from the command line."""
import os

from pyramid_mailer.message import Message
import pytest
from repoze.sendmail.delivery import QueuedMailDelivery
import transaction

from seatshare.mail import private_queue

from ..mail.test_smtp import smtp_server  # noqa: F401


def queue_messages(queue_path, count):
    """``count`` messages committed into the queue, as a request would."""
    manager = transaction.TransactionManager()
    delivery = QueuedMailDelivery(str(queue_path), transaction_manager=manager)
    with manager:
        for n in range(count):
            message = Message(subject=f"Hello {n}", sender="no-reply@seatshare.invalid",
                              recipients=["ana@example.com"], body="Hi").to_message()
            delivery.send("no-reply@seatshare.invalid", ["ana@example.com"], message)


def mail_ini(ini, queue_path, port):
    with open(ini) as f:
        text = f.read()
    text = text.replace(
        "[app:main]\n",
        "[app:main]\nmail.mailer = smtp\nmail.host = 127.0.0.1\n"
        f"mail.port = {port}\nmail.tls = false\nmail.queue_path = {queue_path}\n"
        "mail.default_sender = no-reply@seatshare.invalid\n", 1)
    with open(ini, "w") as f:
        f.write(text)
    return ini


def test_mail_send_sends_the_queue_and_says_how_many(seatshare, ini, tmp_path, smtp_server):
    queue = tmp_path / "queue"
    private_queue(str(queue))
    queue_messages(queue, 2)
    mail_ini(ini, queue, smtp_server.server_address[1])
    run = seatshare("mail", "send", "--json")
    assert run.code == 0, run.err
    assert run.json == {"sent": 2, "rejected": 0, "failed": 0, "left": 0}
    assert sorted(m["Subject"] for _, _, m in smtp_server.received) == ["Hello 0", "Hello 1"]
    again = seatshare("mail", "send")
    assert again.out == "0 sent, 0 refused for good (kept as .rejected-…), 0 left in the queue.\n"


def test_mail_send_with_the_server_down_fails_and_keeps_the_queue(seatshare, ini, tmp_path,
                                                                   caplog):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    queue = tmp_path / "queue"
    private_queue(str(queue))
    queue_messages(queue, 3)
    mail_ini(ini, queue, closed)
    run = seatshare("mail", "send")
    assert run.code == 1
    # One line, with the reason: the queue's log line (the server's thread
    # logs it) would say it a second time.
    assert run.err == (f"seatshare: error: the SMTP server at 127.0.0.1:{closed} cannot be "
                       "reached: ConnectionRefusedError: [Errno 111] Connection refused; "
                       "3 message(s) wait in the queue (0 sent)\n")
    assert [r for r in caplog.records if r.name == "seatshare.mail.queue"] == []
    assert len([n for n in os.listdir(queue / "new") if not n.startswith(".")]) == 3


def test_mail_send_to_a_server_without_starttls_says_so(seatshare, ini, tmp_path, smtp_server,
                                                        caplog):
    queue = tmp_path / "queue"
    private_queue(str(queue))
    queue_messages(queue, 2)
    port = smtp_server.server_address[1]
    mail_ini(ini, queue, port)
    with open(ini) as f:
        text = f.read().replace("mail.tls = false", "mail.tls = true")
    with open(ini, "w") as f:
        f.write(text)
    run = seatshare("mail", "send", "--json")
    assert run.code == 1 and run.out == ""
    assert run.err == (
        f"seatshare: error: the SMTP server at 127.0.0.1:{port} does not offer STARTTLS, "
        "which mail.tls = true requires; 2 message(s) wait in the queue (0 sent)\n")
    assert [r for r in caplog.records if r.name == "seatshare.mail.queue"] == []


def test_mail_send_without_a_queue_says_so(seatshare, ini, tmp_path):
    mail_ini(ini, "", 25)  # smtp, mail.queue_path blank: sent while requests commit
    run = seatshare("mail", "send")
    assert run.code == 1
    assert run.err == (f"seatshare: error: {ini} sets no mail.queue_path: mail is sent "
                       "while each request commits, so there is no queue to send\n")


def test_mail_send_with_another_mailer_names_it(seatshare, ini, tmp_path):
    """development.ini's debug mailer writes files and keeps no queue, even
    with a mail.queue_path, which only smtp uses."""
    with open(ini) as f:
        text = f.read()
    with open(ini, "w") as f:
        f.write(text.replace("[app:main]\n", "[app:main]\nmail.mailer = debug\n"
                             f"mail.debug_path = {tmp_path / 'mail'}\n"
                             f"mail.queue_path = {tmp_path / 'queue'}\n"
                             "mail.default_sender = no-reply@seatshare.invalid\n", 1))
    run = seatshare("mail", "send")
    assert run.code == 1
    assert run.err == (f"seatshare: error: {ini} sets mail.mailer = debug: only smtp "
                       "sends through a queue, so there is no queue to send\n")


def test_mail_send_without_a_sender_is_one_line(seatshare, ini):
    run = seatshare("mail", "send")
    assert run.code == 1
    assert run.err == f"seatshare: error: {ini}: mail.default_sender is required\n"


@pytest.mark.parametrize("queued_meanwhile", [0, 3])
def test_mail_send_interrupted_says_what_was_sent_not_that_nothing_was(
        seatshare, ini, tmp_path, smtp_server, monkeypatch, queued_meanwhile):
    """Ctrl-C after the first message went out: it stays sent, and the
    others stay queued; "nothing was written" would be false. The servers
    go on queueing meanwhile: what left the queue is counted as this pass
    sent it, not from two listings of a folder others write to."""
    from seatshare.mail.queue import MailQueue

    queue = tmp_path / "queue"
    private_queue(str(queue))
    queue_messages(queue, 3)
    mail_ini(ini, queue, smtp_server.server_address[1])
    real = MailQueue.send_one
    calls = []

    def interrupted_on_the_second(self, path):
        calls.append(path)
        if len(calls) == 1:
            queue_messages(queue, queued_meanwhile)  # a server commits some meanwhile
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, path)

    monkeypatch.setattr(MailQueue, "send_one", interrupted_on_the_second)
    run = seatshare("mail", "send", "--json")
    assert run.code == 130 and run.out == ""
    assert run.err == ("seatshare: error: interrupted; 1 message(s) left the queue (sent, or "
                       f"set aside as refused), {2 + queued_meanwhile} wait in it for the next "
                       "send\n")
    assert len(smtp_server.received) == 1
