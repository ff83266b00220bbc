"""``user create``."""
from sqlalchemy import func, select

from ..models import User
from ..passwords import passwords_from_settings
from .base import CommandError, Outcome, add_command

MIN_PASSWORD_LENGTH = 8


def register(groups):
    parser = groups.add_parser("user", help="user accounts")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    create_parser = add_command(commands, "create", create, "create a user account")
    create_parser.add_argument("--email", required=True)
    create_parser.add_argument("--password", required=True)
    create_parser.add_argument("--first-name", required=True)
    create_parser.add_argument("--last-name", required=True)


def create(args, env):
    email = args.email.strip().lower()
    if "@" not in email or any(c.isspace() for c in email) or len(email) > 254:
        raise CommandError(f"not an email address: {args.email!r}")
    if len(args.password) < MIN_PASSWORD_LENGTH:
        raise CommandError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    first_name, last_name = args.first_name.strip(), args.last_name.strip()
    if not first_name or not last_name:
        raise CommandError("first and last name must not be blank")
    dbsession = env.dbsession
    taken = dbsession.scalar(select(User.id).where(func.lower(User.email) == email))
    if taken is not None:
        raise CommandError(f"a user with email {email} already exists (id {taken})")
    user = User(
        email=email,
        password_hash=passwords_from_settings(env.settings).hash(args.password),
        first_name=first_name,
        last_name=last_name,
    )
    dbsession.add(user)
    dbsession.flush()
    record = {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }
    return Outcome(record, f"Created user {user.id}: {first_name} {last_name} <{email}>.")
