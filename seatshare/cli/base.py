"""What every command shares: its outcome, its errors, its environment."""
import argparse
import dataclasses

from sqlalchemy.exc import ArgumentError

from ..models import get_engine, get_session_factory
from ..models.engine import NoSQLiteFile
from ..settings import database_setting


class CommandError(Exception):
    """Bad input or state: reported on one line, with a nonzero exit."""


class Interrupted(CommandError):
    """Ctrl-C in a command that commits on its own: the message says what was kept."""


@dataclasses.dataclass
class Outcome:
    """What a command did: ``record`` for ``--json``, ``text`` for people."""

    record: dict
    text: str


class Environment:
    """The settings, and a database session opened on first use."""

    def __init__(self, config_uri, settings, stderr, creates_database=False):
        self.config_uri = config_uri
        # Only `db upgrade` may create a SQLite file: any other command on a
        # mistyped path would leave an empty database there.
        self.creates_database = creates_database
        self.settings = settings
        self.stderr = stderr
        self._engine = None
        self._session = None

    @property
    def config_file(self):
        return self.config_uri.split("#", 1)[0]

    @property
    def dbsession(self):
        if self._session is None:
            try:
                # Only `db upgrade` creates a SQLite file, private.
                self._engine = get_engine(self.settings, creates=self.creates_database)
            except ArgumentError as exc:  # unparsable, or an unknown dialect
                raise CommandError(f"sqlalchemy.url: {exc}") from None
            except NoSQLiteFile as missing:
                raise CommandError(missing.said(
                    database_setting(self.settings, self.config_file), self.config_uri)) from None
            self._session = get_session_factory(self._engine)()
        return self._session

    def commit(self):
        if self._session is not None:
            self._session.commit()

    def close(self):
        if self._session is not None:
            self._session.rollback()
            self._session.close()
        if self._engine is not None:
            self._engine.dispose()


class KeepLineBreaksFormatter(argparse.HelpFormatter):
    """Wraps a one-line description; keeps a text written in lines (an
    epilog's table) as it is."""

    def _fill_text(self, text, width, indent):
        if "\n" not in text:
            return super()._fill_text(text, width, indent)
        return "".join(indent + line for line in text.splitlines(keepends=True))


class StoreOnce(argparse._StoreAction):
    """An option that takes one value refuses a second: argparse keeps the
    last one silently, and `--entity-id 3 … --entity-id 1` would import into
    entity 1. Such an option has no default: None until given (a default
    of 5 would look the same as a 5 given once)."""

    def __init__(self, option_strings, dest, default=None, **kwargs):
        assert default is None, f"{dest}: an option given once has no default"
        super().__init__(option_strings, dest, default=default, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        # Still None (argparse sets the default before parsing): not given yet.
        if option_string and getattr(namespace, self.dest, None) is not None:
            raise argparse.ArgumentError(
                self, "given twice: give it once (nothing was done)")
        super().__call__(parser, namespace, values, option_string)


class ProgressLine:
    """``label: done/total unit`` (``events``) on stderr: redrawn in place
    on a terminal, and one final line either way, or, ``terminal_only``,
    none elsewhere (a command cron runs: its stderr is for errors, which
    cron mails). Used as a context manager: the final line when the work
    is done; when it fails (Ctrl-C, a database error), the line drawn so far
    is ended, so the error starts a line of its own."""

    def __init__(self, stream, label, unit, terminal_only=False):
        self.stream = stream
        self.label = label
        self.unit = unit
        self.interactive = stream.isatty()
        self.silent = terminal_only and not self.interactive
        self.last = (0, 0)

    def __call__(self, done, total):
        self.last = (done, total)
        if self.interactive:
            self.stream.write(f"\r{self.label}: {done}/{total} {self.unit}")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self.finish()
        elif self.interactive and self.last != (0, 0):
            self.stream.write("\n")
            self.stream.flush()

    def finish(self):
        if self.silent:
            return
        done, total = self.last
        prefix = "\r" if self.interactive else ""
        self.stream.write(f"{prefix}{self.label}: {done}/{total} {self.unit}\n")
        self.stream.flush()


class CommandGroups:
    """The command groups (``app``, ``db`` …) under the console script, and
    every command's parser recorded as it is added: ``seatshare --help``
    lists them in that order, each by its own usage."""

    def __init__(self, subparsers):
        self._subparsers = subparsers
        self.commands = []

    @property
    def names(self) -> tuple:
        """The groups' names, in the order they were added: argparse's own record."""
        return tuple(self._subparsers.choices)

    def add_group(self, name, help) -> "CommandGroup":
        parser = self._subparsers.add_parser(name, help=help)
        return CommandGroup(
            self, parser.add_subparsers(dest="command", metavar="COMMAND", required=True))


class CommandGroup:
    """One group's commands (``app create``, ``app list`` …)."""

    def __init__(self, groups, subparsers):
        self._groups = groups
        self._subparsers = subparsers

    def add_command(self, name, run, help, epilog=None):
        """A leaf command: every one takes ``--json``. ``epilog``, shown
        after the options by ``--help``, keeps its line breaks."""
        parser = self._subparsers.add_parser(
            name,
            help=help,
            description=help,
            epilog=epilog,
            formatter_class=KeepLineBreaksFormatter,
        )
        parser.set_defaults(run=run)
        for action in (None, "store"):  # argparse's default action, by both its names
            parser.register("action", action, StoreOnce)
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object on stdout"
        )
        self._groups.commands.append(parser)
        return parser
