"""``seatshare CONFIG_URI COMMAND …``: the operator's console script.

Each command group is one module with a ``register(subparsers)`` function;
every command returns an :class:`Outcome` and runs in one transaction that
is committed only when the command succeeds. Bad input raises
:class:`CommandError`: one line on stderr, exit status 1, nothing written.
"""
import argparse
import configparser
import json
import os
import sys

from plaster import PlasterError
from pyramid.exceptions import ConfigurationError
from pyramid.paster import get_appsettings, setup_logging
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)

from ..models.engine import COMMAND_LOCK_WAIT_SECONDS, first_line
from ..models.revision import is_missing_table
from ..schemas.types import is_storable_text
from ..paths import redact_every_log_record
from ..preflight import check_command_settings
from ..settings import apply_environment, describe
from . import app, db, entity, mail, schedule, tokens, user
from .base import (
    CommandError,
    CommandGroups,
    Environment,
    Interrupted,
    KeepLineBreaksFormatter,
)

COMMAND_GROUPS = (db, user, app, entity, schedule, tokens, mail)
# What `seatshare --help` says after the list of commands, which is built
# from their own parsers; the exit statuses and what an error leaves are
# README's to tell, in one place.
COMMANDS_NOTE = """\
Each takes --json: one JSON object on stdout. Exit status 0 when done,
another on an error (said on stderr): README's "The operator's command
line" says which, and what an error or Ctrl-C leaves written.
More: seatshare CONFIG_URI COMMAND SUBCOMMAND --help
"""
# The exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells use.
INTERRUPTED = 130

# What reading a config file that is not a usable ini file raises: no such
# section or app (PasteDeploy's LookupError, an unknown egg's ImportError), no
# loader for its scheme, bad ini syntax, broken logging sections.
CONFIG_ERRORS = (configparser.Error, LookupError, ImportError, ValueError, PlasterError)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="seatshare",
        description="Operate a SeatShare site: database, users, OAuth "
        "applications and tokens, entities and their schedules, the mail queue. "
        "Every command takes --json to print one JSON object.",
        formatter_class=KeepLineBreaksFormatter,
    )
    parser.add_argument("config_uri", metavar="CONFIG_URI", help="e.g. development.ini")
    groups = CommandGroups(
        parser.add_subparsers(dest="group", metavar="COMMAND", required=True))
    for module in COMMAND_GROUPS:
        module.register(groups)
    parser.command_names = frozenset(groups.names)
    usages = "".join(f"  {command_usage(parser, command)}\n" for command in groups.commands)
    parser.epilog = f"commands:\n{usages}\n{COMMANDS_NOTE}"
    return parser


def command_usage(parser, command):
    """A command's usage on one line, as its own parser has it, without
    the options every command takes (``app create --name NAME
    --redirect-uri URI [--public] [--trusted]``)."""
    # On one line: argparse wraps a long usage at the terminal's width.
    usage = " ".join(command.format_usage().split())
    usage = usage.removeprefix(f"usage: {parser.prog} CONFIG_URI ")
    return usage.replace(" [-h] [--json]", "")


