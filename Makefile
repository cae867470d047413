# Two commands a person needs: `make run` and `make test`. Both set everything up first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
LOCALES := bot/locales
POT := $(LOCALES)/messages.pot
PO_FILES := $(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
BABEL_KEYWORDS := -k N_ -k pgettext:1c,2 -k ngettext:1,2

.PHONY: run test setup backup catalogs extract messages lint format clean

# With a BOT_TOKEN (in the environment or .env) the real bot; without one the browser sandbox.
run: setup
	@if $(PY) -m bot.token_set; then $(PY) -m bot; else \
		echo "No BOT_TOKEN: starting the sandbox. Put BOT_TOKEN=... in .env to run the real bot."; \
		$(PY) -m sandbox; fi

test: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	@scripts/ensure-chromium
	@scripts/ensure-poppler
	$(PY) -m pytest -n 4

setup: $(INSTALLED) catalogs

# A consistent copy of the database in BACKUP_DIR, also while the bot runs; prints its path.
backup: $(INSTALLED)
	@$(PY) -m bot.backup

$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# Compile the translations (.po) into the files the bot reads (.mo).
catalogs: $(MO_FILES)

$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po $(INSTALLED)
	$(VENV)/bin/pybabel compile --domain messages --input-file $< --output-file $@ --locale $*

# Collect every msgid in the code into the template (POT=path to write elsewhere).
extract: $(INSTALLED)
	$(VENV)/bin/pybabel extract --mapping-file babel.cfg $(BABEL_KEYWORDS) --sort-by-file \
		--project Mentorbro --omit-header --output-file $(POT) .

# After changing user-visible strings: extract them and merge into the three catalogs.
messages: extract
	$(VENV)/bin/pybabel update --input-file $(POT) --output-dir $(LOCALES) --domain messages \
		--no-fuzzy-matching --ignore-obsolete
	$(PY) -m bot.i18n_english $(LOCALES)/en/LC_MESSAGES/messages.po

lint: $(INSTALLED)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: $(INSTALLED)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) $(MO_FILES) .pytest_cache .ruff_cache
