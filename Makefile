# Uptake: one venv (.venv) holds everything; every target sets it up when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup test test-fast demo bench dashboard lint browser clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's chromium for the browser tests (never `playwright install`).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium missing: run 'sudo apt-get install -y chromium' for the browser tests"; fi; \
	fi

test: $(STAMP) browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -m "not browser and not slow"

demo: $(STAMP)
	$(VENV)/bin/uptake demo --out results/demo

bench: $(STAMP) browser
	$(PY) benchmarks/bench_model.py
	$(PY) benchmarks/bench_sweep.py
	$(PY) benchmarks/bench_dashboard.py

dashboard: $(STAMP)
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=False SOLARA_THEME_SHOW_BANNER=False \
	  $(VENV)/bin/solara run dashboards/app.py \
	  --production --no-check-version --host 127.0.0.1 --port 8765

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) results .pytest_cache
