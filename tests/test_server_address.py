"""The ini files' [server:main]: waitress's address comes from PasteDeploy
variables with the ini's defaults, so that ``pserve development.ini
http_port=8080`` serves on 8080, as ``pserve --help`` promises."""
import os

import plaster
import pytest
import waitress
from waitress.adjustments import Adjustments

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def served_at(monkeypatch, ini, **variables):
    """The (host, port) pairs ``pserve INI NAME=VALUE...`` would bind:
    pserve's own loader, waitress's own reading of its settings."""
    seen = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: seen.update(kw))
    loader = plaster.get_loader(os.path.join(ROOT, ini), protocols=["wsgi"])
    loader.get_wsgi_server("main", variables)(None)
    return {sockaddr[:2] for *_, sockaddr in Adjustments(**seen).listen}


def test_development_ini_serves_localhost_on_6543(monkeypatch):
    served = served_at(monkeypatch, "development.ini")
    assert served and {port for _, port in served} == {6543}
    assert {host for host, _ in served} <= {"127.0.0.1", "::1"}


def test_development_ini_serves_on_the_port_pserve_is_given(monkeypatch):
    served = served_at(monkeypatch, "development.ini", http_port="8080")
    assert served and {port for _, port in served} == {8080}
    assert {host for host, _ in served} <= {"127.0.0.1", "::1"}


def test_production_ini_serves_every_interface_on_6543(monkeypatch):
    served = served_at(monkeypatch, "production.ini")
    assert {port for _, port in served} == {6543}
    assert "0.0.0.0" in {host for host, _ in served}


def test_production_ini_serves_at_the_address_pserve_is_given(monkeypatch):
    served = served_at(monkeypatch, "production.ini", http_host="127.0.0.1", http_port="6544")
    assert served == {("127.0.0.1", 6544)}


@pytest.mark.parametrize("ini", ["development.ini", "production.ini"])
def test_the_server_variables_are_no_app_setting(ini):
    """[DEFAULT] reaches every section; PasteDeploy keeps it out of the
    app's settings, which the command line reads too."""
    from pyramid.paster import get_appsettings

    settings = get_appsettings(os.path.join(ROOT, ini))
    assert not {"http_host", "http_port"} & set(settings)


@pytest.mark.parametrize(("arguments", "pserve"), [
    ([], "pserve development.ini"),
    (["http_port=8080"], "pserve development.ini http_port=8080"),
])
def test_make_run_hands_pserve_the_port(arguments, pserve):
    import subprocess

    done = subprocess.run(["make", "-n", "run", *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if "pserve" in line]
    assert line.rstrip().endswith(pserve)
