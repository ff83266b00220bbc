"""Every setting checked before anything is built: a server (or a command)
that cannot run with its settings names every bad one at once, one line
each, where the parts of the app, each checking its own as it was built,
stopped at the first, and the operator fixed one setting per restart."""
from functools import partial

from .hosts import parse_allowed_hosts
from .mail import MAIL_CHECKS
from .models.engine import ECHO_SETTINGS, POOL_NUMBERS, check_pool_number, check_url, echo_value
from .settings import FLAGS, NUMBERS, SECRETS, check_all, check_flag, check_secret, number


def check_allowed_hosts(settings) -> None:
    parse_allowed_hosts(settings.get("seatshare.allowed_hosts"))


# What the command line reads too: the database and the numbers and flags.
COMMAND_CHECKS = (
    check_url,
    *(partial(check_pool_number, name=name) for name in POOL_NUMBERS),
    *(partial(echo_value, name=name) for name in ECHO_SETTINGS),
    *(partial(number, key=key) for key in NUMBERS),
    *(partial(check_flag, key=key) for key in FLAGS),
)
# A server needs its secrets, its host names and its mail settings besides;
# the command line checks those only where it uses them (`mail send`).
SERVER_CHECKS = (
    *COMMAND_CHECKS,
    *(partial(check_secret, key=key) for key in SECRETS),
    check_allowed_hosts,
    *MAIL_CHECKS,
)


def check_server_settings(settings) -> None:
    """Refuse (``check_all``) with every bad setting a server has."""
    check_all(settings, SERVER_CHECKS)


def check_command_settings(settings) -> None:
    """Refuse (``check_all``) with every bad setting a command has."""
    check_all(settings, COMMAND_CHECKS)
