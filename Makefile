# `make run` and `make test` set up a fresh machine themselves: a venv for Python, Debian's
# Chromium for the browser checks, npm for the modelers' own code.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MODELERS := tests/modelers
PORT    ?= 8000

.PHONY: install system-deps node-deps test run bench tck clean

$(STAMP): setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Browser checks use Debian's Chromium, never a tool's own download; wrk loads the server in `make bench`.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v wrk >/dev/null; then \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium wrk; fi

node-deps:
	@if [ -f $(MODELERS)/package-lock.json ]; then \
		npm ci --prefix $(MODELERS) --no-audit --no-fund --loglevel=error && \
		npm run build --prefix $(MODELERS) --if-present; fi

test: install system-deps node-deps
	$(PY) -m pytest -q

run: install
	PORT=$(PORT) $(PY) -m webapp serve

bench: install system-deps
	$(PY) -m bench

tck: install
	$(PY) -m pydmn.tck ../shared/dmn-tck/TestCases

clean:
	rm -rf $(VENV) var $(MODELERS)/node_modules
