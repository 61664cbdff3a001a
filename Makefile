# Two commands for a newcomer: `make run` and `make test`. See README.md.
VENV    ?= .venv
PYTHON  ?= python3
PORT    ?= 5000
BIN     := $(VENV)/bin
export FLASK_APP := app.py

.PHONY: run test test-sqlite test-postgres install lint typecheck lock clean translations messages \
	chromium vendor-hds

# requirements*.txt lock the whole tree with hashes; pip refuses anything else.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Lint and type check, then the whole suite twice: on SQLite, then on a throwaway PostgreSQL
# server that scripts/with-postgres.sh installs (if missing), starts on loopback and removes.
# KOKEILU_TEST_TODAY=2027-12-31 runs the tests as if on that day (tests/clock.py).
test: lint typecheck test-sqlite test-postgres

test-sqlite: install translations chromium
	$(BIN)/python -m pytest

test-postgres: install translations
	bash scripts/with-postgres.sh $(BIN)/python -m pytest

# Interface strings: `make messages` re-extracts them from experiments/ and templates/ and
# merges them into translations/{fi,sv,en}; `translations` compiles the .mo files (not
# committed). tests/test_catalogues.py fails while a string is missing or untranslated.
BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2

translations: install
	$(BIN)/pybabel -q compile -d translations

messages: install
	$(BIN)/pybabel -q extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--no-wrap --project Kokeilu -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-wrap \
		--no-fuzzy-matching --ignore-obsolete

# The Helsinki Design System's core CSS in static/vendor/hds/ (committed; not part of `make
# run`): refreshed from the npm package at the version pinned in the script (needs npm).
vendor-hds:
	bash scripts/vendor-hds.sh

# The browser tests (tests/browser, marked `browser`) drive Debian's Chromium.
chromium:
	bash scripts/ensure-chromium.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy, strict on the modules that pyproject.toml lists ([tool.mypy] files). A few seconds
# the first time; its cache (.mypy_cache) makes later runs take about one.
typecheck: install
	$(BIN)/mypy

# After changing requirements.in or requirements-dev.in: compile the locks (every
# transitive dependency, pinned, with hashes). `make lock LOCK_ARGS=--upgrade` takes the
# newest releases that the inputs allow.
LOCK := $(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	--custom-compile-command "make lock" $(LOCK_ARGS)
lock: install
	$(LOCK) requirements.in -o requirements.txt
	$(LOCK) requirements-dev.in -o requirements-dev.txt

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache

# The benchmark (several minutes; not part of `make test`): data sets of 10,000 and 100,000
# proposals in bench/out/, gunicorn on loopback, wrk, ratios to the stack's ceiling
# (../shared/bench), checked against its targets. BENCH_ARGS passes options, e.g.
# BENCH_ARGS=--reuse, or BENCH_ARGS="--scale 1000000" for a national row on PostgreSQL.
# See bench/RESULTS.md.
.PHONY: bench
bench: install translations
	@command -v wrk >/dev/null 2>&1 || { S=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$S apt-get install -y wrk || { $$S apt-get update && $$S apt-get install -y wrk; }; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)