def parse_arguments(parser, argv):
    """The arguments; ``seatshare app list`` (the config file forgotten)
    says so, where argparse took "app" for the file and refused "list"."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in parser.command_names and not os.path.exists(argv[0]):
        parser.error(f"{argv[0]} is a command, not a config file: name the config file "
                     f"first (seatshare CONFIG_URI {' '.join(argv)})")
    # Every command takes --json; written before the command (`seatshare
    # CONFIG --json app list`), only the command's own parser knows it.
    options = argv[: argv.index("--")] if "--" in argv else argv
    if "--json" in options:
        argv = [arg for arg in options if arg != "--json"] + ["--json"] + argv[len(options):]
    return parser.parse_args(argv)


def load_settings(config_uri):
    config_file = config_uri.split("#", 1)[0]
    try:
        with open(config_file):
            pass
    except OSError as exc:
        raise CommandError(f"cannot read {config_file}: {exc.strerror}") from None
    redact_every_log_record()
    try:
        setup_logging(config_uri)
        settings = dict(get_appsettings(config_uri))
    except CONFIG_ERRORS as exc:
        detail = f"no {exc}" if isinstance(exc, KeyError) else first_line(exc)
        raise CommandError(f"cannot use {config_uri} as a config file: {detail}") from None
    settings = apply_environment(settings)
    check_command_settings(settings)
    return settings


# Arguments that name files: opened, never stored, so any bytes will do.
PATH_ARGUMENTS = ("config_uri", "file")


def not_utf8(args) -> str | None:
    """What to call the first argument that is not UTF-8 text: a terminal in
    another encoding passes "é" as one byte, which Python keeps as a lone
    surrogate (PEP 383) that no database can store. Shown with its bytes,
    but for a password."""
    for name, value in vars(args).items():
        if name in PATH_ARGUMENTS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not is_storable_text(item):
                if name == "password":
                    return "the password"
                try:
                    raw = item.encode("utf-8", "surrogateescape")
                except UnicodeEncodeError:  # not from bytes: a surrogate of its own
                    return ascii(item)
                return "'" + raw.decode("utf-8", "backslashreplace") + "'"
    return None


def main(argv=None, stdout=None, stderr=None):
    stdout = stdout or sys.stdout
    # Closed (`2>&-`), sys.stderr is None, and print(file=None) would put
    # the error on stdout, where a script reads the JSON object.
    stderr = stderr or sys.stderr or open(os.devnull, "w")
    args = parse_arguments(build_parser(), argv)
    if stdout is None:  # closed (`>&-`): what the command prints would be lost
        return fail(stderr, "standard output is closed: nothing was done (redirect it "
                            "to /dev/null to discard what the command prints)")
    shown = not_utf8(args)
    if shown is not None:
        return fail(stderr, f"{shown} is not UTF-8 text (is the terminal's encoding UTF-8?); "
                            "nothing was written")
    env = None
    committing = False
    try:
        env = Environment(args.config_uri, load_settings(args.config_uri), stderr,
                          creates_database=args.run is db.upgrade)
        outcome = args.run(args, env)
        committing = True
        env.commit()
    except KeyboardInterrupt:
        # Before the commit, closing the session rolls everything back.
        if committing:
            return fail(stderr, "interrupted while committing: the change may or may "
                                "not have been saved", INTERRUPTED)
        return fail(stderr, "interrupted; nothing was written", INTERRUPTED)
    except Interrupted as exc:
        return fail(stderr, str(exc), INTERRUPTED)
    except CommandError as exc:
        return fail(stderr, str(exc))
    except (ConfigurationError, ArgumentError) as exc:
        # Settings the command reads are unusable: one line names each.
        for line in describe(exc).splitlines():
            code = fail(stderr, f"{args.config_uri}: {line}")
        return code
    except (OperationalError, InterfaceError, ProgrammingError) as exc:
        # A migrated database behind the code lacks the newer tables too:
        # its revision says more than "no such table".
        mismatch = db.schema_mismatch(env) if args.run is not db.upgrade else None
        if mismatch:
            return fail(stderr, f"database error: {first_line(exc)}; {mismatch}")
        if first_line(exc) == "database is locked":
            return fail(stderr, "database error: database is locked: another process kept "
                                f"SQLite's write lock for {COMMAND_LOCK_WAIT_SECONDS} "
                                "seconds (a server's write, or "
                                "another seatshare command's); run the command again")
        if is_missing_table(exc):
            return fail(stderr, f"the database has no SeatShare tables yet ({first_line(exc)}); "
                                f"run: seatshare {args.config_uri} db upgrade")
        return fail(stderr, "database error: " + first_line(exc))
    except IntegrityError as exc:
        # Another writer got there first (a unique name or email, say).
        return fail(stderr, "conflicts with the data in the database: " + first_line(exc))
    except DataError as exc:
        # A value the database cannot store (PostgreSQL refuses NUL, say).
        return fail(stderr, "the database refused a value: " + first_line(exc))
    finally:
        if env is not None:
            env.close()
    output = json.dumps(outcome.record, default=str) if args.json else outcome.text
    try:
        # One write, line end included: unbuffered (PYTHONUNBUFFERED=1),
        # print() writes the line end on its own, which `| head -1` may
        # have left by then.
        stdout.write(output + "\n")
        stdout.flush()
    except BrokenPipeError:
        # (`… | head -c 0`.) Python would flush stdout again on exit and fail
        # once more: point the descriptor at /dev/null.
        if stdout is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        return fail(stderr, "standard output was closed: the command ran and committed, "
                            "but what it printed was lost")
    return 0


def fail(stderr, message, code=1):
    print(f"seatshare: error: {message}", file=stderr)
    return code
