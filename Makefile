# The two commands of the README: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test bench wrk install translations db browser e2e-browser extract-messages update-messages clean

# The worker (outbox, sweeps) runs beside the web server and stops with it.
run: install translations db
	$(BIN)/flask demo seed --if-empty
	$(BIN)/flask training load-content
	$(BIN)/flask worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# One pytest worker per core (pytest-xdist); each test file stays on one worker, so a file's
# browser and live server start once. TEST_WORKERS=0 runs in this process (for pdb).
TEST_WORKERS ?= auto
test: install translations browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The virtual environment is rebuilt when either requirements file changes.
install: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

translations: install
	$(BIN)/pybabel compile -d translations -f --statistics

db: install
	mkdir -p instance
	$(BIN)/flask db upgrade

# Debian's Chromium for the browser tests; installed when we are root on Debian, else the
# browser tests are skipped with the reason (and .ci/run fails instead).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null) \
	  || echo "Could not install chromium; browser tests will be skipped"; \
	else echo "No /usr/bin/chromium and not root: browser tests will be skipped (sudo apt-get install chromium)"; fi

# The release benchmark (bench/README.md). BENCH_SCALE=0.1 BENCH_SECONDS=3 for a quick run.
BENCH_SCALE ?= 1
BENCH_SECONDS ?= 10
bench: install translations wrk
	BENCH_SCALE=$(BENCH_SCALE) BENCH_SECONDS=$(BENCH_SECONDS) $(BIN)/python -m bench.run

# Debian's wrk loads the pages for `make bench`; installed when we are root on Debian.
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's wrk for the benchmark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "wrk is missing and we are not root: sudo apt-get install wrk"; exit 1; fi

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k lazy_ngettext:1,2 -k lazy_npgettext:1c,2,3 -k _p:1c,2 -o translations/messages.pot --no-location --sort-output --project platform .

update-messages: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) instance .pytest_cache
