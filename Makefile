# confgen: `make generate` is the main job, `make test` checks everything.
# Each target sets up what it needs on first use (.venv from pyproject.toml, pinned by
# constraints.txt), so a fresh clone needs nothing typed by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: generate test test-slow drift lint bench packages example clean

# Six distributions, all editable, so tests import the names users get: the generator
# (confgen, this folder), the facade (conferencing/) and the four clients (generated/<p>/).
CLIENTS := telnyx signalwire voximplant trueconf
PROJECTS := . ./conferencing $(addprefix ./generated/,$(CLIENTS))

$(INSTALLED): pyproject.toml conferencing/pyproject.toml $(addsuffix /pyproject.toml,$(addprefix generated/,$(CLIENTS))) constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
		-e '.[dev]' $(addprefix -e ,$(filter-out .,$(PROJECTS)))
	touch $@

# Prism (the mock server contract tests run against), exactly as package-lock.json pins it.
# SCARF_ANALYTICS=false: one of its dependencies phones home on install otherwise.
node_modules/.installed: package.json package-lock.json
	SCARF_ANALYTICS=false npm ci --no-audit --no-fund --loglevel=error
	touch $@

## generate: extract specs/*.yaml from specs/sources/, then render generated/
generate: $(INSTALLED)
	$(BIN)/confgen extract
	$(BIN)/confgen generate

# pytest-xdist workers (`make test WORKERS=1` runs in one process). Each worker starts
# its own Prism servers on free ports; make test keeps each test file on one worker
# (module fixtures made once), make test-slow keeps each whole API's tests together
# (`xdist_group`: one generation and one Prism per API) and spreads the rest.
WORKERS ?= 2

## test: drift check, lint, then the test suite (contract tests run against Prism)
test: drift lint node_modules/.installed
	$(BIN)/python -m pytest -q -m "not slow" -n $(WORKERS) --dist loadfile

## example: a whole conference through the facade against a local mock (PROVIDER=telnyx,
## signalwire, voximplant or trueconf; it starts Prism or the test Room itself)
PROVIDER ?= trueconf
example: $(INSTALLED) node_modules/.installed
	$(BIN)/python examples/whole_conference.py --provider $(PROVIDER)

## test-slow: the tests marked slow (whole real APIs, every operation against Prism)
test-slow: $(INSTALLED) node_modules/.installed
	$(BIN)/python -m pytest -q -m slow -n $(WORKERS) --dist loadgroup

## drift: fail when committed specs or generated code differ from what their sources give
drift: $(INSTALLED)
	$(BIN)/confgen drift

## lint: ruff and mypy --strict over handwritten and generated code
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict generator conferencing generated examples

## packages: build every wheel; install each client alone in a fresh venv, import it, call it
packages: $(INSTALLED)
	$(BIN)/python .ci/check_packages.py

## bench: confgen vs openapi-python-client and datamodel-code-generator -> benchmarks/RESULTS.md
bench: $(INSTALLED)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis
