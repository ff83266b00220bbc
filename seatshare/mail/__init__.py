"""Transactional mail: pyramid_mailer joined to each request's transaction.

``get_mailer(request).send(message)`` joins ``request.tm``: the message goes
out when the transaction commits, and an aborted request (an error, a 4xx
raised from a view, a retried conflict) sends nothing. ``mail.mailer`` picks
where committed messages go:

* ``smtp``: the SMTP server in ``mail.host``/``port``/``username``/``password``/``tls``;
* ``debug``: one ``.eml`` file per message in the folder ``mail.debug_path``;
* ``testing``: an in-memory list, ``outbox(registry)``, for the tests.
"""
from pyramid.exceptions import ConfigurationError
from pyramid_mailer import get_mailer  # noqa: F401  (the one way to reach the mailer)
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.mailer import Mailer

from .delivery import DeliveredMail, FolderMailer, OutboxMailer  # noqa: F401
from .messages import (  # noqa: F401
    mail_invitation,
    mail_request_answer,
    mail_request_withdrawn,
    mail_ticket_request,
)

MAILERS = ("smtp", "debug", "testing")


def build_mailer(settings) -> Mailer:
    """The mailer ``mail.mailer`` names, every kind sending on commit only."""
    kind = settings.get("mail.mailer", "smtp")
    sender = settings.get("mail.default_sender")
    if not sender:
        raise ConfigurationError("mail.default_sender is required")
    if kind == "smtp":
        # Blank ini values mean "not set", not "the empty string".
        given = {k: v for k, v in settings.items() if k.startswith("mail.") and v != ""}
        return Mailer.from_settings(given, prefix="mail.")
    if kind == "debug":
        folder = settings.get("mail.debug_path")
        if not folder:
            raise ConfigurationError("mail.mailer = debug needs mail.debug_path")
        return Mailer(smtp_mailer=FolderMailer(folder), default_sender=sender)
    if kind == "testing":
        return Mailer(smtp_mailer=OutboxMailer(), default_sender=sender)
    raise ConfigurationError(f"mail.mailer must be one of {', '.join(MAILERS)}, not {kind!r}")


def outbox(registry) -> list[DeliveredMail]:
    """The messages committed so far, with ``mail.mailer = testing``."""
    transport = registry.getUtility(IMailer).smtp_mailer
    if not isinstance(transport, OutboxMailer):
        raise RuntimeError("outbox() needs mail.mailer = testing")
    return transport.outbox


def includeme(config):
    config.registry.registerUtility(build_mailer(config.get_settings()), IMailer)
