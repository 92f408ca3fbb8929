# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Both create .venv when it is missing and install the project into it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: demo test lint unit bench vscode clean help chromium

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

unit: $(VENV)/.installed-dev chromium
	$(PY) -m pytest -q -n 2 --dist loadgroup

# Headless Chromium renders the HTML report in tests/report (Debian's `chromium` package).
# Installed only when missing, and only where it can be (root with apt-get, as on CI's fresh
# machine); otherwise those tests skip and say why.
CHROMIUM ?= /usr/bin/chromium

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (Debian package) for the HTML report test"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends chromium >/dev/null; } \
	      || echo "warning: could not install chromium; the HTML rendering test will skip"; \
	  else \
	    echo "note: $(CHROMIUM) missing and not installable here (needs root and apt-get);" \
	         "the HTML rendering test will skip"; \
	  fi; \
	fi

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
