# `make run` and `make test` set everything up from a fresh Debian machine with Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
# One OpenMP thread per process: faiss and torch get slower with two threads on two cores.
export OMP_NUM_THREADS ?= 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install install-dev run test test-quick lint i18n clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed when a requirements file changes. torch comes first so nothing pulls a CUDA build.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed i18n

install-dev: $(VENV)/.installed-dev i18n

# Compiled catalogs are build output (not committed).
i18n: $(VENV)/.installed
	$(BIN)/pybabel compile -d i18n

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask matching rebuild-index
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# pytest exits 5 when it collected no tests: say so, and fail.
PYTEST = $(BIN)/pytest || { status=$$?; [ $$status -ne 5 ] || echo "pytest collected no tests" >&2; exit $$status; }

# The whole suite on SQLite, then again on PostgreSQL where this machine can run one (root on
# Debian: .ci/postgres installs and starts it). IPBRIDGE_REQUIRE_POSTGRES=1 (set by CI) makes a
# missing PostgreSQL a failure instead of a notice; IPBRIDGE_REQUIRE_BROWSER=1 does the same for the
# browser tests, which need Debian's Chromium (.ci/chromium installs it).
test: install-dev
	@bash .ci/chromium 2>.ci-chromium.log || echo "Chromium not installed ($$(tail -n 1 .ci-chromium.log)): browser tests skip."
	@echo "== test suite on SQLite =="
	$(PYTEST)
	@if url=$$(bash .ci/postgres 2>.ci-postgres.log); then \
		echo "== test suite on PostgreSQL ($$url) =="; \
		export TEST_DATABASE_URL=$$url; $(PYTEST); \
	elif [ -n "$$IPBRIDGE_REQUIRE_POSTGRES" ]; then \
		cat .ci-postgres.log; echo "PostgreSQL is required here but could not be started" >&2; exit 1; \
	else \
		echo "PostgreSQL not available ($$(tail -n 1 .ci-postgres.log)): tested on SQLite only."; \
	fi

test-quick: install-dev
	$(BIN)/pytest -m "not slow"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance .pytest_cache
