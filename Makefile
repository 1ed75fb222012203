# Vigil: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := constraints.txt
# Test processes for `make test` (pytest-xdist): one per core, at most 4.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)

.PHONY: run test browser lock clean docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	touch $(VENV)/.installed $@

## run: install, load the demo corpus, serve the analyst app on http://127.0.0.1:8000 (another port: VIGIL_PORT=8001 make run)
run: $(VENV)/.installed
	$(BIN)/python -c 'import sys; from vigil.cli.web import port_problem; from vigil.settings import load_settings; s = load_settings(); sys.exit(port_problem(s.host, s.port))'
	$(BIN)/vigil demo
	$(BIN)/vigil serve --insecure-cookies

## test: install the dev extras, then lint, type-check and run every test (in TEST_WORKERS processes)
test: $(VENV)/.installed-dev browser
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

## browser: Debian's headless Chromium for the web tests (installed when missing and root)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian's chromium for the browser tests" >&2; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; the browser tests will fail" >&2; \
	  else echo "warning: /usr/bin/chromium is missing; install Debian's chromium for the browser tests" >&2; fi; \
	fi

## lock: refresh constraints.txt from the current environment (after changing dependencies)
lock: $(VENV)/.installed-dev
	$(BIN)/pip freeze --exclude-editable | grep -v '^vigil' > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

## docs: regenerate the generated parts of the documentation
docs: $(VENV)/.installed
	$(BIN)/python -c 'from vigil.settings import settings_markdown; print(settings_markdown(), end="")' > docs/settings.md
