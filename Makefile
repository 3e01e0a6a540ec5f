# ITA Tracker: `make demo` runs the product on the embedded default, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pip's own progress (each package as it is collected and installed) stays visible.
PIP_FLAGS ?= --disable-pip-version-check --progress-bar on

.PHONY: install demo test lint lint-docker pytest lock clean

## htmx 2, served by the web app from the package (offices have no internet, so no CDN):
## fetched from the npm registry once, checked against its pinned SHA-256, never committed.
HTMX_VERSION := 2.0.11
HTMX_SHA256 := d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
HTMX := tracker/web/static/vendor/htmx.min.js

install: $(STAMP) $(HTMX)

$(HTMX):
	@echo "== Fetching htmx $(HTMX_VERSION) from the npm registry"
	@mkdir -p $(dir $(HTMX)) .htmx-download
	cd .htmx-download && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null
	tar -xzf .htmx-download/htmx.org-$(HTMX_VERSION).tgz -C .htmx-download package/dist/htmx.min.js
	echo "$(HTMX_SHA256)  .htmx-download/package/dist/htmx.min.js" | sha256sum --check --quiet
	mv .htmx-download/package/dist/htmx.min.js $(HTMX)
	rm -rf .htmx-download

$(STAMP): pyproject.toml constraints.txt
	@echo "== Installing ITA Tracker and its pinned dependencies (constraints.txt) into $(VENV)/"
	@echo "   once per clone, about a minute with a fast network"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) -c constraints.txt -e '.[dev]'
	@touch $(STAMP)
	@echo "== Installed: $(BIN)/tracker"

## The main job on the embedded default: a SQLite file, the web app and the in-process
## scheduler, in ~/.local/share/ita-tracker. The clock is frozen (TRACKER_NOW) at a moment in
## the demo plan's year when a reminder round is due, so the messages arrive at once; they carry
## one-tap links to the web app (TRACKER_PUBLIC_URL). `tracker serve` runs until Ctrl-C, or
## DEMO_SECONDS seconds when set (for scripts: `DEMO_SECONDS=20 make demo`).
DEMO_IMPORTED ?= 2026-11-25T10:00:00+07:00
DEMO_NOW ?= 2026-12-14T09:30:00+07:00
DEMO_PORT ?= 8000
DEMO_USER ?= demo
DEMO_PASSWORD ?= demo-ita-2569
DEMO_UNIT ?= กองคลัง
DEMO_SECONDS ?=
DEMO_ENV = TRACKER_NOW=$(DEMO_NOW) TRACKER_PUBLIC_URL=http://127.0.0.1:$(DEMO_PORT)
demo: install
	@echo; echo "== 1. Import the demo plan (a fictional sub-district organization) on 25 Nov 2569"
	@TRACKER_NOW=$(DEMO_IMPORTED) $(BIN)/tracker import examples/demo-plan.yaml
	@echo; echo "== 2. The plan on Monday 14 Dec 2569, two working days before the 16 Dec meeting"
	@$(DEMO_ENV) $(BIN)/tracker overview
	@echo; echo "== 3. The embedded scheduler for 5 seconds: it catches up, then sends the reminders"
	@$(DEMO_ENV) $(BIN)/tracker run --for 5
	@echo; echo "== 4. The outbox: what was sent (as files), and what came due while nothing ran"
	@$(DEMO_ENV) $(BIN)/tracker outbox
	@echo; echo "== The messages are files in $${XDG_DATA_HOME:-$$HOME/.local/share}/ita-tracker/outbox/"
	@echo; echo "== 5. The web app: a demo account, and the one-tap link of one unit"
	@echo "$(DEMO_PASSWORD)" | $(DEMO_ENV) $(BIN)/tracker users add $(DEMO_USER) --role admin --name "ผู้ดูแลระบบ (สาธิต)" --password-stdin --exists-ok
	@$(DEMO_ENV) $(BIN)/tracker units link "$(DEMO_UNIT)"
	@echo; echo "== 6. tracker serve: the web app and the scheduler in one process$(if $(DEMO_SECONDS), for $(DEMO_SECONDS) s, until Ctrl-C)"
	@echo "   dashboard: http://127.0.0.1:$(DEMO_PORT)/dashboard  (sign in as $(DEMO_USER) / $(DEMO_PASSWORD))"
	@$(DEMO_ENV) $(BIN)/tracker serve --port $(DEMO_PORT) $(if $(DEMO_SECONDS),--for $(DEMO_SECONDS))

## Every check: lint, format, the import contract, types, then the test suite.
test: install lint pytest

lint: install lint-docker
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## docker/ without a Docker engine: hadolint (from the dev extras) lints the Dockerfile, and
## Debian's docker-compose 1.29 validates the compose file with .env.example as its settings
## (CI installs it; elsewhere its absence is said and skipped). tests/test_docker_files.py
## checks that the commands they run are real.
lint-docker: install
	$(BIN)/hadolint --failure-threshold style docker/Dockerfile
	@if command -v docker-compose >/dev/null 2>&1; then \
	  ITA_ENV_FILE=.env.example docker-compose -f docker/compose.yaml \
	    --env-file docker/.env.example config --quiet && echo "docker/compose.yaml: valid"; \
	elif [ "$$CI" = true ]; then \
	  echo "docker-compose is missing: docker/compose.yaml cannot be validated" >&2; exit 1; \
	else \
	  echo "docker-compose not installed (apt-get install docker-compose): docker/compose.yaml not validated"; \
	fi

pytest: install
	$(BIN)/pytest -n auto

## Re-resolve the newest allowed versions and pin them in constraints.txt.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install $(PIP_FLAGS) -e '.[dev]'
	echo '# Pinned versions the install uses (pip install -c constraints.txt). Regenerate with `make lock`.' > constraints.txt
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' >> constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
