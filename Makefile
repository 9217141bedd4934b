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

.PHONY: help lab formgrader test bench release autograde feedback grades report similarity student-copy hub hub-install clean-venv

help:
	@echo "make lab     start JupyterLab on the course (ARGS='--port 8890 --no-browser' passes options)"
	@echo "make test    run the whole test suite"
	@echo "make bench   print the benchmark tables"
	@echo "instructors (README, 'For instructors'):"
	@echo "make formgrader JupyterLab on the course with nbgrader's formgrader: manual grading, the gradebook (ARGS as for lab)"
	@echo "make release    build solutions/<id>/<id>.ipynb from <id>.py, then lessons/ (nbgrader generate_assignment)"
	@echo "make autograde  grade what under submitted/<student>/<lesson>/ is not graded yet, in parallel, sandboxed"
	@echo "                (ARGS='--force' regrades all, '--workers N', '--scheduler tls://host:8786 --tls-ca-file ... --tls-cert ...' for a Dask cluster)"
	@echo "make feedback   write feedback/<student>/<lesson>/*.html"
	@echo "make grades     export the gradebook: grades.csv (nbgrader's), grades-status.csv (graded or why not),"
	@echo "                grades-canvas.csv (Canvas's import; ARGS='--roster roster.csv')"
	@echo "make report     the class at a glance: class-report.html, one offline page with figures (ARGS='--roster roster.csv')"
	@echo "  GRADEBOOK=postgresql://user@host/db  with release/autograde/feedback/grades/report: a PostgreSQL gradebook"
	@echo "make similarity near-identical solution code between students or with the package's reference -> similarity-report.csv (ARGS='--threshold 0.85 04-output-layer-gradients')"
	@echo "make student-copy DEST=dir   what students need: the lessons and the package parts they import"
	@echo "a class on one server (README, 'A class on one server (JupyterHub)'), as root:"
	@echo "make hub-install  JupyterHub, the proxy and the course's environment for every user (HUB_PREFIX=$(HUB_PREFIX))"
	@echo "make hub          install, then start JupyterHub (deploy/jupyterhub_config.py; HUB_PORT=8000)"

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
# which reads nbgrader_config.py from the folder it starts in; the venv's bin/ first on PATH because nbgrader
# calls alembic. COURSE=dir serves another course folder (one holding its own nbgrader_config.py).
# etc/jupyter-instructor: a Content-Security-Policy on the pages that show a submission.
COURSE ?= $(CURDIR)
formgrader: $(VENV)/.installed-lab
	cd "$(COURSE)" && PATH="$(abspath $(VENV))/bin:$$PATH" \
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter-instructor$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	exec "$(abspath $(VENV))/bin/jupyter" lab --ServerApp.root_dir="$(abspath $(COURSE))" \
	    --LabApp.default_url=/formgrader --ServerApp.answer_yes=True $(ROOT_FLAG) $(ARGS)

test: $(VENV)/.installed-test
	$(PY) -m pytest -n auto $(ARGS)

bench: $(VENV)/.installed-bench
	$(PY) -m benchmarks $(ARGS)

# Instructor commands: nbgrader, one student and lesson at a time (backprop_core/grading/commands/instructor.py).
# release first builds each lesson's notebook from its text source (backprop_core/grading/commands/authoring.py).
release autograde feedback grades report: $(VENV)/.installed-lab $(GRADEBOOK_DRIVER)
	$(PY) -m backprop_core.grading.commands.instructor $@ $(ARGS)

# nbgrader_config.py reads the gradebook's URL from the environment (exported by make: no shell quoting to get wrong).
ifneq ($(GRADEBOOK),)
release autograde feedback grades report: export BACKPROP_GRADEBOOK_URL := $(GRADEBOOK)
endif

# The copying report: informs, changes no grade (backprop_core/grading/commands/similarity.py).
similarity: $(VENV)/.installed-lab
	$(PY) -m backprop_core.grading.commands.similarity $(ARGS)

# What students get (backprop_core/grading/judge/student_copy.py, from the last commit): the lessons, the package's
# nn/course/viz, and of its grading only the modules the lessons import; no solutions, tests, exercise
# registry, hidden-test machinery or grading state. The README's part for instructors is left out.
DEST ?= ../backprop-course-student
student-copy: $(VENV)/.installed-lab
	$(PY) -m backprop_core.grading.judge.student_copy "$(DEST)"

