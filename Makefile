# Transformer Internals: `make demo`, `make test`, `make lab` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test mutants integration lab hub build validate bench clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

demo: $(STAMP)  ## build, grade the demo class, feedback, grades.csv, score table
	$(PY) -m course demo

test: $(STAMP)  ## the test suite, all but the mutation suite (CI runs this, then `make mutants`)
	$(PY) -m pytest grader_tests

mutants: $(STAMP)  ## the mutation suite: every mistake caught, every correct alternative accepted (CI runs it too)
	$(PY) -m pytest -m mutation grader_tests/test_mutants.py

integration: $(STAMP) node_modules/.installed  ## real services: PostgreSQL + Dask cluster grading, JupyterHub class (CI runs it too)
	$(PY) -m pytest -m integration grader_tests

lab: $(STAMP)  ## JupyterLab on the student notebooks (after the environment check)
	$(PY) -m course doctor --lab
	$(VENV)/bin/jupyter lab --notebook-dir=release $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True,)

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install -y nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

hub: $(STAMP) node_modules/.installed  ## JupyterHub for the class on this machine (as root; Ctrl-C stops it)
	$(PY) -m course hub $(HUB_ARGS)

build: $(STAMP)  ## source/ and release/ from lessons/
	$(PY) -m course build

validate: $(STAMP)  ## check every lesson in a throwaway course
	$(PY) -m course validate

bench: $(STAMP)  ## speed of the solutions and of grading
	$(PY) -m course bench

clean:  ## remove what the demo wrote (keeps .venv)
	rm -rf submitted autograded/*/ feedback .staged reports gradebook.db grades.csv
