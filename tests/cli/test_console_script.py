"""The installed ``seatshare`` script itself: exit statuses and streams."""
import json
import os
import subprocess
import sys

SCRIPT = os.path.join(os.path.dirname(sys.executable), "seatshare")


def run_script(*args, **env):
    environ = {k: v for k, v in os.environ.items() if k != "SEATSHARE_DATABASE_URL"}
    environ.update(env)
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env=environ, timeout=120
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
