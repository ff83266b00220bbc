"""``user create``: an account, held to the sign-up page's rules."""
import getpass
import sys

import colander

from ..models import User
from ..passwords import passwords_from_settings
from ..services.users import email_claim
from ..web.forms import SignUpForm
from .base import CommandError, Outcome


def register(groups):
    commands = groups.add_group("user", help="user accounts")
    create_parser = commands.add_command("create", create, "create a user account")
    create_parser.add_argument(
        "--email", required=True,
        help="the address the user signs in with; one account per address, in any case",
    )
    create_parser.add_argument(
        "--password",
        help="the password; without it, asked for twice on a terminal, or read "
             "from the first line of standard input (out of shell history and "
             "the process list)",
    )
    create_parser.add_argument("--first-name", required=True, help="as the user's groups see it")
    create_parser.add_argument("--last-name", required=True, help="as the user's groups see it")


def create(args, env):
    values = validated(
        email=args.email,
        password=args.password if args.password is not None else read_password(),
        first_name=args.first_name,
        last_name=args.last_name,
    )
    dbsession = env.dbsession
    refuse_claimed_email(dbsession, values["email"])
    user = User(
        email=values["email"],
        password_hash=passwords_from_settings(env.settings).hash(values["password"]),
        first_name=values["first_name"],
        last_name=values["last_name"],
    )
    dbsession.add(user)
    dbsession.flush()
    record = {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }
    text = f"Created user {user.id}: {user.first_name} {user.last_name} <{user.email}>."
    return Outcome(record, text)


def refuse_claimed_email(dbsession, email: str) -> None:
    """An account has ``email``, or an email change that can still be
    undone keeps it for the account it was changed away from."""
    claim = email_claim(dbsession, email)
    if claim is None:
        return
    user_id, reserved_until = claim
    if reserved_until is None:
        raise CommandError(f"a user with email {email} already exists (id {user_id})")
    raise CommandError(
        f"{email} is reserved until {reserved_until:%Y-%m-%d %H:%M:%S} UTC: an application "
        f"changed user {user_id}'s email away from it, and the link mailed to it can "
        "still undo that")


def read_password(stdin=None) -> str:
    """The password typed twice at a terminal (not echoed), or the first
    line piped in: ``printf '%s\\n' "$PW" | seatshare … user create …``."""
    stdin = stdin or sys.stdin
    if stdin is None:  # closed (`<&-`): Python has no sys.stdin
        raise CommandError("no --password, and standard input is closed: "
                           "nothing to read it from")
    if stdin.isatty():
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password again: ")
        except EOFError:  # Ctrl-D at the prompt
            raise CommandError("no password typed") from None
        if again != password:
            raise CommandError("the two passwords differ")
        return password
    try:
        line = stdin.readline()
        line.encode("utf-8")  # a byte the locale kept as a lone surrogate
    except (UnicodeDecodeError, UnicodeEncodeError):
        raise CommandError("the password on standard input is not UTF-8 text (is the "
                           "terminal's encoding UTF-8?); nothing was written") from None
    if not line:
        raise CommandError("no --password, and nothing on standard input to read it from")
    return line.removesuffix("\n").removesuffix("\r")


def validated(**fields):
    try:
        return SignUpForm().deserialize(fields)
    except colander.Invalid as exc:
        problems = "; ".join(
            f"--{name.split('.')[-1].replace('_', '-')}: {message}"
            for name, message in exc.asdict().items()
        )
        raise CommandError(problems) from None
