# Every target installs what it needs first, so each one works on a fresh machine and is safe to
# run twice. The README names the two that matter: `make book` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The Python that makes the virtual environment: 3.11 or newer (e.g. make PYTHON=python3.12).
PYTHON ?= python3
BOOK_HTML := _build/html
PORT ?= 8000
# Prints the Chromium the tests and the PDF use, or says how to get one (status 1).
FIND_CHROMIUM := $(PY) -c "from teamsim.bench.browser import main; main()"

.PHONY: setup venv lock node chromium book pdf publish serve lab test test-model test-book test-notebooks \
        test-lab test-hub workbook lint data bench clean

setup: venv node chromium

# Python: a local virtual environment from requirements.lock, every package pinned with its
# hashes (re-made when the lock changes), then the course's own package, editable, and its
# Jupyter server extension (teamsim.course.lab; an editable install leaves out the data files a
# wheel would put in the environment).
SERVER_CONFIG := jupyter-config/jupyter_server_config.d/teamsim.json
venv: $(VENV)/.installed
$(VENV)/.installed: requirements.lock pyproject.toml $(SERVER_CONFIG)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "The course needs Python 3.11 or newer, and '$(PYTHON)' is" \
	  "$$($(PYTHON) --version 2>&1 || echo missing). Run make PYTHON=python3.11 (or newer)."; \
	  exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	install -D -m 644 $(SERVER_CONFIG) $(VENV)/etc/jupyter/jupyter_server_config.d/teamsim.json
	touch $@

# Regenerate requirements.lock after editing requirements.txt (keeps the locked versions of
# everything the edit does not touch; add --upgrade to move them all).
lock: venv
	$(VENV)/bin/uv pip compile requirements.txt --universal --python-version 3.11 \
	  --generate-hashes --no-emit-package teamsim -o requirements.lock

# JavaScript the offline book serves itself (vega, the widget manager, MathJax) and axe-core
# for the accessibility tests, pinned in package-lock.json.
node: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# A Chromium for the browser tests and the PDF (Playwright drives it; it never downloads a
# browser), poppler's pdftoppm, and bubblewrap (bwrap), the sandbox `make grade` runs students'
# code in: what the machine has (TEAMSIM_CHROMIUM, or on PATH; see teamsim.bench.browser),
# else Debian's packages for only what is missing, as root or with sudo (a machine with Chrome
# but no pdftoppm gets poppler-utils alone).
chromium: venv
	@need=""; $(FIND_CHROMIUM) >/dev/null 2>&1 || need="chromium"; \
	command -v pdftoppm >/dev/null || need="$$need poppler-utils"; \
	command -v bwrap >/dev/null || need="$$need bubblewrap"; \
	if [ -z "$$need" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends $$need; \
	elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then sudo apt-get update -qq && \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need; \
	else echo "Missing: $$need."; $(FIND_CHROMIUM) || true; case "$$need" in *poppler*) \
	  echo "For the PDF tests, install poppler's pdftoppm (poppler-utils).";; esac; \
	  case "$$need" in *bubblewrap*) echo "For grading (make grade, make test-instructor)," \
	  "install bubblewrap (bwrap): it runs students' code in a sandbox.";; esac; exit 1; fi

# Build the book, strictly: any warning or failing cell fails the build. Its execution cache
# is dropped first when src/teamsim, book/_ext or the pins changed (tools/book_cache.py).
book: venv node
	$(PY) tools/book_cache.py
	$(VENV)/bin/jupyter-book build . --builder html -W -n --keep-going
	@if $(FIND_CHROMIUM) >/dev/null 2>&1; then \
	  $(VENV)/bin/jupyter-book build . --builder singlehtml -W -n --keep-going --quiet && \
	  $(PY) tools/print_book.py; \
	else echo "The PDF of the course is skipped:"; $(FIND_CHROMIUM) || true; fi
	$(PY) tools/package_book.py
	@echo
	@echo "The course is built. Open $(CURDIR)/$(BOOK_HTML)/index.html in a browser,"
	@echo "or run 'make serve' and open http://127.0.0.1:$(PORT)/"

# Publish the built site on the gh-pages branch of REMOTE (default: origin), for GitHub Pages:
# the branch holds only the site (with .nojekyll), replaced at every publish.
REMOTE ?= origin
publish: book
	$(VENV)/bin/ghp-import --no-jekyll --push --force --remote "$(REMOTE)" --branch gh-pages \
	  --message "Publish the course built from $$(git rev-parse --short HEAD)" $(BOOK_HTML)

# The whole course as one PDF (make book prints it too when it finds Chromium).
pdf: chromium book

serve: book
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory $(BOOK_HTML)

# The workbook, live, in JupyterLab.
# (root, as in a container, needs --allow-root; nobody else does)
lab: venv
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

