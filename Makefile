# The two commands a newcomer needs: `make report` and `make test`.
# Both create or update the project's virtual environment (.venv) first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= 2
OUT ?= outputs
ASSESSMENT ?= data/sample

.PHONY: report test venv lab kernel bench clean

venv: $(STAMP)

# Reinstall whenever the dependencies or these install steps change.
$(STAMP): pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# The notebooks declare this kernel, so JupyterLab and plain papermill run them with pra_lib.
	$(BIN)/python -m ipykernel install --sys-prefix --name pra --display-name "Python (pra)" >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/pra validate $(ASSESSMENT)
	$(BIN)/pra run $(ASSESSMENT) --out $(OUT) --jobs $(JOBS)

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,lab]"
	$(BIN)/jupyter lab notebooks/

# Benchmarks against peer libraries; never part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(OUT)/*/ .pytest_cache
