# ITA Tracker: `make demo` runs the product on the embedded default, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PIP_FLAGS ?= --disable-pip-version-check --quiet

.PHONY: install demo test lint pytest lock clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## The main job on the embedded default: a SQLite file and the in-process scheduler, in
## ~/.local/share/ita-tracker. The clock is frozen (TRACKER_NOW) at a moment in the demo
## plan's year when a reminder round is due, so the messages arrive at once.
DEMO_IMPORTED ?= 2026-11-25T10:00:00+07:00
DEMO_NOW ?= 2026-12-14T09:30:00+07:00
demo: install
	TRACKER_NOW=$(DEMO_IMPORTED) $(BIN)/tracker import examples/demo-plan.yaml
	TRACKER_NOW=$(DEMO_NOW) $(BIN)/tracker overview
	TRACKER_NOW=$(DEMO_NOW) $(BIN)/tracker run --for 5
	TRACKER_NOW=$(DEMO_NOW) $(BIN)/tracker outbox

## Every check: lint, format, the import contract, then the test suite.
test: install lint pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

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
