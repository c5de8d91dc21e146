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

.PHONY: docs example system-deps demo test lint typecheck pytest clean bench bench-quick interop fuzz fuzz-smoke mutate

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
	$(PY) -m ruff check src tests benchmarks fuzz mutation examples
	$(PY) -m ruff format --check src tests benchmarks fuzz mutation examples

typecheck: $(STAMP)
	$(PY) -m mypy src tests examples

pytest: $(STAMP) system-deps
	$(PY) -m pytest --cov --cov-branch --cov-report=term:skip-covered --cov-report=json:coverage.json -q
	@$(PY) -c "import json; t=json.load(open('coverage.json'))['totals']; print(f\"coverage: {t['percent_covered']:.1f}% (lines+branches)\")"

# Debian packages the tests start (redis-server, chromium, ...): scripts/system-packages.txt
system-deps:
	bash scripts/system-deps.sh

# The documentation site (mkdocs.yml): strict, so a broken link, reference or docstring fails.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet

test: system-deps lint typecheck docs fuzz-smoke pytest

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
	rm -rf $(VENV) site .mypy_cache .pytest_cache .ruff_cache coverage.json .coverage \
		tests/interop/node/node_modules fuzz/corpus
