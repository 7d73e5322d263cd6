# Two entry points: `make demo` (app + demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test lint clean translations

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/pybabel compile --statistics -d lms_roi/translations
	touch $@

demo: $(BIN)/.installed
	$(BIN)/lms-roi init-db
	$(BIN)/lms-roi demo --reset --url http://$(HOST):$(PORT)
	$(BIN)/lms-roi run --host $(HOST) --port $(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

# Re-extract messages after changing strings, then translate the new entries in the .po.
translations: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o lms_roi/translations/messages.pot .
	$(BIN)/pybabel update -i lms_roi/translations/messages.pot -d lms_roi/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile --statistics -d lms_roi/translations
