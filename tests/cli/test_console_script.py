"""The installed ``seatshare`` script itself: exit statuses and streams."""
import argparse
import io
import json
import logging
import os
import subprocess
import sys

import pytest

from seatshare.cli import main
from seatshare.models import Application, Entity, User

from .conftest import count

SCRIPT = os.path.join(os.path.dirname(sys.executable), "seatshare")


def run_script(*args, preexec_fn=None, **env):
    environ = {k: v for k, v in os.environ.items() if k != "SEATSHARE_DATABASE_URL"}
    environ.update(env)
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env=environ, timeout=120,
        preexec_fn=preexec_fn,
    )


def test_the_console_script_prints_json_and_exits_0(ini):
    done = run_script(ini, "entity", "create", "--name", "Riverside Rovers", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "Riverside Rovers"


def test_the_console_script_exits_1_with_one_line_on_stderr(ini):
    run_script(ini, "entity", "create", "--name", "Riverside Rovers")
    done = run_script(ini, "entity", "create", "--name", "Riverside Rovers", "--json")
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("seatshare: error: an entity named 'Riverside Rovers' already exists")


def test_a_closed_standard_output_is_one_line_on_stderr(ini):
    """`seatshare … --json | head -c 0`: the reader is gone before the
    answer is printed. The change is committed by then, so the one line says
    so, instead of a BrokenPipeError traceback."""
    environ = {k: v for k, v in os.environ.items() if k != "SEATSHARE_DATABASE_URL"}
    read, write = os.pipe()
    os.close(read)  # nobody will read what the script prints
    with os.fdopen(write, "w") as stdout:
        done = subprocess.run(
            [SCRIPT, ini, "entity", "create", "--name", "Riverside Rovers", "--json"],
            stdout=stdout, stderr=subprocess.PIPE, text=True, env=environ, timeout=120)
    assert done.returncode == 1
    assert done.stderr == ("seatshare: error: standard output was closed: the command ran "
                           "and committed, but what it printed was lost\n")
    again = run_script(ini, "entity", "create", "--name", "Riverside Rovers")
    assert "already exists" in again.stderr


def test_an_argument_that_is_not_utf8_is_one_line_and_exit_1(ini, tmp_path):
    """A terminal in Latin-1 passes "é" as the byte 0xE9, which Python keeps
    as a lone surrogate that no database can store: the command says which
    value it cannot read, instead of the driver's traceback."""
    environ = {k: v for k, v in os.environ.items() if k != "SEATSHARE_DATABASE_URL"}
    for args in (
        [b"entity", b"create", b"--name", b"Caf\xe9 Rovers"],
        [b"user", b"create", b"--email", b"cafe@example.com", b"--password",
         b"a long enough passphrase", b"--first-name", b"Ren\xe9", b"--last-name", b"Roe"],
    ):
        done = subprocess.run([SCRIPT, ini, *args], capture_output=True, env=environ,
                              timeout=120)
        assert done.returncode == 1
        [line] = done.stderr.decode().splitlines()
        assert line.startswith("seatshare: error: ")
        assert "\\xe9" in line and "UTF-8" in line
    # The path of a file may be in any encoding: it is only opened.
    schedule = tmp_path / os.fsdecode(b"sp\xe9cial.csv")
    schedule.write_text("name,start_time\nOpener,2026-04-01T23:05:00Z\n")
    created = run_script(ini, "entity", "create", "--name", "Riverside Rovers", "--json")
    entity_id = str(json.loads(created.stdout)["id"])
    done = subprocess.run(
        [SCRIPT, ini, "schedule", "import", "--entity-id", entity_id, os.fsencode(schedule)],
        capture_output=True, env=environ, timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_a_command_with_standard_output_closed_does_nothing(ini):
    """`seatshare … >&-`: Python has no sys.stdout. What the command would
    print (a client secret, say) would be lost, so it does nothing and says
    so, instead of committing and then stopping with a traceback."""
    done = run_script(ini, "entity", "create", "--name", "Riverside Rovers", "--json",
                      preexec_fn=lambda: os.close(1))
    assert done.returncode == 1
    assert done.stderr == ("seatshare: error: standard output is closed: nothing was done "
                           "(redirect it to /dev/null to discard what the command prints)\n")
    again = run_script(ini, "entity", "create", "--name", "Riverside Rovers", "--json")
    assert again.returncode == 0, again.stderr


def test_with_standard_error_closed_an_error_stays_off_standard_output(ini):
    """`seatshare … --json 2>&-`: the error line has nowhere to go, but it
    must not land on stdout, where a script reads the JSON object."""
    run_script(ini, "entity", "create", "--name", "Riverside Rovers")
    done = run_script(ini, "entity", "create", "--name", "Riverside Rovers", "--json",
                      preexec_fn=lambda: os.close(2))
    assert (done.returncode, done.stdout) == (1, "")


class UnbufferedPipeToHeadOne(io.StringIO):
    """Standard output with PYTHONUNBUFFERED=1 (as many container images
    set it) piped into `head -1`: every write() reaches the pipe at once,
    and once a line has arrived the reader is gone."""

    def write(self, text):
        if "\n" in self.getvalue():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_a_listing_piped_into_head_one_exits_0(ini):
    """What is printed goes out in one write: `app list | head -1` read
    the first line before a second write of the line end found it gone."""
    for name in ("Scoreboard", "Phone"):
        main([ini, "app", "create", "--name", name, "--redirect-uri",
              "https://client.example.com/cb"], stdout=io.StringIO(), stderr=io.StringIO())
    out, err = UnbufferedPipeToHeadOne(), io.StringIO()
    assert main([ini, "app", "list"], stdout=out, stderr=err) == 0, err.getvalue()
    assert out.getvalue().splitlines()[0].endswith("  Scoreboard")


@pytest.mark.parametrize("echo", ["true", "debug"])
@pytest.mark.parametrize("logging_sections", [True, False])
def test_sql_echo_goes_to_standard_error_not_into_the_json(ini, tmp_path, echo,
                                                            logging_sections):
    """``sqlalchemy.echo`` had SQLAlchemy add a handler of its own on stdout:
    the SQL lines came before the JSON object, which no script could read.
    They go to the log's handlers (stderr), or, with no logging sections,
    to stderr all the same."""
    with open(ini) as f:
        text = f.read().replace("[app:main]\n", f"[app:main]\nsqlalchemy.echo = {echo}\n", 1)
    if logging_sections:
        text += LOGGING_SECTIONS
    echoing = tmp_path / "echo.ini"
    echoing.write_text(text)
    done = run_script(str(echoing), "app", "list", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"applications": []}
    assert "SELECT" in done.stderr and "FROM oauth_applications" in done.stderr
    assert done.stderr.count("FROM oauth_applications") == 1  # once, not once a handler



def test_sql_echo_is_the_echoing_engine_s_alone(caplog, capsys):
    """``sqlalchemy.echo`` set the level of SQLAlchemy's loggers, shared by
    the process's every engine, for good: an engine made after, without
    echo, logged its SQL too. Each engine's echo is its own, and SQLAlchemy
    adds no handler of its own on stdout."""
    from sqlalchemy import text

    from seatshare.models import get_engine

    caplog.set_level(logging.WARNING)  # the root logger's level: INFO not logged
    caplog.handler.setLevel(logging.NOTSET)  # but whatever an echo sends written
    for echo in ("true", "false"):
        engine = get_engine({"sqlalchemy.url": "sqlite://", "sqlalchemy.echo": echo})
        with engine.connect() as connection:
            connection.execute(text(f"SELECT 'echo {echo}'"))
        engine.dispose()
    assert "SELECT 'echo true'" in caplog.text
    assert "SELECT 'echo false'" not in caplog.text
    assert capsys.readouterr().out == ""
    assert logging.getLogger("sqlalchemy.engine.Engine").level == logging.NOTSET

@pytest.mark.parametrize("name", ["echo", "echo_pool"])
def test_sql_echo_of_an_engine_named_in_the_settings_stays_off_stdout(capsys, name):
    """With ``sqlalchemy.logging_name`` (``pool_logging_name``), SQLAlchemy
    logs under a logger below its class's: the NullHandler went to the
    class's logger, and SQLAlchemy added its stdout handler to the engine's
    own all the same."""
    from sqlalchemy import text

    from seatshare.models import get_engine
    from seatshare.models.engine import LOGGING_NAME_SETTINGS

    logging_name = f"named-{name}"
    engine = get_engine({"sqlalchemy.url": "sqlite://", f"sqlalchemy.{name}": "true",
                         f"sqlalchemy.{LOGGING_NAME_SETTINGS[name]}": logging_name})
    with engine.connect() as connection:
        connection.execute(text("SELECT 'named'"))
    engine.dispose()
    assert capsys.readouterr().out == ""
    logger = (engine.logger if name == "echo" else engine.pool.logger).logger  # echoing
    assert logger.name.endswith(f".{logging_name}")
    assert [type(handler) for handler in logger.handlers] == [logging.NullHandler]


LOGGING_SECTIONS = """
[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)s [%(name)s] %(message)s
"""


def test_json_is_taken_wherever_it_is_written(ini):
    """Every command takes --json; written before the command, argparse
    refused it as "unrecognized arguments: --json"."""
    for argv in (["--json", "entity", "create", "--name", "Rovers"],
                 ["entity", "--json", "list"]):
        out, err = io.StringIO(), io.StringIO()
        assert main([ini, *argv], stdout=out, stderr=err) == 0, err.getvalue()
        assert isinstance(json.loads(out.getvalue()), dict)


@pytest.mark.parametrize("argv, option", [
    (["schedule", "import", "--entity-id", "1", "--entity-id", "2", "season.csv"],
     "--entity-id"),
    (["user", "create", "--email", "alex@example.com", "--email", "blair@example.com",
      "--password", "a long passphrase", "--first-name", "Alex", "--last-name", "Morgan"],
     "--email"),
    (["app", "create", "--name", "Scoreboard", "--name", "Phone",
      "--redirect-uri", "https://client.example.com/cb"], "--name"),
    (["entity", "create", "--name", "Rovers", "--name", "Lightning", "--json"], "--name"),
])
def test_an_option_given_twice_is_refused_not_the_last_one_taken(ini, db, capsys, argv, option):
    """argparse keeps the last of a repeated option silently: `--entity-id 1
    … --entity-id 2` imported into entity 2, `--email` twice created the
    second address."""
    with pytest.raises(SystemExit) as exited:
        main([ini, *argv])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1].endswith(f"error: argument {option}: given twice: give it "
                                         "once (nothing was done)")
    assert count(db, User) == count(db, Application) == count(db, Entity) == 0


def test_an_option_is_taken_once_and_refused_twice_and_has_no_default():
    """"Given already" was once told by identity with the default, which
    `int("5") is 5` defeats: an option with a default of 5, given 5 once,
    looked not given and was taken a second time."""
    from seatshare.cli.base import StoreOnce

    parser = argparse.ArgumentParser(exit_on_error=False)
    parser.register("action", None, StoreOnce)
    parser.add_argument("--entity-id", type=int)
    assert parser.parse_args([]).entity_id is None
    assert parser.parse_args(["--entity-id", "5"]).entity_id == 5
    with pytest.raises(argparse.ArgumentError, match="given twice"):
        parser.parse_args(["--entity-id", "5", "--entity-id", "5"])
    with pytest.raises(AssertionError, match="has no default"):
        parser.add_argument("--limit", type=int, default=5)


def leaf_parsers():
    """``(["app", "create"], its parser)`` for every command."""
    from seatshare.cli import build_parser

    def subcommands(parser):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action.choices
        return {}

    for group, group_parser in subcommands(build_parser()).items():
        for name, parser in subcommands(group_parser).items():
            yield [group, name], parser


def test_help_lists_every_command_and_explains_every_option(capsys):
    """`seatshare --help` named the command groups only, and `user create
    --help` or `app create --help` left --email, --name ... unexplained."""
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out
    for words, parser in leaf_parsers():
        assert f"\n  {' '.join(words)}" in listing
        for action in parser._actions:
            assert action.help, f"{' '.join(words)} {action.option_strings or action.dest}"
    assert "--json" in listing


def test_help_lists_each_command_as_its_own_usage_and_leaves_statuses_to_readme(capsys):
    """The list was written by hand beside the parsers, and told exit
    statuses that README told otherwise (no word of an option given twice,
    of Ctrl-C, of `schedule import`'s lines per faulty row)."""
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out
    for words, parser in leaf_parsers():
        usage = " ".join(parser.format_usage().split())
        line = usage.removeprefix("usage: seatshare CONFIG_URI ").replace(" [-h] [--json]", "")
        assert f"\n  {line}\n" in listing
    assert "README's \"The operator's command\nline\" says which" in listing
    assert "exit status 1" not in listing.lower()
