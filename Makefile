# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
INSTRUMENTATIONS := $(wildcard instrumentations/*/pyproject.toml)
STAMP := $(VENV)/.hydra-installed

.PHONY: demo test lint typecheck bench clean install

$(STAMP): pyproject.toml $(INSTRUMENTATIONS)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[test,lint,bench]' $(foreach p,$(INSTRUMENTATIONS),-e $(dir $(p)))
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) examples/run_demo.py

test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests instrumentations benchmarks examples
	$(VENV)/bin/ruff format --check src tests instrumentations benchmarks examples

typecheck: $(STAMP)
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
