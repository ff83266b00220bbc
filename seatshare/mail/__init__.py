"""Transactional mail: pyramid_mailer joined to each request's transaction.

``get_mailer(request).send(message)`` joins ``request.tm``: the message goes
out when the transaction commits, and an aborted request (an error, a 4xx
raised from a view, a retried conflict) sends nothing. ``mail.mailer`` picks
where committed messages go:

* ``smtp``: the SMTP server in ``mail.host``/``port``/``username``/``password``/``tls``,
  through the queue in ``mail.queue_path`` when it is set (``queue.py``), so
  that a request never waits for the SMTP server or fails with it; without
  a queue, a message the server cannot take after the commit is logged and
  lost, never an error answer for a saved change (``AfterCommitTransport``);
* ``debug``: one ``.eml`` file per message in the folder ``mail.debug_path``;
* ``testing``: an in-memory list, ``outbox(registry)``, for the tests.
"""
from email.utils import parseaddr

from pyramid.exceptions import ConfigurationError
from pyramid_mailer import get_mailer  # noqa: F401  (the one way to reach the mailer)
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.mailer import Mailer

from ..settings import check_all, check_flags, whole_number
from .delivery import (  # noqa: F401
    AfterCommitTransport, DeliveredMail, FolderMailer, OutboxMailer, private_folder,
)
from .messages import (  # noqa: F401
    mail_email_changed,
    mail_group_deactivated,
    mail_invitation,
    mail_password_reset,
    mail_removed_from_group,
    mail_request_answer,
    mail_request_withdrawn,
    mail_ticket_moved,
    mail_ticket_request,
    mail_tickets_given,
    mail_tickets_gone,
)
from .queue import send, start_queue_sender  # noqa: F401

MAILERS = ("smtp", "debug", "testing")


def mailer_kind(settings) -> str:
    return settings.get("mail.mailer", "smtp")


def given_mail_settings(settings) -> dict:
    """The ``mail.`` settings given: blank ini values mean "not set", not
    "the empty string"."""
    return {k: v for k, v in settings.items() if k.startswith("mail.") and v != ""}


def check_sender(settings) -> None:
    if not settings.get("mail.default_sender"):
        raise ConfigurationError("mail.default_sender is required")


# RFC 2606's names for examples, no one's mail domain: production.ini's
# placeholder sender is one of them.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org", "example")


def is_example_address(address: str) -> bool:
    domain = parseaddr(address)[1].rpartition("@")[2].strip().rstrip(".").lower()
    return any(domain == example or domain.endswith("." + example)
               for example in EXAMPLE_DOMAINS)


def check_sender_is_real(settings) -> None:
    """An SMTP mailer does not send from an example address, such as
    production.ini's placeholder: the SMTP server refuses such mail, or the
    receiving servers bounce it or file it as spoofed (the domain's SPF and
    DMARC do not name this server), and every invitation and password-reset
    link is lost without a word in the log."""
    sender = settings.get("mail.default_sender")
    if mailer_kind(settings) == "smtp" and sender and is_example_address(sender):
        raise ConfigurationError(
            f"mail.default_sender {sender!r} is an example address, whose mail is bounced "
            "or refused as spoofed: set it to an address of your own domain that "
            "the SMTP server (mail.host) may send from")


def check_mailer_kind(settings) -> None:
    kind = mailer_kind(settings)
    if kind not in MAILERS:
        raise ConfigurationError(f"mail.mailer must be one of {', '.join(MAILERS)}, "
                                 f"not {kind!r}")


def check_smtp_port(settings) -> None:
    given = given_mail_settings(settings)
    if mailer_kind(settings) == "smtp" and "mail.port" in given:
        # pyramid_mailer's int() of "smtp" named no setting.
        whole_number(given, "mail.port", unit=None, maximum=65535)


def check_smtp_flags(settings) -> None:
    if mailer_kind(settings) == "smtp":
        check_flags(given_mail_settings(settings), ("mail.tls", "mail.ssl"))


def check_smtp_login(settings) -> None:
    given = given_mail_settings(settings)
    if (mailer_kind(settings) == "smtp" and "mail.username" in given
            and "mail.password" not in given):
        # repoze.sendmail logs in only with both: every message would go
        # out without logging in, for the SMTP server to refuse.
        raise ConfigurationError("mail.username is set but mail.password is not: set "
                                 "SEATSHARE_MAIL_PASSWORD to the SMTP password")


def check_debug_path(settings) -> None:
    if mailer_kind(settings) == "debug" and not settings.get("mail.debug_path"):
        raise ConfigurationError("mail.mailer = debug needs mail.debug_path")


# Every check of the mail settings, each naming one bad setting.
MAIL_CHECKS = (check_mailer_kind, check_sender, check_sender_is_real, check_smtp_port,
               check_smtp_flags, check_smtp_login, check_debug_path)


def build_mailer(settings) -> Mailer:
    """The mailer ``mail.mailer`` names, every kind sending on commit only."""
    check_all(settings, MAIL_CHECKS)
    kind = mailer_kind(settings)
    sender = settings["mail.default_sender"]
    if kind == "smtp":
        # pyramid_mailer takes the keys it knows (mail.queue_send_interval is ours).
        mailer = Mailer.from_settings(given_mail_settings(settings), prefix="mail.")
        if mailer.queue_delivery is not None:
            # The queue's sender needs the transport's errors: it keeps the message.
            return mailer
        return Mailer(smtp_mailer=AfterCommitTransport(mailer.smtp_mailer),
                      default_sender=mailer.default_sender)
    if kind == "debug":
        return Mailer(smtp_mailer=AfterCommitTransport(FolderMailer(settings["mail.debug_path"])),
                      default_sender=sender)
    return Mailer(smtp_mailer=OutboxMailer(), default_sender=sender)


def private_queue(path: str) -> None:
    """Make the maildir ``path`` (and its tmp, new and cur) if need be, and
    keep it to the server's own user (0700), whatever the umask: a queued
    message carries an invitation code or a password-reset link. A queue
    that cannot be made is a ConfigurationError: it would lose every message."""
    private_folder(path, "mail.queue_path", ("tmp", "new", "cur"))


def outbox(registry) -> list[DeliveredMail]:
    """The messages committed so far, with ``mail.mailer = testing``."""
    transport = registry.getUtility(IMailer).smtp_mailer
    if not isinstance(transport, OutboxMailer):
        raise RuntimeError("outbox() needs mail.mailer = testing")
    return transport.outbox


def includeme(config):
    settings = config.get_settings()
    mailer = build_mailer(settings)
    if mailer.queue_delivery is not None:
        private_queue(mailer.queue_path)
    config.registry.registerUtility(mailer, IMailer)
