# The Agency Portal. `make run` serves it with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO ?= --agencies 12 --agents 150 --consumers 3000 --seed 2026
PYTEST_ARGS ?=

BENCH_ARGS ?=
BENCH_ENV := KEEP_DATA=1 SERVICES_DIR=/tmp/agency-portal-bench TEST_PG_PORT=54369 TEST_REDIS_PORT=63869 TEST_PG_SHARED_BUFFERS=1536MB

.PHONY: install system-packages run serve demo test lint format bench loadtest clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

system-packages:
	@scripts/system-packages.sh

## make run: a working portal on SQLite with demo data, at http://$(HOST):$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty $(DEMO)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: the whole suite, on a throwaway PostgreSQL and Redis started here
test: install system-packages
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	scripts/services.sh run -- $(BIN)/pytest $(PYTEST_ARGS)

## make loadtest: gunicorn + locust on the benchmark's 1,000,000 cases; figures in BENCHMARKS.md ("Load")
loadtest: install system-packages
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev,load]"
	$(BENCH_ENV) scripts/services.sh run -- scripts/loadtest.sh

## make bench: the figures in BENCHMARKS.md, on a PostgreSQL kept between runs with 1,000,000 demo cases
bench: install system-packages
	$(BENCH_ENV) scripts/services.sh run -- sh -c '$(BIN)/python manage.py migrate --noinput -v0 && $(BIN)/python manage.py bench $(BENCH_ARGS)'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
