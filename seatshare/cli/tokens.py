"""``tokens purge``: delete expired authorization codes and tokens."""
from ..oauth.maintenance import purge_expired
from ..settings import number
from .base import Outcome, ProgressLine


def register(groups):
    commands = groups.add_group("tokens", help="OAuth codes and tokens")
    commands.add_command("purge", purge,
                         "delete expired codes and tokens, email-undo links used or expired, "
                         "and sign-in attempts older than a day (or than "
                         "seatshare.signin_window_seconds when longer)")


def purge(args, env):
    window = number(env.settings, "seatshare.signin_window_seconds")
    # At a terminal only: cron runs it daily, and mails what it writes on stderr.
    with ProgressLine(env.stderr, "Purging expired rows", "tables",
                      terminal_only=True) as progress:
        counts = purge_expired(env.dbsession, signin_window_seconds=window, progress=progress)
    summary = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
    return Outcome(counts, f"Purged {summary}.")
