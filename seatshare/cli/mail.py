"""``mail send``: send the mail queue once, as each server's thread does."""

from ..mail import build_mailer, private_queue
from ..mail.delivery import server_address
from ..mail.queue import MailQueue, QueuePass
from .base import CommandError, Interrupted, Outcome


def register(groups):
    commands = groups.add_group("mail", help="the outgoing mail queue")
    commands.add_command(
        "send", send,
        "send the messages waiting in mail.queue_path once (as the server's sending "
        "thread does; for mail.queue_send_interval = 0, run it from cron)",
    )


def send(args, env):
    mailer = build_mailer(env.settings)
    if mailer.queue_delivery is not None:
        private_queue(mailer.queue_path)
    kind = env.settings.get("mail.mailer", "smtp")
    if kind != "smtp":
        raise CommandError(f"{env.config_file} sets mail.mailer = {kind}: only smtp sends "
                           "through a queue, so there is no queue to send")
    if mailer.queue_delivery is None:
        raise CommandError(f"{env.config_file} sets no mail.queue_path: mail is sent while "
                           "each request commits, so there is no queue to send")
    # The error below says why the server took nothing: not the log too.
    queue = MailQueue(mailer.smtp_mailer, mailer.queue_path, log_server_problems=False)
    done = QueuePass()
    try:
        queue.send_all(done)
    except KeyboardInterrupt:
        # Unlike a database write, a message sent stays sent. Counted as
        # sent, not from the folder, which the servers write to meanwhile.
        left = len(queue.messages())
        raise Interrupted(f"interrupted; {done.sent + done.rejected} message(s) left the queue "
                          f"(sent, or set aside as refused), {left} wait in it for the next send"
                          ) from None
    if done.unreachable:
        raise CommandError(f"the SMTP server at {server_address(mailer.smtp_mailer)} "
                           f"{done.problem}; {done.left} message(s) wait in the queue "
                           f"({done.sent} sent)")
    record = {"sent": done.sent, "rejected": done.rejected, "failed": done.failed,
              "left": done.left}
    text = (f"{done.sent} sent, {done.rejected} refused for good (kept as .rejected-…), "
            f"{done.left} left in the queue.")
    return Outcome(record, text)
