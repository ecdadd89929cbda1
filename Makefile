# The two commands a newcomer needs: `make report` and `make test`.
# Both create or update the project's virtual environment (.venv) first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= 2
OUT ?= outputs
ASSESSMENT ?= data/sample

.PHONY: report test venv lab bench clean lock locked translations

venv: $(STAMP)

# Reinstall whenever the dependencies or these install steps change.
$(STAMP): pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pra_lib.publishing.i18n_tools compile
	# The notebooks declare this kernel, so JupyterLab and plain papermill run them with pra_lib.
	$(BIN)/python -m ipykernel install --sys-prefix --name pra --display-name "Python (pra)" >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/pra validate $(ASSESSMENT)
	$(BIN)/pra run $(ASSESSMENT) --out $(OUT) --jobs $(JOBS)

# The tests in $(JOBS) processes (pytest-xdist), each test module's tests in one of them, so
# that a module's fixtures run once; the full notebook runs that several modules read run once
# for all (tests/conftest.py, run_once). A plain `pytest` runs them in one process.
test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,lab]"
	$(BIN)/jupyter lab notebooks/

# Benchmarks against peer libraries; never part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python benchmarks/run.py

# Locked environments, for reproducing a published run exactly (README: "Reproducing a
# published PRA"). requirements/lock-pyX.Y.txt pins every package of the dev extra, with the
# SHA-256 of each wheel and sdist for every platform, one file per supported Python; uv
# makes them from pyproject.toml. `make lock` regenerates them after a dependency change,
# keeping the pins it can (`make lock LOCK_FLAGS=--upgrade` moves them to the newest
# releases). `make locked` makes .venv exactly the locked set for its Python; `make report`
# and `make test` then use it, and otherwise keep installing from the lower bounds.
# There is no conda lock: it must be resolved against the conda-forge channel, which the
# machine that made these locks could not reach. environment.yml keeps lower bounds only.
LOCK_PYTHONS := 3.11 3.12 3.13
LOCK_FLAGS ?=

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet "uv>=0.5"
	mkdir -p requirements
	for v in $(LOCK_PYTHONS); do \
	  $(BIN)/python -m uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
	    --python-version $$v --custom-compile-command "make lock" --quiet $(LOCK_FLAGS) \
	    -o requirements/lock-py$$v.txt || exit 1; \
	done

locked:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@lock=requirements/lock-py$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])').txt; \
	test -f $$lock || { echo "no $$lock: locks exist for Python $(LOCK_PYTHONS); set PYTHON=python3.12 (and remove $(VENV)) to use one"; exit 1; }; \
	echo "installing $$lock"; \
	$(BIN)/python -m pip install --quiet --require-hashes -r $$lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pra_lib.publishing.i18n_tools compile
	$(BIN)/python -m ipykernel install --sys-prefix --name pra --display-name "Python (pra)" >/dev/null
	touch $(STAMP)

# Report text: extract messages from the code and the notebooks' Markdown into
# pra_lib/locale/pra.pot, merge them into the en and id catalogues, compile, and list what
# still needs a translation (docs/architecture.md, "Translation").
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o pra_lib/locale/pra.pot --project=pra_lib --version=0.1.0 --copyright-holder="pra_lib contributors" -w 76 .
	$(BIN)/pybabel update -i pra_lib/locale/pra.pot -d pra_lib/locale -D pra -w 76 --no-fuzzy-matching
	$(BIN)/python -m pra_lib.publishing.i18n_tools fill-english
	$(BIN)/python -m pra_lib.publishing.i18n_tools compile
	$(BIN)/python -m pra_lib.publishing.i18n_tools status

clean:
	rm -rf $(OUT)/*/ .pytest_cache
