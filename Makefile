# The two commands a new user needs: `make run` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The pyspark wheel carries the local Spark cluster (`ieo spark up`). It goes beside the environment, not into
# it: Great Expectations imports pyspark whenever it can, and pyspark's import exits some worker processes.
PYSPARK := pyspark==4.3.0
SPARK_DIST := $(VENV)/spark

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends

.PHONY: install fonts browser postgres java run test test-fast dev sample clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	$(BIN)/python -m pip install --quiet --no-deps --target $(SPARK_DIST) '$(PYSPARK)'
	touch $@

## The dbt manifest the Dagster definitions are made from (rebuilt by `ieo` whenever the dbt project changes).
dbt_project/target/manifest.json: $(VENV)/.installed
	$(BIN)/ieo prepare

## The CDN files GX's Data Docs pages load, pinned in checks/data_docs_assets, so each site opens offline.
DOCS_ASSETS := checks/data_docs_assets
$(DOCS_ASSETS)/node_modules/.installed: $(DOCS_ASSETS)/package.json $(DOCS_ASSETS)/package-lock.json
	@command -v npm >/dev/null || ($(APT_INSTALL) nodejs npm)
	cd $(DOCS_ASSETS) && npm ci --silent
	touch $@

install: $(VENV)/.installed $(DOCS_ASSETS)/node_modules/.installed dbt_project/target/manifest.json

## A CJK font, so that the report's Chinese labels are drawn (Debian's fonts-noto-cjk).
fonts:
	@fc-list 2>/dev/null | grep -q "Noto Sans CJK" || ($(APT_INSTALL) fonts-noto-cjk fontconfig)

## Debian's Chromium and its driver, for the tests that open pages in a browser.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || ($(APT_INSTALL) chromium chromium-driver)

## Generate the synthetic sample database and materialize every asset of every edition through Dagster.
run: install fonts
	$(BIN)/ieo sample
	$(BIN)/ieo run

## Debian's PostgreSQL server, for the test that backs the Dagster instance with it (tests/test_deployment.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || ($(APT_INSTALL) postgresql)

## Java for the Spark engine's local cluster (`ieo spark up`, tests/test_spark.py): Debian's JRE 17.
java:
	@command -v java >/dev/null || ($(APT_INSTALL) openjdk-17-jre-headless)

## Run the test suite (CI runs exactly this); the import-linter contracts run inside it. Two workers, one per core:
## the tests are independent (each has its own folders, warehouse, instance and ports); the Spark tests share one.
test: install fonts browser postgres java
	$(BIN)/python -m pytest -n 2 --dist loadgroup

## The unit tier only: plain functions, no dbt or Dagster run, no browser (under 2 minutes).
test-fast: install fonts
	$(BIN)/python -m pytest -m unit -q

## Open the Dagster UI on the same definitions and instance that `make run` uses.
dev: install
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/ieo dev

clean:
	rm -rf data dbt_project/target dbt_project/logs
