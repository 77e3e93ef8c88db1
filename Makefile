# `make run` and `make test` set up a fresh machine themselves: a venv for Python, Debian's
# Chromium for the browser checks, npm for the modelers' own code.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MODELERS := tests/modelers
CLIENTS := tests/clients
DROOLS  := tests/drools
UI      := webapp/ui
UI_DIST := webapp/static/swagger-ui
PORT    ?= 8000

.PHONY: install system-deps node-deps ui test run bench tck drools clean

$(STAMP): setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Browser checks use Debian's Chromium, never a tool's own download; wrk loads the server in `make bench`;
# the tests and the benchmark start their own PostgreSQL server from Debian's binaries.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v wrk >/dev/null || ! command -v pdftoppm >/dev/null || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium wrk postgresql poppler-utils; fi

node-deps:
	@if [ -f $(MODELERS)/package-lock.json ]; then \
		npm ci --prefix $(MODELERS) --no-audit --no-fund --loglevel=error && \
		npm run build --prefix $(MODELERS) --if-present; fi
	@if [ -f $(DROOLS)/package-lock.json ]; then \
		npm ci --prefix $(DROOLS) --no-audit --no-fund --loglevel=error; fi
	npm ci --prefix $(CLIENTS) --no-audit --no-fund --loglevel=error

# The service's own front-end files, from npm, served by the app itself: Swagger UI for /docs, and
# the console (webapp/console/src bundled with dmn-js by esbuild, webapp/ui/build.sh).
$(UI)/node_modules/.package-lock.json: $(UI)/package-lock.json
	npm ci --prefix $(UI) --no-audit --no-fund --loglevel=error

$(UI_DIST)/swagger-ui-bundle.js webapp/static/console/console.js &: $(UI)/node_modules/.package-lock.json \
		$(UI)/build.sh $(wildcard webapp/console/src/*.* webapp/console/src/pages/*.js webapp/console/src/editing/*.js)
	npm run build --prefix $(UI) --silent

ui: $(UI_DIST)/swagger-ui-bundle.js webapp/static/console/console.js

test: install system-deps node-deps ui
	$(PY) -m pytest -q

# The API serves without the UI files; only /docs needs them, so npm trouble must not stop a first run.
run: install
	@$(MAKE) --no-print-directory ui || echo "warning: /docs needs 'make ui' (npm); the API serves without it"
	# CAR_T_DEVELOPMENT=1: a laptop; without CAR_T_API_KEYS the service makes and prints a key with every role
	CAR_T_DEVELOPMENT=1 PORT=$(PORT) $(PY) -m webapp serve

bench: install system-deps
	$(PY) -m bench

tck: install
	$(PY) -m pydmn.tck tests/tck/cases

# The CAR-T model on Drools (the KIE engine) and on pydmn, wide: every scenario, 3,000 generated
# inputs and 200 without one input data; figures in docs/feel.md ("Agreement with Drools").
drools: install node-deps
	$(PY) $(DROOLS)/drools_agreement.py --generated 3000 --absent 200

clean:
	rm -rf $(VENV) var $(MODELERS)/node_modules $(DROOLS)/node_modules $(UI)/node_modules webapp/static
