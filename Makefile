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
	@echo "make vscode - build, unit-test and package the VS Code extension (.vsix)"

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

# The VS Code extension: install (npm ci, again only when the lockfile changes), type-check and
# bundle, unit tests (node:test; one drives the project's own `tracemark serve`), and a .vsix.
# Needs only node 20+/npm and the npm registry besides the project's .venv.
VSCODE := editors/vscode

$(VSCODE)/node_modules/.installed: $(VSCODE)/package.json $(VSCODE)/package-lock.json
	cd $(VSCODE) && npm ci --no-audit --no-fund
	@touch $@

vscode: $(VSCODE)/node_modules/.installed $(VENV)/.installed-dev
	cd $(VSCODE) && npm run build \
	  && TRACEMARK_SERVER="$(abspath $(BIN))/tracemark" npm test \
	  && npx vsce package --no-dependencies -o tracemark.vsix

test: lint vscode unit

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
	rm -rf $(VSCODE)/node_modules $(VSCODE)/dist $(VSCODE)/out $(VSCODE)/tracemark.vsix
