# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is a step they use.

VENV   ?= .venv
BIN    := $(VENV)/bin
# The newest Python at hand: from 3.12 on, line coverage uses sys.monitoring and costs a
# fraction of what it costs on 3.11 (the unit run alone takes about 4 minutes instead of 6).
# A pyenv shim that is not the active version fails when run, hence the `-c ''` check.
PYTHON ?= $(shell for v in 3.13 3.12; do \
            if python$$v -c '' >/dev/null 2>&1; then echo python$$v; exit; fi; \
            p=$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v.*/bin/python$$v 2>/dev/null | tail -1); \
            if [ -n "$$p" ]; then echo $$p; exit; fi; \
          done; echo python3)
# Every process of a test run (the unit run's workers, the browser tests, the server and the
# commands they start) imports the same few thousand modules. Where the shell tells Python not
# to write bytecode, each process compiles them all again: seconds per process, and 13 s instead
# of 4 to collect the unit tests. The first process writes the bytecode, the others read it.
unexport PYTHONDONTWRITEBYTECODE

HOST   ?= 127.0.0.1
PORT   ?= 8000
VENDOR := src/youthcourt/static/vendor

.PHONY: run test install install-test assets browser lint unit e2e format clean bench messages

run: install assets ## Set up everything, migrate, load the demo once, and serve on http://127.0.0.1:8000
	$(BIN)/youthcourt database upgrade --no-prompt
	$(BIN)/youthcourt demo-data
	$(BIN)/youthcourt run --host $(HOST) --port $(PORT)

# The unit run and the browser tests run side by side, so that neither leaves a core idle while
# the other waits; each one's output is printed whole when it ends.
# The unit run yields the processor (nice): a browser test's waits have timeouts, its own do not.
test: install-test assets browser lint ## Lint, then unit and integration tests (SQLite and PostgreSQL, with line coverage) beside the browser tests
	$(MAKE) --no-print-directory -j2 --output-sync=target unit e2e

# Packages go in with uv (from PyPI, into the venv), which takes seconds where pip takes most
# of a minute; pip is the fallback where uv cannot be installed or cannot reach the index.
$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv || $(BIN)/pip install --quiet --upgrade pip
	touch $@

PIP_INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python $(1) 2>/dev/null || $(BIN)/pip install --quiet $(1)

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(call PIP_INSTALL,-e .)
	touch $@

$(VENV)/.installed-test: $(VENV)/.created pyproject.toml
	$(call PIP_INSTALL,-e ".[test]")
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Front-end libraries come from the npm registry (package-lock.json pins them) and are not committed.
assets: $(VENDOR)/.copied

$(VENDOR)/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	touch $@

# Playwright's own Chromium when it can be downloaded, otherwise Debian's chromium package.
# Headless Chromium: Playwright's own (its headless shell), else Debian's headless shell. The
# full browser also works, but in headless mode it costs twice the processor time.
browser: install-test
	@if ls $${PLAYWRIGHT_BROWSERS_PATH:-$$HOME/.cache/ms-playwright}/chromium-*/chrome-linux*/chrome >/dev/null 2>&1 \
	   || command -v chromium-headless-shell >/dev/null 2>&1; then \
	  echo "Chromium is available."; \
	elif timeout 300 $(BIN)/playwright install chromium; then \
	  echo "Installed Playwright's Chromium."; \
	else \
	  echo "Playwright cannot download a browser here; installing Debian's chromium-headless-shell."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  ($$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium-headless-shell) \
	    || command -v chromium >/dev/null 2>&1; \
	fi

lint: install-test
	$(BIN)/ruff check src tests e2e migrations
	$(BIN)/ruff format --check src tests e2e migrations
	$(BIN)/lint-imports

unit: install-test assets
	nice -n 10 $(BIN)/pytest tests -n auto -p no:cacheprovider --cov --cov-report=term

# Browser tests run in their own pytest process: Playwright's sync fixtures leave an event loop behind.
e2e: install-test assets browser
	$(BIN)/pytest e2e -p no:cacheprovider

bench: install-test ## The key pages under load against a bare Litestar page, measured in the same run (wrk)
	@command -v wrk >/dev/null || sudo -n apt-get install -y wrk || apt-get install -y wrk
	$(BIN)/python -m youthcourt.bench.pages $(BENCH_ARGS)

# The catalogs: every string marked in Python (_, N_, ngettext) and the templates, merged into each
# language's messages.po, which is committed (the app compiles it in memory when it starts).
LOCALES := src/youthcourt/locale
messages: install-test
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords "_ N_ NC_:1c,2 ngettext:1,2 pgettext:1c,2" --no-location \
	  --sort-output --omit-header --no-wrap --project Youthcourt --output-file $(LOCALES)/messages.pot .
	for lang in en es; do \
	  $(BIN)/pybabel update --input-file $(LOCALES)/messages.pot --domain messages \
	    --output-dir $(LOCALES) --locale $$lang --no-fuzzy-matching --ignore-obsolete --init-missing --no-wrap; \
	done
	rm $(LOCALES)/messages.pot

format: install-test
	$(BIN)/ruff check --fix src tests e2e migrations
	$(BIN)/ruff format src tests e2e migrations

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .ruff_cache e2e/screenshots
