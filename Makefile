# tingflyt: every target bootstraps .venv itself, so `make demo` and `make test` work on a
# fresh clone with only Python 3.11+ and make. Re-running is cheap: the install is stamped.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo demo-other test bench lint serve clean install

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tingflyt needs Python 3.11 or newer (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

demo: $(STAMP)
	$(PY) -m flows.demo

demo-other: $(STAMP)
	$(PY) -m flows.demo --org config/fjellbygd.toml

# On every CPU (pytest-xdist): much of the suite waits on servers and processes it starts.
test: $(STAMP)
	$(PY) -m pytest -n auto --dist worksteal

bench: $(STAMP)
	$(PY) -m tests.bench.run

lint: $(STAMP)
	$(VENV)/bin/ruff check .

serve: $(STAMP)
	$(PY) -m flows.runtime serve

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .hypothesis
