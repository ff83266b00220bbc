"""A config file that cannot be used: one line on stderr, never a traceback."""
import pytest

from seatshare.cli import main

from .conftest import write_ini

APP = "[app:main]\nuse = egg:seatshare\n"


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("site.ini", "not an ini file\n", "cannot use"),
        ("site.ini", "[server:main]\nuse = egg:waitress#main\n", "No section 'main'"),
        ("site.ini", "[app:main]\nuse = egg:no-such-package\n", "no-such-package"),
        ("site.ini", APP + "x = %(nowhere)s\n", "nowhere"),
        ("site.ini", APP + "[loggers]\nkeys = root\n", "formatters"),
        ("site.txt", "anything\n", "cannot use"),
        ("site.ini", APP, "site.ini: sqlalchemy.url is not set: set SEATSHARE_DATABASE_URL"),
        ("site.ini", APP + "sqlalchemy.url =\n", "sqlalchemy.url is not set"),
        ("site.ini", APP + "sqlalchemy.url = nonsense\n", "sqlalchemy.url:"),
        # The dialect is postgresql: the URL's password is not repeated.
        ("site.ini", APP + "sqlalchemy.url = postgres://u:s3cret@db/x\n", "sqlalchemy.url:"),
        # An "@" left unencoded in the password: what follows it reads as the
        # host and port, and the port is not a number.
        ("site.ini", APP + "sqlalchemy.url = postgresql://u:p@x:s3cret@db/x\n", "sqlalchemy.url:"),
        # And with no ":" after it, the rest of the password reads as the host.
        ("site.ini", APP + "sqlalchemy.url = postgresql://u:p@s3cret@db/x\n", "sqlalchemy.url:"),
        # SQLAlchemy's echo: a word it does not know was a ValueError traceback.
        ("site.ini", APP + "sqlalchemy.url = sqlite://\nsqlalchemy.echo = ture\n",
         "sqlalchemy.echo must be true, false or debug, not 'ture'"),
        # A database SeatShare does not run on, or a driver it does not install.
        ("site.ini", APP + "sqlalchemy.url = mysql://u:s3cret@db/x\n",
         "sqlalchemy.url: SeatShare runs on PostgreSQL (postgresql+psycopg://) or SQLite "
         "(sqlite:///), not mysql"),
        ("site.ini", APP + "sqlalchemy.url = postgresql+psycopg2://u:s3cret@db/x\n",
         "sqlalchemy.url: SeatShare connects with psycopg, not psycopg2: use "
         "postgresql+psycopg://"),
    ],
)
@pytest.mark.parametrize("command", [("app", "list"), ("db", "upgrade")])
def test_an_unusable_config_file_is_one_line_on_stderr(
    seatshare, tmp_path, name, text, message, command
):
    path = tmp_path / name
    path.write_text(text)
    run = seatshare(*command, "--json", config=str(path))
    assert run.code == 1
    assert run.out == ""
    [line] = run.err.splitlines()
    assert line.startswith("seatshare: error: ")
    assert message in line
    assert "s3cret" not in line


def test_every_bad_setting_is_a_line_on_stderr(seatshare, tmp_path):
    """As the server does: every bad setting at once, not the first alone."""
    path = tmp_path / "site.ini"
    path.write_text(APP + "sqlalchemy.url = mysql://u:s3cret@db/x\n"
                    "seatshare.signin_window_seconds = 15m\n"
                    "seatshare.password_hash_fast = fast\n")
    run = seatshare("db", "upgrade", "--json", config=str(path))
    assert run.code == 1
    assert run.out == ""
    assert run.err.splitlines() == [
        f"seatshare: error: {path}: sqlalchemy.url: SeatShare runs on PostgreSQL "
        "(postgresql+psycopg://) or SQLite (sqlite:///), not mysql",
        f"seatshare: error: {path}: seatshare.signin_window_seconds must be a positive "
        "number of seconds, at most 3153600000, not '15m'",
        f"seatshare: error: {path}: seatshare.password_hash_fast must be true or false, "
        "not 'fast'",
    ]


