# Two commands on a fresh machine:  make run  (dashboard on the built datasets)
#                                   make test (everything CI runs)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)

.PHONY: setup datasets run serve test lint chromium bench clean plotly-bundle

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# Rebuilds only what changed: publishing skips files whose bytes are already current.
datasets: setup
	$(PY) -m etl build

run: datasets
	$(PY) -m dashboard

# Production: waitress (slow or idle clients cannot starve it), loopback; put a TLS proxy in front
serve: datasets
	$(PY) -m dashboard --production

# Debian's Chromium for the browser tests (a test tool's own browser download fails here),
# and CJK fonts so screenshots show Chinese rather than boxes.
chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && \
	  $$SUDO apt-get install -y -q chromium chromium-driver fonts-noto-cjk; \
	fi

lint: setup
	$(PY) -m ruff check .

test: setup chromium lint
	$(PY) -m etl check
	$(PY) -m pytest

# plotly.js with only the trace types the dashboard draws (dashboard/plotly_bundle/traces.json),
# committed as dashboard/assets/plotly-dashboard-<version>.min.js; needs node and npm, CI does not.
plotly-bundle:
	dashboard/plotly_bundle/build.sh

bench: setup
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
