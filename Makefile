# yusuan: the two commands a new user needs are `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup build serve test validate bench publish wheel clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

build: setup
	$(BIN)/yusuan build --sample

serve: build
	$(BIN)/yusuan serve --port 8001

validate: setup
	$(BIN)/frictionless validate datapackage/datapackage.json

test: setup
	./scripts/install_browser.sh
	./scripts/install_libreoffice.sh
	# one worker per core, each test file on one worker (its module fixtures built once)
	$(BIN)/pytest -n auto --dist loadfile
	$(BIN)/frictionless validate datapackage/datapackage.json

bench: setup
	$(BIN)/python scripts/bench_build.py --sample
	$(BIN)/python scripts/bench_pages.py

publish: build
	$(BIN)/yusuan publish

# The wheel people install (pip install dist/yusuan-*.whl, or pipx install .): metadata/ and site/ inside.
wheel: setup
	$(BIN)/python -m pip wheel -q --no-deps -w dist .

clean:
	rm -rf build .pytest_cache
