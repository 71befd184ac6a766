# OrderDesk: every set-up step lives here, so a fresh machine needs only `make demo` or `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DOMAIN := orderdesk
CONFIG ?= config.toml

.PHONY: help demo test run lint unit extract update compile clean

help:
	@echo "make demo     OrderDesk with demo data on the local sandbox (no Telegram token)"
	@echo "make test     create .venv if needed, install, lint and run every test"
	@echo "make run      serve a real bot from $(CONFIG)"
	@echo "make extract / update / compile   maintain the gettext catalogs in locales/"

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

compile: $(BIN)/.installed
	$(BIN)/pybabel -q compile -d locales -D $(DOMAIN) --statistics

extract: $(BIN)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output --width 99 \
	  -o locales/$(DOMAIN).pot bot

update: extract
	$(BIN)/pybabel -q update -i locales/$(DOMAIN).pot -d locales -D $(DOMAIN) --no-fuzzy-matching \
	  --ignore-obsolete --width 99
	$(BIN)/python tools/po_english.py locales/en/LC_MESSAGES/$(DOMAIN).po

lint: $(BIN)/.installed
	$(BIN)/ruff check bot tests sandbox tools
	$(BIN)/mypy

test: compile lint
	$(BIN)/pytest -q

run: compile
	$(BIN)/orderdesk run --config $(CONFIG)

demo: compile
	@echo "The local sandbox (a Bot API stand-in with a web chat) is not built yet."
	@echo "To try OrderDesk with a real bot today:"
	@echo "  1. create a bot with @BotFather and copy its token"
	@echo "  2. cp config.example.toml config.toml   (set admins, currency, time zone)"
	@echo "  3. ORDERDESK_TOKEN=<token> make run"
	@echo "Demo data is loaded with: $(BIN)/orderdesk catalog import demo/products.csv"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
