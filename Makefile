# The two set-up commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3.13
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test check install lint clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
		echo "Newsroom needs Python 3.13 as '$(PYTHON)'. Install it (e.g. 'pyenv install 3.13')"; \
		echo "or point PYTHON at it: make PYTHON=/path/to/python3.13 run"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' || { \
		echo "'$(PYTHON)' is not Python 3.13."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python -m devtools.demo

# Every check CI runs (.ci/run calls `make test`), then the suite.
test: check
	$(BIN)/python -m pytest

# The static checks alone, fast: lint, format, types, templates, Django's own checks.
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/djlint templates --lint
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

# Fix what can be fixed automatically; then `make check` says what is left.
lint: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	git ls-files -z '*.py' | xargs -0 $(BIN)/django-upgrade --target-version 6.1 --exit-zero-even-if-changed

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
