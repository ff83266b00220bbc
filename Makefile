# Two commands: `make run` and `make test`. Both set everything up first and
# skip what is already done (the install is redone only when setup.py or
# setup.cfg change).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.stamp-installed

.PHONY: run test setup upgrade demo clean

## run: set up, migrate, load demo data into an empty database, serve on :6543
## (another port: make run http_port=8080)
run: upgrade demo
	$(BIN)/pserve development.ini $(if $(http_port),http_port=$(http_port))

## test: set up and run the whole test suite (PostgreSQL too when
## SEATSHARE_TEST_DATABASE_URL is set)
test: setup
	$(BIN)/python -m pytest

setup: $(INSTALLED)

upgrade: setup
	$(BIN)/seatshare development.ini db upgrade

# Loads nothing (and says so) when the database already has users.
demo: upgrade
	$(BIN)/seatshare development.ini db demo

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "SeatShare needs Python 3.11 or newer; '$(PYTHON)' is" \
			"$$($(PYTHON) --version 2>/dev/null || echo missing)." \
			"Run e.g.: make PYTHON=python3.11 $(MAKECMDGOALS)" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): setup.py setup.cfg | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[testing]"
	touch $@

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

.PHONY: bench
BENCH_INSTALLED := $(VENV)/.stamp-bench

## bench: set up, then build the benchmark data sets and load the app and the
## ceiling with wrk (PostgreSQL data sets too when PostgreSQL answers); prints
## the table and writes benchmarks/results/latest.md. Options in BENCH_ARGS,
## e.g. make bench BENCH_ARGS="--datasets sqlite-10k --profile 2"
bench: setup $(BENCH_INSTALLED)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

$(BENCH_INSTALLED): benchmarks/requirements.txt | $(INSTALLED)
	$(BIN)/python -m pip install -r benchmarks/requirements.txt
	touch $@


.PHONY: fuzz

## fuzz: the long schemathesis run against the OpenAPI document, every phase
## (SEATSHARE_FUZZ_LONG_EXAMPLES examples per operation, default 200; PostgreSQL
## too when SEATSHARE_TEST_DATABASE_URL is set)
fuzz: setup
	$(BIN)/python -m pytest -m slow -s tests/fuzz
