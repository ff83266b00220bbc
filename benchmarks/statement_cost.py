"""What one SQL statement costs the server's CPU, by the way it is sent.

    python -m benchmarks.statement_cost [pg-10k] [--runs 5000]

Runs the bearer-token statement (``seatshare.security.TOKEN_IDENTITY``, the
one every API request makes) against a data set ``benchmarks.run`` has built,
on one connection in autocommit as API reads do, and prints the client-side
CPU time per execution: through SQLAlchemy Core (how the app sends it), and
as the same SQL on the bare DBAPI cursor (the floor any Python code pays).
The database's own CPU is not counted. The difference between the two lines
is SQLAlchemy's share; the second is the network round trip's.
"""
import argparse
import time

import sqlalchemy as sa

from seatshare.models import utcnow
from seatshare.security import TOKEN_IDENTITY
from seatshare.tokens import hash_token

from . import run


def per_call_us(call, runs):
    for _ in range(min(200, runs)):  # warm up: psycopg prepares on the 5th use
        call()
    started = time.process_time()
    for _ in range(runs):
        call()
    return (time.process_time() - started) / runs * 1e6


def first_token(tokens_path):
    with open(tokens_path) as f:
        return next(line.split()[0] for line in f if not line.startswith("#"))


def measure(url, tokens_path, runs):
    """(SQLAlchemy Core, bare cursor): client CPU microseconds per execution
    of the token statement on ``url``."""
    params = {"token_hash": hash_token(first_token(tokens_path)), "now": utcnow()}
    engine = sa.create_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.execute(TOKEN_IDENTITY, params).first() is None:
                raise SystemExit(f"the first token of {tokens_path} is not live")
            core = per_call_us(lambda: conn.execute(TOKEN_IDENTITY, params).all(), runs)
            compiled = TOKEN_IDENTITY.compile(dialect=engine.dialect)
            sql, values = str(compiled), compiled.construct_params(params)
            if compiled.positiontup:  # a qmark dialect (SQLite) takes a tuple
                values = tuple(values[name] for name in compiled.positiontup)
            cursor = conn.connection.dbapi_connection.cursor()
            try:
                if not cursor.execute(sql, values).fetchall():
                    raise SystemExit("the bare statement found no token")
                raw = per_call_us(lambda: cursor.execute(sql, values).fetchall(), runs)
            finally:
                cursor.close()
    finally:
        engine.dispose()
    return core, raw


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", default="pg-10k", choices=sorted(run.DATASETS))
    parser.add_argument("--runs", type=int, default=5000)
    args = parser.parse_args(argv)

    url = run.dataset_url(args.dataset)
    _, out_dir = run.prepare_dataset(args.dataset, url)
    core, raw = measure(url, f"{out_dir}/tokens.tsv", args.runs)
    print(f"{args.dataset}: the token statement, client-side CPU per execution "
          f"({args.runs} runs, one connection)")
    print(f"  SQLAlchemy Core, prebuilt statement: {core:7.1f} us")
    print(f"  bare DBAPI cursor, same SQL:         {raw:7.1f} us")


if __name__ == "__main__":
    main()
