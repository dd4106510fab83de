# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint migrate messages benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Run the bot, HTTP server and scheduler on the embedded SQLite default. On an empty
## database the demo school is loaded first, so there is something to show. With no
## BOT_TOKEN the bot talks to a built-in Telegram stand-in: chat with it at /try.
run: $(STAMP)
	$(BIN)/ediary run --demo

## Print the exchange benchmark's figures (PostgreSQL at 127.0.0.1:5432 and SQLite).
benchmark: $(STAMP)
	$(BIN)/python benchmarks/sync_benchmark.py
	$(BIN)/python benchmarks/sync_memory_benchmark.py

## Run the whole test suite (PostgreSQL tests run when TEST_DATABASE_URL is set or one is reachable locally).
test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

migrate: $(STAMP)
	$(BIN)/ediary migrate

## Re-extract translatable strings and merge them into the catalogs.
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-by-file -k _ -k __ -k N_ -k lazy_gettext -k ngettext:1,2 -w 100 -o locales/messages.pot bot
	$(BIN)/pybabel update --no-fuzzy-matching -w 100 -d locales -D messages -i locales/messages.pot

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