# Style (ruff), the layers of the package (import-linter: each layer imports only the ones
# below it; see [tool.importlinter] in pyproject.toml) and types (mypy, on src/teamsim).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

test-model: venv
	$(PY) -m pytest tests --ignore=tests/browser --ignore=tests/notebooks --ignore=tests/lab \
	  --ignore=tests/instructor -m "not browser" -q -n 2

# The built book in a real browser: offline, no console errors, charts draw, sliders work, axe,
# phones, keyboard, weight, the PDF; then that it holds no solution or hidden test (a test of
# tests/instructor marked built_book). Two pytest-xdist workers here and in the other test stages (one per core of a 2-core CI
# machine): a page test mostly waits on the browser, so two overlap well.
test-book: chromium book
	$(PY) -m pytest tests/browser -q -n 2
	$(PY) -m pytest tests/instructor -m built_book -q

# The workbook: nbval re-runs every notebook and compares every output (strict: the few that
# cannot be compared carry the tag nbval-ignore-output and say why); the exercise checks are
# fed wrong, missing and mistyped answers.
test-notebooks: venv
	$(PY) -m pytest --nbval notebooks --nbval-current-env \
	  --nbval-sanitize-with tests/notebooks/sanitize.cfg -q
	$(PY) -m pytest tests/notebooks -q -n 2

# The workbook in JupyterLab in a real browser: run all, move a slider, the chart changes.
test-lab: venv chromium
	$(PY) -m pytest tests/lab -q -s

# A class on a real JupyterHub, on loopback (instructor/hub/jupyterhub_config.py): two students
# follow the guide's nbgitpuller link, answer in JupyterLab and save, pull an update without
# losing their answers, and the grader marks their notebooks. -s prints the class's log.
test-hub: venv node chromium
	$(PY) -m pytest tests/hub -q -s

# Regenerate the student workbook (no solutions) and the private grading bundle.
workbook: venv
	$(PY) tools/assign.py

# Everything, two stages at a time (one per core of a 2-core CI machine; a stage's output is
# printed when it ends): the book builds while the model, workbook, JupyterLab, hub and
# instructor stages run, and the browser tests follow the book.
test: setup lint
	$(MAKE) --no-print-directory -j2 --output-sync=target \
	  test-book test-model test-notebooks test-lab test-hub test-instructor

# Instructor tools (see the instructor guide in the book's appendices).
.PHONY: grade debrief test-instructor bench-grade

# Grade a folder of submitted notebooks, locally and without Docker, into SUBMISSIONS-grades/:
# grades.csv (a row per file, a column per question, total, %, status); with ROSTER, a row per
# student too, and canvas.csv and moodle.csv for the gradebook import (see the instructor guide).
# PART=K/N grades the K-th of N slices of the folder, to combine with tools/grade.py --combine.
grade: venv
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=path/to/folder" \
	  "[ASSIGNMENT=06_capstone] [ROSTER=class.csv] [LMS_TITLE='Capstone'] [PART=K/N]"; exit 2; }
	$(PY) tools/grade.py "$(SUBMISSIONS)" $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) \
	  $(if $(ROSTER),--roster "$(ROSTER)") $(if $(LMS_TITLE),--lms-title "$(LMS_TITLE)") \
	  $(if $(PART),--part $(PART))

# The grader's speed: N (default 300) copies of the capstone solution, each graded in its
# sandbox, two at a time; prints seconds in all, per submission (median, p95), submissions per
# minute and whether 300 fit in 15 minutes. About 12 minutes of both cores: not in `make test`.
# The capstone is assigned afresh into a temporary folder, so the figures are for the current
# workbook.
bench-grade: venv
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(PY) tools/assign.py 06 --student-dir "$$tmp/notebooks" --grading-dir "$$tmp/grading" \
	    >/dev/null && \
	  $(PY) tools/grade.py --benchmark $(or $(N),300) --grading-dir "$$tmp/grading"

# The capstone class debrief: on SUBMISSIONS (graded first if needed), or, without it, the
# example class kept in instructor/.
debrief: venv
	$(PY) -m teamsim.instructor.debrief $(if $(SUBMISSIONS),"$(SUBMISSIONS)") \
	  $(if $(ROSTER),--roster "$(ROSTER)")

# The instructor kit: assignment privacy and determinism, the grader on a class of troublesome
# submissions, the debrief notebook in a fresh kernel.
test-instructor: venv
	$(PY) -m pytest tests/instructor -m "not built_book" -q -n 2

# Regenerate the simulated data (src/teamsim/data/) from fixed seeds.
data: venv
	$(PY) -m teamsim.data

# Speed figures (median and p95): the model, the sweep, scaling.
bench: venv chromium
	$(PY) -m teamsim.bench
	$(PY) benchmarks/peer.py

clean:
	rm -rf _build .pytest_cache
