# Two entry points do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
FUZZ_STAMP := $(VENV)/.installed-fuzz
EXAMPLE_STAMP := $(VENV)/.installed-example
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_RUNS ?= 300
DIST   := dist
# The environment the built wheel is tested in: made anew by every `make wheel-test`.
# Another interpreter: make wheel-test WHEEL_PYTHON=python3.13 WHEEL_VENV=.venv-wheel-3.13
WHEEL_PYTHON ?= $(PYTHON)
WHEEL_VENV ?= .venv-wheel
WHEEL_PY   := $(WHEEL_VENV)/bin/python

.PHONY: docs example system-deps demo test lint typecheck verifytypes pytest dist wheel-test \
	extras-check clean bench bench-quick interop fuzz fuzz-smoke mutate

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install -q -e '.[remote]'
	touch $@

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

$(BENCH_STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q -e '.[bench]'
	touch $@

$(FUZZ_STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q -e '.[fuzz]'
	touch $@

demo: $(VENV)/.installed
	$(PY) -m jotkit.demo

$(EXAMPLE_STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q -e '.[fastapi]' 'uvicorn>=0.29'
	touch $@

# A FastAPI resource server (remote key set + DPoP) against the demo's identity provider.
example: $(EXAMPLE_STAMP)
	$(PY) examples/fastapi_resource_server.py $(EXAMPLE_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks fuzz mutation scripts examples
	$(PY) -m ruff format --check src tests benchmarks fuzz mutation scripts examples

typecheck: $(STAMP)
	$(PY) -m mypy src tests scripts examples

# The public API's typing as pyright sees it (another checker than mypy): fails under 99%.
# pyright from PyPI runs on the system Node.js (20+).
verifytypes: $(STAMP)
	$(PY) scripts/verifytypes.py --min 99

pytest: $(STAMP) system-deps
	$(PY) -m pytest --cov --cov-branch --cov-report=term:skip-covered --cov-report=json:coverage.json -q
	@$(PY) -c "import json; t=json.load(open('coverage.json'))['totals']; print(f\"coverage: {t['percent_covered']:.1f}% (lines+branches)\")"

# Debian packages the tests start (redis-server, chromium, ...): scripts/system-packages.txt
system-deps:
	bash scripts/system-deps.sh

# The documentation site (mkdocs.yml): strict, so a broken link, reference or docstring fails.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet

# The sdist and the wheel (the wheel built from the sdist, so the sdist is complete),
# checked as a package index renders them.
dist: $(STAMP)
	rm -rf $(DIST)
	$(PY) -m build --outdir $(DIST) .
	$(PY) -m twine check --strict $(DIST)/*

# The suite against the installed wheel, not the source tree: a fresh environment with
# jotkit from the wheel (every extra, and the dev extra's test tools), pytest run from the
# checkout where only the tests, fuzz/ and mutation/ are importable (src/ is not on
# sys.path; tests/test_package.py checks where jotkit was imported from).
wheel-test: dist system-deps
	rm -rf $(WHEEL_VENV)
	$(WHEEL_PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_PY) -m pip install -q --upgrade pip
	$(WHEEL_PY) -m pip install -q "$$(ls $(DIST)/jotkit-*.whl)[dev]"
	JOTKIT_TEST_INSTALLED=1 $(WHEEL_PY) -m pytest -q -p no:cacheprovider

# Each extra on its own (and none): one fresh environment per extra from the wheel, the
# layer used for real, the layers of the missing extras refusing with the extra's name.
extras-check: dist
	$(PYTHON) scripts/extras_check.py --wheel "$$(ls $(DIST)/jotkit-*.whl)" $(EXTRAS_ARGS)

# extras-check (about a minute) before wheel-test, so that pytest's summary closes the log.
test: system-deps lint typecheck verifytypes docs fuzz-smoke pytest extras-check wheel-test

# Interop matrix (docs/interop.md) only; `make test` runs it too. Needs Node.js 20+ and npm.
interop: $(STAMP)
	$(PY) -m pytest -q -m interop tests/interop

# Benchmarks (benchmarks/RESULTS.md): options via BENCH_ARGS or BENCH_* variables.
bench: $(BENCH_STAMP)
	$(PY) -m benchmarks $(BENCH_ARGS)
	$(PY) scripts/bench_chart.py

bench-quick: $(BENCH_STAMP)
	$(PY) -m benchmarks --quick $(BENCH_ARGS)

# Fuzzing (fuzz/): every harness for FUZZ_SECONDS each, one after another (FUZZ_ARGS: more
# options or target names). fuzz-smoke is the short fixed-size pass for `make test`.
fuzz: $(FUZZ_STAMP)
	$(PY) -m fuzz.run --seconds $(FUZZ_SECONDS) $(FUZZ_ARGS)

fuzz-smoke: $(FUZZ_STAMP)
	$(PY) -m fuzz.run --smoke --runs $(FUZZ_SMOKE_RUNS)

# Mutation testing (mutation/): break each security check in turn, the suite must fail on
# every one. About 30 minutes on 2 cores (MUTATE_ARGS: --jobs N, or mutant name filters).
mutate: $(STAMP)
	$(PY) -m mutation.run --jobs 2 $(MUTATE_ARGS)

clean:
	rm -rf $(VENV) .venv-wheel* .venv-extras $(DIST) site .mypy_cache .pytest_cache .ruff_cache \
		coverage.json .coverage \
		tests/interop/node/node_modules fuzz/corpus
