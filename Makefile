# One command for each chore. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
export TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run province test test-fast test-days lint format migrate seed fonts venv screenshots bench clean

run: venv fonts seed ## migrate, seed and serve the app on :8501 (embedded SQLite by default)
	$(PY) -m streamlit run launcher.py --server.port $(PORT) --server.headless true

province: venv fonts ## serve a real province's own database (no sample data): first-run setup in the browser
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/data/province.db}" SEED_ON_START=none \
		$(PY) -m streamlit run launcher.py --server.port $(PORT) --server.headless true

# Test processes (pytest-xdist; `auto`: one per core). Each browser module stays on one
# worker with its app servers; every other test goes where a worker is free (tests/conftest.py).
WORKERS ?= auto

test: venv fonts ## the whole suite in one run: SQLite and PostgreSQL, AppTest and Chromium
	$(PY) -m pytest -n $(WORKERS) $(PYTEST_ARGS)

test-fast: venv ## everything except the browser tests
	$(PY) -m pytest -n $(WORKERS) -m "not browser" $(PYTEST_ARGS)

test-days: venv fonts ## the date-reading tests with the clock set across Jalali year boundaries (faketime)
	scripts/test_other_days.sh $(PYTEST_ARGS)

lint: venv ## ruff check, ruff format --check, mypy (data_layer, web, ui, pages, app.py)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: venv ## bring the database of DATABASE_URL to the newest schema
	$(PY) -m data_layer.migrate

seed: migrate ## load the 7th meeting and the sample province (safe to run twice)
	$(PY) -m data_layer.seed $(SEED_ARGS)

fonts: static/fonts/Vazirmatn-Regular.woff2 static/fonts/pdf/Vazirmatn-Regular.ttf

static/fonts/Vazirmatn-Regular.woff2:
	sh scripts/fetch_fonts.sh

# The PDF-only copies (one glyph a letter, so a PDF's text reads back right):
# data_layer/documents/pdf_fonts.py, with fontTools.
static/fonts/pdf/Vazirmatn-Regular.ttf: data_layer/documents/pdf_fonts.py | venv static/fonts/Vazirmatn-Regular.woff2
	$(PY) scripts/build_pdf_fonts.py

screenshots: venv fonts ## refresh docs/screenshots/ from a real Chromium
	SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest tests/browser $(PYTEST_ARGS)

bench: venv fonts ## time and memory at S, M, L on SQLite and PostgreSQL -> docs/benchmarks.md
	$(PY) -m bench.run $(BENCH_ARGS)

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) data test-artifacts .mypy_cache .ruff_cache
