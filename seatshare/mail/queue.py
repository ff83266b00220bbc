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
read. Processes sharing a queue send each message once: a sender holds an
exclusive ``flock`` on the message's file while it sends, which the system
releases when the process ends, so a message whose sender was killed is
sent by the next pass, not after a lock times out.
``mail.queue_send_interval = 0`` starts no thread: ``seatshare CONFIG mail
send`` (from cron, say) sends the queue instead.

The sending is this module's own rather than repoze.sendmail's
``QueueProcessor``, which (4.5) reads its own lock and reject files back as
messages, and after a failed attempt leaves its lock for three hours before
trying the message again.
"""
import contextlib
import dataclasses
import email
import email.header
import fcntl
import logging
import os
import smtplib
import threading
import time
from pathlib import Path

from pyramid_mailer import get_mailer
from pyramid_mailer.interfaces import IMailer

from repoze.sendmail.mailer import TLS_NotAvailable

from ..settings import number
from .delivery import NO_STARTTLS, server_address

log = logging.getLogger(__name__)

MAX_INTERVAL = 300.0
REJECTED = ".rejected-"
# A file this old in tmp/ was left by a process that died writing it (the
# maildir convention's 36 hours).
ABANDONED_SECONDS = 36 * 3600


def next_interval(interval: float, current: float, messages_left: bool) -> float:
    """How long to wait before the next pass: ``interval`` after a pass that
    emptied the queue, twice the last wait (at most MAX_INTERVAL) after one
    that could not."""
    if not messages_left:
        return interval
    return min(max(current, interval) * 2, max(MAX_INTERVAL, interval))


def unreachable(exc: OSError) -> bool:
    """Whether the SMTP server was not there to talk to (refused, timed
    out, hung up, refused the connection itself): not the message's fault."""
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)):
        return True
    return not isinstance(exc, smtplib.SMTPException)


@dataclasses.dataclass
class QueuePass:
    """What one pass over the queue did, and how many messages it left."""

    sent: int = 0
    rejected: int = 0
    failed: int = 0
    unreachable: int = 0
    left: int = 0
    # Why the SMTP server took nothing, with ``unreachable``: "cannot be
    # reached: ERROR" or NO_STARTTLS.
    problem: str = ""


def _address_header(message, name):
    value = message[name]
    del message[name]
    if value is None:
        return ""
    return str(email.header.make_header(email.header.decode_header(value)))


