"""What the ini files' logging sections let an operator see, read as pserve
reads them (in a process of its own: logging's configuration is global)."""
import json
import logging
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def logged_levels(ini, loggers):
    """``{logger: the lowest level it lets through}`` once ``ini``'s logging
    sections are in place."""
    code = f"""
import json, logging
from pyramid.paster import setup_logging
setup_logging({os.path.join(ROOT, ini)!r})
print(json.dumps({{name: min(level for level in range(0, 60, 10)
                         if logging.getLogger(name).isEnabledFor(level))
                  for name in {list(loggers)!r}}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("ini", ["development.ini", "production.ini"])
def test_healthz_says_when_its_503_ends(ini):
    """The 503's warning is shown, and so is the INFO line saying /healthz
    answers 200 again, also in production, which shows only warnings."""
    assert logged_levels(ini, ["seatshare.views.health"])["seatshare.views.health"] <= logging.INFO
