"""Where a committed message goes when it is not sent over SMTP.

Both classes stand in for ``repoze.sendmail``'s ``SMTPMailer``: pyramid_mailer
hands them ``send(from, to, message)`` from its transaction data manager, so
the debug and testing mailers are exactly as transactional as SMTP is — a
message reaches them only when its transaction commits.
"""
import dataclasses
import email
import email.message
import email.policy
import logging
import os
import smtplib
import uuid

from pyramid.exceptions import ConfigurationError
from repoze.sendmail.mailer import TLS_NotAvailable

from .. import models

log = logging.getLogger(__name__)


def private_folder(path: str, setting_name: str, subfolders: tuple[str, ...] = ()) -> None:
    """Make the folder ``path`` (and its ``subfolders``) if need be, and keep
    it to the server's own user (0700), whatever the umask and however it was
    made before: the messages in it carry invitation codes, password-reset
    and email-undo links. A folder that cannot be made or narrowed (one that
    belongs to another user, say) is a ConfigurationError naming
    ``setting_name``: the server would lose every message."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
        for sub in subfolders:
            os.makedirs(os.path.join(path, sub), mode=0o700, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(
            f"{setting_name} {path!r} cannot be used: {exc.strerror}") from None


class FolderMailer:
    """Development: each message becomes one ``.eml`` file in a folder,
    private to the server's user as the SMTP queue is."""

    def __init__(self, folder: str):
        private_folder(folder, "mail.debug_path")
        self.folder = folder

    def send(self, fromaddr, toaddrs, message):
        stamp = models.utcnow().strftime("%Y%m%dT%H%M%S")
        path = os.path.join(self.folder, f"{stamp}-{uuid.uuid4().hex[:8]}.eml")
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                  "w", encoding="utf-8") as f:
            f.write(message.as_string())


@dataclasses.dataclass(frozen=True)
class DeliveredMail:
    """A message as a recipient would read it."""

    sender: str
    recipients: tuple[str, ...]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()


class OutboxMailer:
    """Tests: committed messages are appended to ``outbox``."""

    def __init__(self):
        self.outbox: list[DeliveredMail] = []

    def send(self, fromaddr, toaddrs, message):
        # Parse the wire form back, as a mail client would.
        parsed = email.message_from_string(message.as_string(), policy=email.policy.default)
        self.outbox.append(DeliveredMail(fromaddr, tuple(toaddrs), parsed))


# repoze.sendmail's refusal to send in plain text (mail.tls = true) to a
# server whose EHLO offers no STARTTLS: the server's setup, not the message.
NO_STARTTLS = "does not offer STARTTLS, which mail.tls = true requires"


def server_address(smtp_mailer) -> str:
    """``host:port`` of the SMTP server: which one could not be reached."""
    return f"{smtp_mailer.hostname}:{smtp_mailer.port}"


class AfterCommitTransport:
    """A transport that pyramid_mailer sends through when the transaction
    commits (no queue): in the commit's last phase, after the database
    committed. A failure then (the SMTP server down, the disk full) cannot
    undo the change, so it is logged, naming the recipients, rather than
    raised, which would answer a saved change with a 500 (a client would
    then try it again) and cut the commit's last phase short."""

    def __init__(self, transport):
        self.transport = transport

    def send(self, fromaddr, toaddrs, message):
        try:
            self.transport.send(fromaddr, toaddrs, message)
        except TLS_NotAvailable:
            log.error("mail to %s not sent (the change it tells of was saved): the SMTP "
                      "server at %s %s", ", ".join(toaddrs), server_address(self.transport),
                      NO_STARTTLS)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("mail to %s not sent (the change it tells of was saved): %s: %s",
                      ", ".join(toaddrs), type(exc).__name__, exc)
