# Backprop, step by step. `make lab` opens the course, `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
ARGS   ?=
# The gradebook of release/autograde/feedback/grades: GRADEBOOK=postgresql://user@host/db (default: the
# BACKPROP_GRADEBOOK_URL already set, else sqlite gradebook.db); a PostgreSQL one gets its driver installed first.
GRADEBOOK ?= $(BACKPROP_GRADEBOOK_URL)
GRADEBOOK_DRIVER := $(if $(filter postgres%,$(GRADEBOOK)),$(VENV)/.installed-postgres,)
# Jupyter refuses to run as root unless told it is on purpose.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help lab formgrader test bench release autograde feedback grades similarity student-copy clean-venv

help:
	@echo "make lab     start JupyterLab on the course (ARGS='--port 8890 --no-browser' passes options)"
	@echo "make test    run the whole test suite"
	@echo "make bench   print the benchmark tables"
	@echo "instructors (README, 'For instructors'):"
	@echo "make formgrader JupyterLab on the course with nbgrader's formgrader: manual grading, the gradebook (ARGS as for lab)"
	@echo "make release    build solutions/<id>/<id>.ipynb from <id>.py, then lessons/ (nbgrader generate_assignment)"
	@echo "make autograde  grade what under submitted/<student>/<lesson>/ is not graded yet, in parallel, sandboxed"
	@echo "                (ARGS='--force' regrades all, '--workers N', '--scheduler tcp://host:8786' for a Dask cluster)"
	@echo "make feedback   write feedback/<student>/<lesson>/*.html"
	@echo "make grades     export the gradebook: grades.csv (nbgrader's), grades-status.csv (graded or why not),"
	@echo "                grades-canvas.csv (Canvas's import; ARGS='--roster roster.csv')"
	@echo "  GRADEBOOK=postgresql://user@host/db  with release/autograde/feedback/grades: a PostgreSQL gradebook"
	@echo "make similarity near-identical solution code between students or with the package's reference -> similarity-report.csv (ARGS='--threshold 0.85 04-output-layer-gradients')"
	@echo "make student-copy DEST=dir   the course without solutions/ and tests, for students"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps re-run the install whenever pyproject.toml changes.
$(VENV)/.installed-lab: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	@touch $@

$(VENV)/.installed-postgres: pyproject.toml | $(PY) $(VENV)/.installed-lab
	$(PY) -m pip install --quiet -e ".[postgres]"
	@touch $@

# The student's view: etc/jupyter-student hides nbgrader's instructor tools and the news popup.
# `exec`: JupyterLab takes the shell's place, so it is make's own child: `kill <make's pid>` (make passes
# SIGTERM on to its children) and Ctrl-C (answer_yes: no "Shut down? (y/[n])" question) both end it.
lab: $(VENV)/.installed-lab
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter-student$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	exec $(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/index.ipynb \
	    --ServerApp.answer_yes=True $(ROOT_FLAG) $(ARGS)

# The instructor's view: JupyterLab on the course with nbgrader's formgrader (manual grading, the gradebook),
# which reads nbgrader_config.py from here; the venv's bin/ first on PATH because nbgrader calls alembic.
formgrader: $(VENV)/.installed-lab
	PATH="$(abspath $(VENV))/bin:$$PATH" \
	exec $(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/formgrader \
	    --ServerApp.answer_yes=True $(ROOT_FLAG) $(ARGS)

test: $(VENV)/.installed-test
	$(PY) -m pytest -n auto $(ARGS)

bench: $(VENV)/.installed-bench
	$(PY) -m benchmarks $(ARGS)

# Instructor commands: nbgrader, one student and lesson at a time (backprop_core/grading/instructor.py).
# release first builds each lesson's notebook from its text source (backprop_core/grading/authoring.py).
release autograde feedback grades: $(VENV)/.installed-lab $(GRADEBOOK_DRIVER)
	$(PY) -m backprop_core.grading.instructor $@ $(ARGS)

# nbgrader_config.py reads the gradebook's URL from the environment (exported by make: no shell quoting to get wrong).
ifneq ($(GRADEBOOK),)
release autograde feedback grades: export BACKPROP_GRADEBOOK_URL := $(GRADEBOOK)
endif

# The copying report: informs, changes no grade (backprop_core/grading/similarity.py).
similarity: $(VENV)/.installed-lab
	$(PY) -m backprop_core.grading.similarity $(ARGS)

# What students get: the course without the solutions, tests and grading state (from the last commit).
DEST ?= ../backprop-course-student
student-copy:
	@test -n "$(DEST)" && ! test -e "$(DEST)/solutions" || { echo "DEST must name a new folder" >&2; exit 2; }
	mkdir -p "$(DEST)"
	git archive HEAD index.ipynb lessons backprop_core etc pyproject.toml environment.yml Makefile README.md .gitignore \
	    | tar -x -C "$(DEST)"
	@echo "student copy in $(DEST): run 'make lab' there"

clean-venv:
	rm -rf $(VENV)