def test_an_unknown_section_name_is_one_line_on_stderr(seatshare, ini):
    run = seatshare("app", "list", config=ini + "#nowhere")
    assert run.code == 1
    assert run.err.startswith("seatshare: error: cannot use ")
    assert "No section 'nowhere'" in run.err


@pytest.mark.parametrize("argv", [["app", "list"], ["db", "upgrade", "--json"], ["tokens"]])
def test_a_command_without_the_config_file_says_the_file_comes_first(capsys, argv):
    """`seatshare app list`: argparse took "app" for the config file and
    complained of an invalid command 'list'."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    message = capsys.readouterr().err.splitlines()[-1]
    assert message == (f"seatshare: error: {argv[0]} is a command, not a config file: "
                       f"name the config file first (seatshare CONFIG_URI {' '.join(argv)})")


@pytest.mark.parametrize("command", [["app", "list"], ["entity", "create", "--name", "Rovers"],
                                     ["db", "demo"], ["tokens", "purge", "--json"]])
def test_a_sqlite_file_that_does_not_exist_is_refused_not_created(seatshare, tmp_path, command):
    """A mistyped path made an empty database there, then said to run `db
    upgrade`, which would have migrated the wrong file."""
    missing = tmp_path / "typo.sqlite"
    ini = write_ini(tmp_path / "typo.ini", f"sqlite:///{missing}")
    run = seatshare(*command, config=ini)
    assert (run.code, run.out) == (1, "")
    assert run.err == (f"seatshare: error: the SQLite database {missing} does not exist "
                       f"(sqlalchemy.url in {ini}): check the path, or create it with "
                       f"seatshare {ini} db upgrade\n")
    assert not missing.exists()
    assert seatshare("db", "upgrade", config=ini).code == 0
    assert missing.exists()


def test_a_missing_sqlite_file_the_environment_names_is_said_to_come_from_it(
        seatshare, tmp_path, monkeypatch):
    """SEATSHARE_DATABASE_URL gave the path, not the ini file's sqlalchemy.url,
    which the message named: the operator looked for the typo in the wrong place."""
    missing = tmp_path / "typo.sqlite"
    monkeypatch.setenv("SEATSHARE_DATABASE_URL", f"sqlite:///{missing}")
    run = seatshare("app", "list")
    assert run.code == 1
    assert f"the SQLite database {missing} does not exist (SEATSHARE_DATABASE_URL):" in run.err
    assert not missing.exists()


def test_a_sqlite_uri_filename_is_not_taken_for_a_missing_path(seatshare, tmp_path):
    """`sqlite:///file:x.db?uri=true` has the database "file:x.db", which
    was refused as a file that does not exist."""
    path = tmp_path / "seatshare.sqlite"
    assert seatshare("db", "upgrade", config=write_ini(tmp_path / "plain.ini",
                                                       f"sqlite:///{path}")).code == 0
    ini = write_ini(tmp_path / "uri.ini", f"sqlite:///file:{path}?uri=true")
    run = seatshare("entity", "list", "--json", config=ini)
    assert (run.code, run.err) == (0, "")
    assert run.json == {"entities": []}


@pytest.mark.parametrize("uri", ["file:{path}?uri=true", "file://{path}?uri=true",
                                 "file:{quoted}?uri=true"])
def test_a_sqlite_uri_filename_that_does_not_exist_is_refused_not_created(
        seatshare, tmp_path, uri):
    """A URI filename is still a file SQLite would create empty, mistyped as
    a plain path would be."""
    missing = tmp_path / "typo one.sqlite"
    url = "sqlite:///" + uri.format(path=missing, quoted=str(missing).replace(" ", "%20"))
    ini = write_ini(tmp_path / "typo.ini", url)
    run = seatshare("app", "list", config=ini)
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith(f"seatshare: error: the SQLite database {missing} does not exist")
    assert not missing.exists()

