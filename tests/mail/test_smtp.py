"""mail.mailer = smtp: a committed message reaches an SMTP server; an aborted one does not.

The server is a minimal SMTP responder on a loopback port, started per test.
"""
import email
import email.policy
import re
import socketserver
import threading

import pytest


def address(command):
    """``MAIL FROM:<a@b>`` → ``a@b``."""
    return re.search(r"<([^>]*)>", command).group(1)


class FakeSMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        received = self.server.received
        self.reply("220 fake.example ESMTP")
        envelope = {"from": None, "to": []}
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-fake.example")
                self.reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                self.server.logins.append(command)
                self.reply("235 authenticated")
            elif verb == "MAIL":
                envelope["from"] = address(command)
                self.reply("250 ok")
            elif verb == "RCPT":
                answer = getattr(self.server, "rcpt_answer", "250 ok")
                if answer.startswith("2"):
                    envelope["to"].append(address(command))
                self.reply(answer)
            elif verb == "DATA":
                self.reply("354 end with .")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                received.append((envelope["from"], list(envelope["to"]), message))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeSMTPHandler)
    server.daemon_threads = True
    server.received, server.logins = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def smtp_settings(server, **extra):
    host, port = server.server_address
    return {"mail.mailer": "smtp", "mail.host": host, "mail.port": str(port), **extra}


def test_committed_request_sends_over_smtp(mail_app, smtp_server):
    client, _ = mail_app(**smtp_settings(smtp_server))
    client.get("/commits")
    [(sender, recipients, message)] = smtp_server.received
    assert sender == "no-reply@seatshare.invalid"
    assert recipients == ["ana@example.com"]
    assert message["Subject"] == "Hello"
    assert smtp_server.logins == []  # no username: no login


def test_aborted_request_sends_nothing_over_smtp(mail_app, smtp_server):
    client, _ = mail_app(**smtp_settings(smtp_server))
    client.get("/fails", status=400)
    assert smtp_server.received == []


def test_smtp_logs_in_with_the_configured_account(mail_app, smtp_server):
    client, _ = mail_app(
        **smtp_settings(smtp_server, **{"mail.username": "seatshare", "mail.password": "s3cret"})
    )
    client.get("/commits")
    assert len(smtp_server.received) == 1
    [login] = smtp_server.logins
    assert login.startswith("AUTH PLAIN")


@pytest.mark.parametrize("password", [None, ""])
def test_a_username_without_its_password_refuses_to_start(mail_app, smtp_server, password):
    """SEATSHARE_MAIL_PASSWORD forgotten: repoze.sendmail logs in only with
    both, so every message went out without logging in, for the SMTP server
    to refuse (invitations, password resets), long after the start."""
    from pyramid.exceptions import ConfigurationError

    extra = {"mail.username": "seatshare"}
    if password is not None:
        extra["mail.password"] = password
    with pytest.raises(ConfigurationError, match="^mail.username is set but mail.password "
                                                 "is not: set SEATSHARE_MAIL_PASSWORD"):
        mail_app(**smtp_settings(smtp_server, **extra))


def test_a_server_without_starttls_loses_the_mail_not_the_answer(mail_app, smtp_server, caplog):
    """mail.tls = true and a server that offers no STARTTLS: without a
    queue, the change is saved and answered as such, and the lost mail is
    one log line, as when the server is down."""
    client, _ = mail_app(**smtp_settings(smtp_server, **{"mail.tls": "true"}))
    assert client.get("/commits").text == "sent"
    assert smtp_server.received == []
    [record] = [r for r in caplog.records if "not sent" in r.getMessage()]
    assert record.getMessage().startswith(
        "mail to ana@example.com not sent (the change it tells of was saved): the SMTP "
        f"server at {smtp_server.server_address[0]}:{smtp_server.server_address[1]} does not "
        "offer STARTTLS, which mail.tls = true requires")
