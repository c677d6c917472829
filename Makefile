# The two commands of the README are the contract: `make demo` and `make test`,
# each from a fresh clone. Everything they need is installed from here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS ?= simulator,ironic,neutron,cli,test,daemon

.PHONY: demo test lint typecheck unit functional bench clean system-packages

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[$(EXTRAS)]'
	touch $(STAMP)

# Debian packages of the tests (MariaDB); a quick dpkg-query when they are installed.
system-packages:
	tools/system-packages.sh

# `make demo KEEP=1`: after the story, everything keeps running until Ctrl-C.
demo: $(STAMP) system-packages
	$(BIN)/python -m oneview_openstack.demo $(if $(filter 1,$(KEEP)),--keep)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck system-packages
	$(BIN)/pytest -q -n 2 --dist loadfile --durations=25

unit: $(STAMP) system-packages
	$(BIN)/pytest -q tests -m 'not functional'

functional: $(STAMP) system-packages
	$(BIN)/pytest -q tests -m functional

bench: $(STAMP) system-packages
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
