# Jol: the everyday commands. `make demo` and `make test` work on a fresh clone: the first call
# creates .venv and installs the project with its development tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo run test unit lint i18n check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## chat with the bot in the terminal, no Telegram needed
	$(BIN)/python -m bot console

run: $(STAMP)  ## run the Telegram bot (needs BOT_TOKEN)
	$(BIN)/python -m bot run

test: lint unit  ## everything CI runs

unit: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot db fakegram tests bench
	$(BIN)/mypy bot db fakegram
	$(BIN)/lint-imports
	$(BIN)/python -m bot check
	$(BIN)/python -m bot i18n check

i18n: $(STAMP)  ## after editing texts: refresh the template and every catalogue
	$(BIN)/python -m bot i18n extract
	$(BIN)/python -m bot i18n update

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
