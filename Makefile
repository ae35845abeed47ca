# Set-up and everyday commands; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Front-end packages (design system, axe-core); re-installed when the lock file changes.
NODE_INSTALLED := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install assets run test lint format messages migrate baseline deploycheck

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_INSTALLED)

assets: $(NODE_INSTALLED)

migrate: install
	$(BIN)/python manage.py migrate --noinput

baseline: migrate
	$(BIN)/python manage.py load_baseline

# With REDIS_URL the import worker (manage.py rqworker imports) runs beside the development
# server and stops with it; without, imports run inside the request (IMPORT_JOBS_INLINE).
run: baseline assets
	@echo "De sociale kaart draait op http://$(HOST):$(PORT)/ (beheer: http://$(HOST):$(PORT)/beheer/)"
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Imports draaien op de achtergrond (manage.py rqworker imports, Redis: $$REDIS_URL)"; \
		$(BIN)/python manage.py rqworker imports & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT); \
	else \
		echo "Zonder REDIS_URL draaien imports direct in het verzoek (IMPORT_JOBS_INLINE)"; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT); \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The project's Dutch catalogues (locale/nl/LC_MESSAGES/*.po) compiled to the .mo files beside
# them, with polib. The .mo files are committed, so that an install needs no GNU gettext;
# run this after editing a .po (tests/test_admin_dutch.py fails while a .mo is out of date).
messages: install
	$(BIN)/python -c 'import pathlib, polib; [polib.pofile(str(po)).save_as_mofile(str(po.with_suffix(".mo"))) for po in pathlib.Path("locale").glob("*/LC_MESSAGES/*.po")]'

# Django's deployment check with production variables (DEBUG off, a random 50+ character key).
deploycheck: install assets
	DEBUG=0 ALLOWED_HOSTS=kaart.example.nl REDIS_URL=redis://127.0.0.1:6379/0 \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# The suite on as many workers as the machine has cores (2 on ours); PYTEST_WORKERS=0 runs it
# in one process. `pytest -m "not browser"` runs the fast part alone.
PYTEST_WORKERS ?= auto
test: lint assets deploycheck
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# Benchmark at baseline and national size, written to docs/benchmark.md (see there). Runs on
# SQLite, and also on PostgreSQL when DATABASE_URL points to a database named *bench*.
# BENCH_ARGS passes options on, e.g. BENCH_ARGS="--quick --output /tmp/benchmark.md".
BENCH_ARGS ?=
.PHONY: bench
bench: install assets
	$(BIN)/python bench/run.py $(BENCH_ARGS)
