# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Both create .venv when it is missing and install the project into it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: demo test lint unit bench vscode clean help

help:
	@echo "make demo   - the whole tracemark loop in a throw-away repository"
	@echo "make test   - lint and the full test suite (creates .venv)"
	@echo "make bench  - every benchmark; writes docs/benchmarks.md"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed-runtime

demo: $(VENV)/.installed-runtime
	$(BIN)/tracemark demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

unit: $(VENV)/.installed-dev
	$(PY) -m pytest -q -n 2 --dist loadgroup

test: lint unit

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