def permanent_refusal(exc: OSError) -> str | None:
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
    however many processes send at the same time (``_locked``)."""

    def __init__(self, smtp_mailer, path: str, log_server_problems: bool = True):
        self.smtp_mailer = smtp_mailer
        # Why the server took nothing, the last time it did not (the server
        # down, no STARTTLS): logged, or said by the caller (``mail send``).
        self.problem = ""
        self.log_server_problems = log_server_problems
        self.folders = [os.path.join(path, "new"), os.path.join(path, "cur")]
        self.tmp = Path(path, "tmp")

    def messages(self) -> list[str]:
        """The queued messages' files, oldest first; never a rejected
        message (its name starts with a dot). A file another
        process sends and removes meanwhile is left out."""
        found = []
        for folder in self.folders:
            for name in os.listdir(folder):
                if name.startswith("."):
                    continue
                path = os.path.join(folder, name)
                try:
                    found.append((os.stat(path).st_mtime, path))
                except FileNotFoundError:
                    pass
        return [path for _, path in sorted(found)]

    def send_all(self, done: QueuePass | None = None) -> QueuePass:
        """Try the queued messages once each, oldest first, and stop at the
        first that finds the SMTP server unreachable: the others would only
        wait for the same timeout. ``done`` counts as the pass goes, so that
        a caller interrupted midway knows what it sent."""
        self.remove_abandoned()
        done = QueuePass() if done is None else done
        for path in self.messages():
            outcome = self.send_one(path)
            if outcome is not None:
                setattr(done, outcome, getattr(done, outcome) + 1)
            if outcome == "unreachable":
                done.problem = self.problem
                break
        done.left = len(self.messages())
        return done

    def remove_abandoned(self) -> None:
        """Remove the files in tmp/ that a process died writing."""
        too_old = time.time() - ABANDONED_SECONDS
        for path in self.tmp.iterdir():
            try:
                if path.stat().st_mtime < too_old:
                    path.unlink()
                    log.warning("removed %s from the mail queue: a process died writing it",
                                path.name)
            except FileNotFoundError:
                pass

    def send_one(self, path: str) -> str | None:
        """Send one message: "sent", "rejected" (set aside), "failed" (kept
        for the next pass), "unreachable" (kept; the server did not answer),
        or None when another process is sending it or has sent it."""
        with self._locked(path) as f:
            if f is None:
                return None
            return self._send(path, f)

    def _send(self, path: str, f) -> str:
        folder, name = os.path.split(path)
        try:
            message = email.message_from_string(f.read().decode("utf-8"))
            sender = _address_header(message, "X-Actually-From")
            recipients = [a.strip() for a in _address_header(message, "X-Actually-To").split(",")
                          if a.strip()]
            try:
                self.smtp_mailer.send(sender, recipients, message)
            except TLS_NotAvailable:
                return self._server_problem(NO_STARTTLS)
            except OSError as exc:  # smtplib's errors are OSErrors too
                if unreachable(exc):
                    return self._server_problem(
                        f"cannot be reached: {type(exc).__name__}: {exc}")
                refusal = permanent_refusal(exc)
                if refusal is None:
                    raise
                log.error("mail to %s refused for good (%s); kept as %s",
                          ", ".join(recipients), refusal, REJECTED + name)
                os.replace(path, os.path.join(folder, REJECTED + name))
                return "rejected"
            Path(path).unlink(missing_ok=True)
            log.info("mail to %s sent", ", ".join(recipients))
            return "sent"
        except (OSError, smtplib.SMTPException) as exc:
            log.error("mail not sent yet, kept in the queue: %s: %s",
                      type(exc).__name__, exc)
            return "failed"

    def _server_problem(self, problem: str) -> str:
        self.problem = problem
        if self.log_server_problems:
            log.error("mail not sent yet, kept in the queue: the SMTP server at %s %s",
                      server_address(self.smtp_mailer), problem)
        return "unreachable"

    @staticmethod
    @contextlib.contextmanager
    def _locked(path: str):
        """The message's file, open and exclusively locked, or None when
        another process holds the lock or the message has left the queue.
        The lock ends with the ``with`` block, or with the process: the
        message is removed or set aside before it is released, so a process
        that opened the file earlier and gets the lock afterwards finds the
        name gone (or naming a new file) and leaves it."""
        try:
            f = open(path, "rb")
        except FileNotFoundError:
            yield None
            return
        with f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield None
                return
            try:
                still_queued = os.stat(path).st_ino == os.fstat(f.fileno()).st_ino
            except FileNotFoundError:
                still_queued = False
            yield f if still_queued else None


class QueueSender(threading.Thread):
    """Sends the queued messages, pass after pass, until ``stop()``."""

    def __init__(self, smtp_mailer, queue_path: str, interval: float):
        super().__init__(name="seatshare-mail-queue", daemon=True)
        self.queue = MailQueue(smtp_mailer, queue_path)
        self.interval = interval
        self.stopping = threading.Event()

    def send_pass(self) -> bool:
        """Try the queued messages once; whether some are still queued."""
        try:
            return self.queue.send_all().left > 0
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
    interval = number(registry.settings, "mail.queue_send_interval")
    if mailer.queue_delivery is None or not interval:
        return None
    sender = QueueSender(mailer.smtp_mailer, mailer.queue_path, interval)
    sender.start()
    return sender
