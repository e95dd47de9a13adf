# Every target a newcomer needs; CI (.ci/run) calls `make test`.
.DEFAULT_GOAL := help
PY ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
RUST_CRATES := -p aeropy-protocol -p aeropy-server -p aeropy-core
PY_SRC := python tests benchmarks scripts examples docs/conf.py

.PHONY: help
help: ## show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(VPY):
	$(PY) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip

.PHONY: install
install: $(VPY) ## create .venv with the build, test and lint tools
	$(VPY) -m pip install -q "maturin>=1.5,<2" pytest pytest-timeout hypothesis "ruff==0.17.6" mypy sphinx

.PHONY: build-dev
build-dev: install ## build the extension (debug) into .venv
	$(VENV)/bin/maturin develop -q

.PHONY: build-release
build-release: install ## build the extension (release) into .venv, for benchmarks
	$(VENV)/bin/maturin develop -q --release

.PHONY: format
format: install ## format Rust and Python sources
	cargo fmt --all
	$(VENV)/bin/ruff format $(PY_SRC)
	$(VENV)/bin/ruff check --fix $(PY_SRC)

.PHONY: lint
lint: build-dev ## rustfmt, clippy -D warnings, ruff, mypy.stubtest
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(VENV)/bin/ruff check $(PY_SRC)
	$(VENV)/bin/ruff format --check $(PY_SRC)
	$(VPY) -m mypy.stubtest aerospike._aerospike --allowlist stubtest-allowlist.txt

.PHONY: test-rust
test-rust: ## Rust unit and integration tests
	cargo test $(RUST_CRATES)

.PHONY: test-python
test-python: build-dev ## pytest (against the embedded server)
	$(VPY) -m pytest

.PHONY: docs
docs: build-dev ## build the Sphinx docs, warnings as errors
	$(VPY) -m sphinx -W -q -b html docs docs/_build/html

.PHONY: test
test: lint test-rust test-python docs ## everything CI runs

.PHONY: demo
demo: build-dev ## run the demo against the embedded server
	$(VPY) examples/demo.py

.PHONY: bench
bench: build-release ## benchmarks: this client vs the official one, same server
	$(VPY) benchmarks/run.py
