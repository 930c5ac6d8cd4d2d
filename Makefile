# The two documented commands: `make run` and `make test`. Each installs what is missing.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
UV     := $(shell command -v uv 2>/dev/null)
PORT   ?= 8501

.PHONY: run test lint format browser clean demo bench

$(STAMP): pyproject.toml
ifdef UV
	uv venv --allow-existing $(VENV)
	uv pip install --python $(PY) -e '.[dev]'
else
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
endif
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	@echo "Encours: http://localhost:$(PORT)"
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Browser tests use Debian's chromium (never a downloaded browser).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "install Debian's chromium for the browser tests: sudo apt-get install -y chromium"; fi; }

test: $(STAMP) browser
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

demo: $(STAMP)
	$(PY) -m riskcore demo --db data/encours.duckdb

bench: $(STAMP)
	$(PY) -m riskcore bench

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/artifacts