# A class on one server (README, "A class on one server (JupyterHub)"; deploy/jupyterhub_config.py).
# Every user's server runs the course's environment, so it is built under HUB_PREFIX on an interpreter
# every user may run (Debian's python3): .venv links to whatever built it, e.g. one under root's home,
# which other users cannot run ("bad interpreter: Permission denied"). What is installed into it is the
# student copy (`make student-copy`, from the last commit): every user can read and import it, so it holds
# no exercise registry, references of the registry, questions' answers or hidden tests. Instructors grade
# with the course folder's full package (deploy/jupyterhub_config.py puts it first on their PYTHONPATH).
HUB_PREFIX ?= /opt/backprop-hub
HUB_PYTHON ?= /usr/bin/python3
HUB_VENV   := $(HUB_PREFIX)/venv
HUB_COPY   := $(HUB_PREFIX)/student-copy
HUB_PROXY  := deploy/node_modules/.bin/configurable-http-proxy
HUB_PORT   ?= 8000
HUB_EXCHANGE ?= /srv/nbgrader/exchange

$(HUB_VENV)/bin/python:
	@$(HUB_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed, found " + sys.version.split()[0])'
	$(HUB_PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install --quiet --upgrade pip

# Reinstalled when the package or the hub's files change; nbgrader_config.py in the venv's etc/jupyter is read
# by every nbgrader there (exchange, course id); jupyter-student is the students' view (JUPYTER_CONFIG_PATH).
# The files are listed by find, not git: as root in an instructor's clone, git refuses the folder ("dubious
# ownership"), the list came back empty and a changed package was never reinstalled.
HUB_WATCHED := $(shell find backprop_core deploy/jupyter-student -type f -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null)
$(HUB_VENV)/.installed-hub: pyproject.toml $(HUB_WATCHED) \
        deploy/nbgrader_config.py | $(HUB_VENV)/bin/python $(VENV)/.installed-lab
	rm -rf $(HUB_COPY)
	$(PY) -m backprop_core.grading.judge.student_copy $(HUB_COPY)
	$(HUB_VENV)/bin/python -m pip install --quiet "$(HUB_COPY)[hub]"
	$(HUB_VENV)/bin/python -m pip install --quiet --no-deps --force-reinstall "$(HUB_COPY)"
	rm -rf $(HUB_COPY)
	install -D -m 644 deploy/nbgrader_config.py $(HUB_VENV)/etc/jupyter/nbgrader_config.py
	rm -rf $(HUB_PREFIX)/etc/jupyter-student && mkdir -p $(HUB_PREFIX)/etc
	cp -R deploy/jupyter-student $(HUB_PREFIX)/etc/jupyter-student
	chmod -R a+rX,go-w $(HUB_VENV) $(HUB_PREFIX)/etc  # (not the hub's state: its cookie secret is root's only)
	@touch $@

# JupyterHub's proxy, from npm at the version deploy/package-lock.json pins (Node.js >= 18).
$(HUB_PROXY): deploy/package.json deploy/package-lock.json
	@command -v npm >/dev/null || { echo "make hub needs Node.js and npm (Debian: apt-get install nodejs npm)" >&2; exit 2; }
	npm ci --prefix deploy --no-audit --no-fund --loglevel=error
	@touch $@

hub-install: $(HUB_VENV)/.installed-hub $(HUB_PROXY)

# Runs as root: the hub starts each user's server as that user. Its state (user database, cookie secret)
# lives in $(HUB_PREFIX)/state; nbgrader's exchange is a folder every user can write to (sticky, like /tmp).
hub: hub-install
	@test "$$(id -u)" = 0 || { echo "make hub must run as root (it starts each user's server as that user)" >&2; exit 2; }
	mkdir -p $(HUB_PREFIX)/state $(HUB_EXCHANGE) && chmod 700 $(HUB_PREFIX)/state && chmod 1777 $(HUB_EXCHANGE)
	cd $(HUB_PREFIX)/state && BACKPROP_HUB_PREFIX=$(HUB_PREFIX) BACKPROP_HUB_COURSE="$(CURDIR)" \
	    BACKPROP_HUB_PORT=$(HUB_PORT) BACKPROP_EXCHANGE=$(HUB_EXCHANGE) \
	    exec $(HUB_VENV)/bin/jupyterhub -f "$(CURDIR)/deploy/jupyterhub_config.py" $(ARGS)

clean-venv:
	rm -rf $(VENV)
