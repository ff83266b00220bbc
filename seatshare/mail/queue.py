"""Mail over SMTP through a queue on disk, so that no request waits for (or
fails with) the SMTP server.

With ``mail.queue_path`` set, a committed message is written to that maildir
(pyramid_mailer's ``send_to_queue``: written beside the request, moved into
the queue only when its transaction commits), and a thread in each server
process sends what the queue holds every ``mail.queue_send_interval``
seconds. While the server cannot be reached, a message stays queued and the
wait doubles, up to ``MAX_INTERVAL``, so the log gets one line per message
per attempt, not one every few seconds. A permanent refusal (an SMTP 5xx)
sets the message aside as ``.rejected-…`` in the queue, for an operator to
read. ``mail.queue_send_interval = 0`` starts no thread: something else
(cron running repoze.sendmail's ``qp``, say) empties the queue.

The sending is this module's own rather than repoze.sendmail's
``QueueProcessor``, which (4.5) reads its own lock and reject files back as
messages, and after a failed attempt leaves its lock for three hours before
trying the message again.
"""
import email
import email.header
import errno
import logging
import os
import smtplib
import threading
import time

from pyramid_mailer import get_mailer
from pyramid_mailer.interfaces import IMailer

from ..settings import seconds

log = logging.getLogger(__name__)

MAX_INTERVAL = 300.0
# A lock older than this belongs to a process that died while sending.
STALE_LOCK_SECONDS = 3600
LOCK, REJECTED = ".sending-", ".rejected-"


def next_interval(interval: float, current: float, messages_left: bool) -> float:
    """How long to wait before the next pass: ``interval`` after a pass that
    emptied the queue, twice the last wait (at most MAX_INTERVAL) after one
    that could not."""
    if not messages_left:
        return interval
    return min(max(current, interval) * 2, max(MAX_INTERVAL, interval))


def _address_header(message, name):
    value = message[name]
    del message[name]
    if value is None:
        return ""
    return str(email.header.make_header(email.header.decode_header(value)))


def permanent_refusal(exc: smtplib.SMTPException) -> str | None:
    """The server's answer when ``exc`` is a refusal for good (5xx), else
    None. Every recipient refused at RCPT (the usual "no such mailbox") is
    raised as SMTPRecipientsRefused, which carries one answer per recipient,
    not a code of its own: it is for good only when each of them is."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        if answers and all(500 <= code <= 599 for code, _ in answers):
            return "; ".join(f"{code} {_text(error)}" for code, error in answers)
        return None
    if isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code <= 599:
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return None


def _text(error) -> str:
    return error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)


class MailQueue:
    """The maildir ``path`` as a queue: its messages, and sending them with
    ``smtp_mailer`` (repoze.sendmail's ``SMTPMailer``), each message once
    however many processes send at the same time (a hard link is the lock)."""

    def __init__(self, smtp_mailer, path: str):
        self.smtp_mailer = smtp_mailer
        self.folders = [os.path.join(path, "new"), os.path.join(path, "cur")]

    def messages(self) -> list[str]:
        """The queued messages' files, oldest first; never a lock or a
        rejected message (their names start with a dot)."""
        found = [os.path.join(folder, name) for folder in self.folders
                 for name in os.listdir(folder) if not name.startswith(".")]
        return sorted(found, key=lambda f: os.stat(f).st_mtime if os.path.exists(f) else 0)

    def send_all(self) -> bool:
        """Try every queued message once; whether some are still queued."""
        for path in self.messages():
            self.send_one(path)
        return bool(self.messages())

    def send_one(self, path: str) -> None:
        folder, name = os.path.split(path)
        lock = os.path.join(folder, LOCK + name)
        if not self._lock(path, lock):
            return
        try:
            with open(path, encoding="utf-8") as f:
                message = email.message_from_file(f)
            sender = _address_header(message, "X-Actually-From")
            recipients = [a.strip() for a in _address_header(message, "X-Actually-To").split(",")
                          if a.strip()]
            try:
                self.smtp_mailer.send(sender, recipients, message)
            except smtplib.SMTPException as exc:
                refusal = permanent_refusal(exc)
                if refusal is None:
                    raise
                log.error("mail to %s refused for good (%s); kept as %s",
                          ", ".join(recipients), refusal, REJECTED + name)
                os.replace(path, os.path.join(folder, REJECTED + name))
                return
            _remove(path)
            log.info("mail to %s sent", ", ".join(recipients))
        except (OSError, smtplib.SMTPException) as exc:
            log.error("mail not sent yet, kept in the queue: %s: %s",
                      type(exc).__name__, exc)
        finally:
            _remove(lock)

    @staticmethod
    def _lock(path: str, lock: str) -> bool:
        """Take the message's lock, a hard link to it, made after touching
        the message (so the lock's age is this attempt's: a link shares its
        file's times). False when another process holds a lock younger than
        STALE_LOCK_SECONDS (an older one is a dead process's, and broken),
        or when the message is gone."""
        try:
            if time.time() - os.stat(lock).st_mtime <= STALE_LOCK_SECONDS:
                return False
            _remove(lock)
        except FileNotFoundError:
            pass
        try:
            os.utime(path)
            os.link(path, lock)
        except (FileExistsError, FileNotFoundError):
            return False
        return True


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise


class QueueSender(threading.Thread):
    """Sends the queued messages, pass after pass, until ``stop()``."""

    def __init__(self, smtp_mailer, queue_path: str, interval: float):
        super().__init__(name="seatshare-mail-queue", daemon=True)
        self.queue = MailQueue(smtp_mailer, queue_path)
        self.interval = interval
        self.stopping = threading.Event()

    def send_pass(self) -> bool:
        """Try every queued message once; whether some are still queued."""
        try:
            return self.queue.send_all()
        except Exception:  # a pass must never end the thread
            log.exception("sending the mail queue failed")
            return True

    def run(self):
        wait = self.interval
        while not self.stopping.wait(wait):
            wait = next_interval(self.interval, wait, self.send_pass())

    def stop(self):
        self.stopping.set()


def send(request, message) -> None:
    """Send ``message`` when the request's transaction commits: into the
    queue when the mailer has one, else straight to its transport."""
    mailer = get_mailer(request)
    if mailer.queue_delivery is not None:
        mailer.send_to_queue(message)
    else:
        mailer.send(message)


def start_queue_sender(registry) -> QueueSender | None:
    """The thread that empties the mail queue, when there is one to empty
    and ``mail.queue_send_interval`` is not 0; else None."""
    mailer = registry.getUtility(IMailer)
    interval = seconds(registry.settings, "mail.queue_send_interval", zero_means="no sender")
    if mailer.queue_delivery is None or not interval:
        return None
    sender = QueueSender(mailer.smtp_mailer, mailer.queue_path, interval)
    sender.start()
    return sender
