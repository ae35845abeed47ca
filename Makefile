# Set-up and everyday commands; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrate baseline

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

migrate: install
	$(BIN)/python manage.py migrate --noinput

baseline: migrate
	$(BIN)/python manage.py load_baseline

run: baseline
	@echo "De sociale kaart draait op http://$(HOST):$(PORT)/ (beheer: http://$(HOST):$(PORT)/beheer/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest

# Benchmark at baseline and national size, written to docs/benchmark.md (see there). Runs on
# SQLite, and also on PostgreSQL when DATABASE_URL points to a database named *bench*.
.PHONY: bench
bench: install
	$(BIN)/python bench/run.py
