# The Agency Portal. `make run` serves it with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO ?= --agencies 12 --agents 300 --consumers 10000 --largest-agency-agents 120 --largest-agency-cases 6500 --seed 2026
PYTEST_ARGS ?=

BENCH_ARGS ?=
BENCH_ENV := KEEP_DATA=1 SERVICES_DIR=/tmp/agency-portal-bench TEST_PG_PORT=54369 TEST_REDIS_PORT=63869 TEST_PG_SHARED_BUFFERS=1536MB

.PHONY: install lock system-packages run serve demo test test-dates lint format bench pagebench chatbench loadtest cluster-rehearsal clean

# Every Python package comes from uv.lock (exact versions and hashes, Python 3.11 on Linux); uv itself is the
# one tool installed by version here. `uv sync --locked` refuses a lock that no longer matches pyproject.toml.
UV_VERSION := 0.13.9
UV := .uv/bin/uv
EXTRAS ?= --extra dev
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .uv "uv==$(UV_VERSION)"

$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --quiet --locked --python $(PYTHON) $(EXTRAS)
	@touch $(STAMP)

install: $(STAMP)

## make lock: refresh uv.lock on purpose (UPGRADE=django moves one package; UPGRADE=all moves every one)
lock: | $(UV)
	$(UV) lock --python $(PYTHON) $(if $(filter all,$(UPGRADE)),--upgrade,$(foreach p,$(UPGRADE),--upgrade-package $(p)))

system-packages:
	@scripts/system-packages.sh

## make run: a working portal on SQLite with demo data, at http://$(HOST):$(PORT)
## Links in the portal's e-mails point at the address it is served on (PORTAL_BASE_URL in the environment wins);
## HOST=0.0.0.0 serves every address of the machine, so any host name is allowed then (development only).
BASE_URL = http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
RUN_HOSTS = $(if $(filter 0.0.0.0,$(HOST)),*,localhost,127.0.0.1,[::1],$(HOST))
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty $(DEMO)
	PORTAL_BASE_URL="$${PORTAL_BASE_URL:-$(BASE_URL)}" ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(RUN_HOSTS)}" \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: the whole suite, on a throwaway PostgreSQL and Redis started here
test: install system-packages
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache
	SERVICES_REPLICA=1 SERVICES_S3=1 scripts/services.sh run -- $(BIN)/pytest $(PYTEST_ARGS)

## make test-dates: the suite (less the browser journeys) again with every clock a year ahead and on calendar edges
test-dates: install system-packages
	scripts/test-dates.sh

## make loadtest: gunicorn + locust on the benchmark's 1,000,000 cases; figures in BENCHMARKS.md ("Load")
loadtest: install system-packages
	$(UV) sync --quiet --locked --python $(PYTHON) --extra dev --extra load
	@rm -f $(STAMP)
	$(BENCH_ENV) scripts/services.sh run -- scripts/loadtest.sh

## make cluster-rehearsal: two web nodes and two worker nodes in network namespaces behind HAProxy, PostgreSQL primary
## and replica, Redis and an S3-compatible store; nodes lost under the load test's users. Needs root (ip netns).
## Figures in BENCHMARKS.md ("Cluster rehearsal").
cluster-rehearsal: install system-packages
	$(UV) sync --quiet --locked --python $(PYTHON) --extra dev --extra load
	@rm -f $(STAMP)
	scripts/cluster-rehearsal.sh

## make bench: the figures in BENCHMARKS.md, on a PostgreSQL kept between runs with 1,000,000 demo cases
bench: install system-packages
	$(BENCH_ENV) scripts/services.sh run -- sh -c 'DATABASE_URL=$$DATABASE_OWNER_URL $(BIN)/python manage.py migrate --noinput -v0 && $(BIN)/python manage.py bench $(BENCH_ARGS)'

## make pagebench: pages' requests/s at saturation (gunicorn + wrk) beside floors measured in the same run
pagebench: install system-packages
	$(BENCH_ENV) scripts/services.sh run -- sh -c 'DATABASE_URL=$$DATABASE_OWNER_URL $(BIN)/python manage.py migrate --noinput -v0 && $(BIN)/python manage.py pagebench $(PAGEBENCH_ARGS)'

## make chatbench: Online Chat with 200 conversations at once over daphne and Redis, beside a floor of the same run;
## figures in BENCHMARKS.md ("Online Chat"). A throwaway PostgreSQL and Redis of its own.
CHATBENCH_ARGS ?=
chatbench: install system-packages
	SERVICES_DIR=/tmp/agency-portal-chatbench TEST_PG_PORT=54379 TEST_REDIS_PORT=63879 scripts/services.sh run -- sh -c 'DATABASE_URL=$$DATABASE_OWNER_URL $(BIN)/python manage.py migrate --noinput -v0 && CHATBENCH_THROWAWAY_DATABASE=yes DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECRET_KEY=$$(od -An -N24 -tx1 /dev/urandom | tr -d " \n") $(BIN)/python manage.py chatbench $(CHATBENCH_ARGS)'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .uv var staticfiles .pytest_cache .ruff_cache
