# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
INSTRUMENTATIONS := $(wildcard instrumentations/*/pyproject.toml)
STAMP := $(VENV)/.hydra-installed
# The redaction engine and the OTLP encoder, compiled in place with mypyc (mypy's compiler;
# see the README's "Compiled modules"). If compiling fails, they run as plain Python.
COMPILED := $(addprefix src/hydra_otel/data_protection/,_search.py _validators.py _families.py _numbers.py _scanner.py \
		_sanitizer.py _walker.py _key_rules.py _tokens.py _report.py _attribute_access.py) \
	$(addprefix src/hydra_otel/export/otlp/,_wire.py _any_value.py _encoder.py)
COMPILED_BUILDS := $(patsubst %.py,%.*.so,$(COMPILED)) src/*__mypyc.*.so
COMPILED_STAMP := src/hydra_otel/.compiled

.PHONY: demo test lint typecheck bench clean install compile pure

$(STAMP): pyproject.toml $(INSTRUMENTATIONS)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[test,lint,bench]' $(foreach p,$(INSTRUMENTATIONS),-e $(dir $(p)))
	touch $(STAMP)

install: $(STAMP) $(COMPILED_STAMP)

$(COMPILED_STAMP): $(COMPILED) $(STAMP)
	rm -f $(COMPILED_BUILDS)
	cd src && MYPYC_OPT_LEVEL=3 ../$(VENV)/bin/mypyc $(COMPILED:src/%=%) >../$(VENV)/mypyc.log 2>&1 \
		|| (cd .. && rm -f $(COMPILED_BUILDS); \
		    echo "note: could not compile with mypyc (see $(VENV)/mypyc.log); running as plain Python")
	touch $(COMPILED_STAMP)
	rm -rf src/build src/.mypy_cache

compile: $(COMPILED_STAMP)

pure:
	rm -f $(COMPILED_STAMP) $(COMPILED_BUILDS)

demo: $(STAMP) $(COMPILED_STAMP)
	$(PY) examples/run_demo.py

test: $(STAMP) $(COMPILED_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests instrumentations benchmarks examples
	$(VENV)/bin/ruff format --check src tests instrumentations benchmarks examples

typecheck: $(STAMP)
	$(VENV)/bin/mypy

bench: $(STAMP) $(COMPILED_STAMP)
	$(PY) -m benchmarks

clean: pure
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
