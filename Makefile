# The two commands a new user needs: `make run` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export GX_ANALYTICS_ENABLED := False
export DO_NOT_TRACK := 1

.PHONY: install run test dev sample clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## Generate the synthetic sample database and materialize every asset of every edition through Dagster.
run: install
	$(BIN)/ieo sample
	$(BIN)/ieo run

## Run the test suite (CI runs exactly this).
test: install
	$(BIN)/python -m pytest

## Open the Dagster UI on the same definitions and instance that `make run` uses.
dev: install
	mkdir -p data/dagster_home
	test -f data/dagster_home/dagster.yaml || cp orchestration/dagster.yaml data/dagster_home/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/data/dagster_home PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf data dbt_project/target dbt_project/logs
