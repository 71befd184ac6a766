# OrderDesk: every set-up step lives here, so a fresh machine needs only `make demo` or `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DOMAIN := orderdesk
CONFIG ?= config.toml
PORT   ?= 8080

.PHONY: help demo test run bench lint browser ocr extract update compile clean

help:
	@echo "make demo     OrderDesk with demo data on the local sandbox (no Telegram token; PORT=8080)"
	@echo "make test     create .venv if needed, install, lint and run every test"
	@echo "make run      serve a real bot from $(CONFIG)"
	@echo "make bench    the benchmarks in benchmarks/ (figures printed, nothing asserted; QUICK=1)"
	@echo "make extract / update / compile   maintain the gettext catalogs in locales/"

# Two stamps: demo, run and the catalogs need only the bot and the sandbox; lint, test and bench
# add the dev tools (pytest, ruff, mypy, playwright, ...) on top, in a second step.
$(BIN)/.installed-sandbox: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[sandbox]'
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed-sandbox pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,sandbox]'
	touch $@

compile: $(BIN)/.installed-sandbox
	$(BIN)/pybabel -q compile -d locales -D $(DOMAIN) --statistics

extract: $(BIN)/.installed-sandbox
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output --width 99 \
	  -o locales/$(DOMAIN).pot bot

update: extract
	$(BIN)/pybabel -q update -i locales/$(DOMAIN).pot -d locales -D $(DOMAIN) --no-fuzzy-matching \
	  --ignore-obsolete --width 99
	$(BIN)/python tools/po_english.py locales/en/LC_MESSAGES/$(DOMAIN).po

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check bot tests sandbox tools benchmarks
	$(BIN)/mypy

# Every benchmark, then one table (also in var/bench/results.md); QUICK=1 for small sizes.
bench: $(BIN)/.installed-dev compile
	mkdir -p var/bench
	$(BIN)/python -m benchmarks $(if $(QUICK),--quick) --out var/bench/results.md

# Debian's Chromium for the browser test of the web chat (installed when missing and possible).
browser:
	@bash tools/ensure_chromium.sh

# Debian's tesseract OCR (Chinese, Russian, English) for orders from photos (same way).
ocr:
	@bash tools/ensure_tesseract.sh

test: $(BIN)/.installed-dev compile lint browser ocr
	$(BIN)/pytest -q

run: compile
	@bash tools/ensure_tesseract.sh --warn
	$(BIN)/orderdesk run --config $(CONFIG)

demo: compile
	@bash tools/ensure_tesseract.sh --warn
	$(BIN)/python -m sandbox.demo --port $(PORT)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache var/demo
