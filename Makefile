# Two commands for a newcomer: `make run` and `make test`. See README.md.
VENV    ?= .venv
PYTHON  ?= python3
PORT    ?= 5000
BIN     := $(VENV)/bin
export FLASK_APP := app.py

.PHONY: run test test-sqlite test-postgres install lint clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The whole suite twice: on SQLite, then on a throwaway PostgreSQL server that
# scripts/with-postgres.sh installs (if missing), starts on loopback and removes.
test: test-sqlite test-postgres

test-sqlite: install
	$(BIN)/python -m pytest

test-postgres: install
	bash scripts/with-postgres.sh $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache
