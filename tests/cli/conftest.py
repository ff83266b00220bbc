"""Run ``seatshare CONFIG_URI …`` in-process against a database of its own.

The CLI opens its own engine from the ini file and commits, so these tests
cannot use the rolled-back outer transaction of the app's fixtures: each
module gets a fresh database of the current backend, emptied after each test.
"""
import dataclasses
import io
import json

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from seatshare.cli import main
from seatshare.models import metadata

from ..conftest import create_database


@dataclasses.dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self):
        return json.loads(self.out)


@pytest.fixture(scope="module")
def cli_database_url(backend, tmp_path_factory):
    url, drop = create_database(backend, str(tmp_path_factory.mktemp("cli")))
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    yield url
    drop()


@pytest.fixture
def cli_engine(cli_database_url):
    engine = sa.create_engine(cli_database_url)
    yield engine
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def db(cli_engine):
    """A session to look at what the command left behind."""
    with Session(cli_engine) as session:
        yield session


def write_ini(path, database_url):
    path.write_text(
        "[app:main]\n"
        "use = egg:seatshare\n"
        f"sqlalchemy.url = {database_url.replace('%', '%%')}\n"
        "seatshare.password_hash_fast = true\n\n"
        "[alembic]\n"
        "script_location = seatshare:alembic\n"
    )
    return str(path)


@pytest.fixture
def ini(tmp_path, cli_engine, cli_database_url, monkeypatch):
    # The environment must not point the CLI somewhere else.
    monkeypatch.delenv("SEATSHARE_DATABASE_URL", raising=False)
    return write_ini(tmp_path / "site.ini", cli_database_url)


@pytest.fixture
def seatshare(ini):
    """``seatshare(*args)`` runs the console script on the test's ini file."""

    def run(*args, config=None):
        out, err = io.StringIO(), io.StringIO()
        code = main([config or ini, *map(str, args)], stdout=out, stderr=err)
        return Run(code, out.getvalue(), err.getvalue())

    return run


def count(db, model):
    db.expire_all()
    return db.scalar(sa.select(sa.func.count()).select_from(model))
