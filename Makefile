# Set-up and everyday commands. `make run` and `make test` work on a fresh Debian/Ubuntu machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050
WORKERS ?= 2
# Debian packages the tests and the image export need.
SYSTEM_PACKAGES := chromium chromium-driver redis-server npm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install install-dev system-deps test-deps run serve worker test lint bench loadtest validate clean

help:
	@echo "make run       set up and start the app on http://$(HOST):$(PORT)"
	@echo "make test      install what the tests need and run them all (browser tests included)"
	@echo "make serve     run under gunicorn with WORKERS=$(WORKERS)"
	@echo "make worker    start a Celery export worker (needs REDIS_URL)"
	@echo "make bench     timeline benchmark, writes bench/results.json"
	@echo "make loadtest  locust load test against make serve, writes bench/load.json"
	@echo "make validate  validate the shipped geodata"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime

install-dev: $(VENV)/.dev

# Chromium drives the browser tests and kaleido's image export; Redis backs the Celery tests;
# npm installs axe-core for the accessibility tests.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Tests only: LibreOffice converts the exported PowerPoint deck to PDF, as a presenter's
# Impress would open it (not needed to run the app).
test-deps:
	@command -v soffice >/dev/null || { \
	  echo "installing Debian packages: libreoffice-impress"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends libreoffice-impress; }

run: install
	$(PY) app.py --host $(HOST) --port $(PORT)

serve: install
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn --config dashboard/gunicorn_conf.py app:server

worker: install
	$(VENV)/bin/celery --app dashboard.celery_worker:celery_app worker --loglevel=INFO

lint: install-dev
	$(PY) -m ruff check .

# axe-core (the accessibility audit of tests/browser/test_a11y.py), pinned in package-lock.json.
node_modules/axe-core/axe.min.js: package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: install-dev system-deps test-deps node_modules/axe-core/axe.min.js
	$(PY) -m ruff check .
	$(PY) -m pytest

validate: install
	$(PY) -m dashboard validate

bench: install-dev system-deps
	$(PY) -m bench.dataset
	$(PY) -m bench.timeline

loadtest: install-dev
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
