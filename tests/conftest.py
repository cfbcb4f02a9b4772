"""Shared fixtures: the generated sample databases, built once per test session."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ieo.sample.generator import generate
from ieo.settings import TELEMETRY_OFF


@pytest.fixture(scope="session", autouse=True)
def telemetry_off():
    """Telemetry off for the whole session, through a monkeypatch so the environment is restored after."""
    with pytest.MonkeyPatch.context() as patch:
        for var, value in TELEMETRY_OFF.items():
            patch.setenv(var, value)
        yield


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """The embedded default: seed 2020 at scale 1, calibrated to the report."""
    out = tmp_path_factory.mktemp("sample")
    generate(out, seed=2020, scale=1.0)
    return out


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory) -> Path:
    """A tenth-scale sample: contract-valid, quick to load, for loader and failure tests."""
    out = tmp_path_factory.mktemp("small")
    generate(out, seed=7, scale=0.1)
    return out


@pytest.fixture
def edition_copy(small_sample, tmp_path) -> Path:
    """A private, editable copy of the small sample's raw folder."""
    target = tmp_path / "raw"
    shutil.copytree(small_sample, target)
    return target


@pytest.fixture(scope="session")
def dbt_manifest():
    """Build the dbt manifest once, as CI must (prepare_if_dev only runs under `dagster dev`)."""
    from glue.dbt import prepare_manifest

    prepare_manifest()


def dbt_target(warehouse: Path) -> Path:
    """Where the `dbt` helper's commands on ``warehouse`` write their artifacts: beside it, not in the project's
    target folder, whose manifest the definitions read and which tests running in parallel would share."""
    return warehouse.parent / f"{warehouse.stem}-dbt-target"


def dbt(args: list[str], warehouse: Path) -> subprocess.CompletedProcess:
    """Run dbt in a subprocess against ``warehouse`` (in-process dbt keeps DuckDB connections open)."""
    from glue.dbt import DBT_EXECUTABLE
    from ieo.settings import DBT_PROJECT_DIR

    env = {**os.environ, "IEO_WAREHOUSE": str(warehouse)}  # the subprocess's environment only
    return subprocess.run(
        [str(DBT_EXECUTABLE), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(dbt_target(warehouse))],
        env=env, capture_output=True, text=True,
    )


def build_marts(raw_dir: Path, warehouse: Path, editions) -> None:
    """Load each edition, seed the reference data and run every model for each edition."""
    from checks.raw_load import load_edition

    for edition in editions:
        load_edition(raw_dir, warehouse, edition)
    runs = [["run", "--vars", f"{{edition: {edition}}}"] for edition in editions]
    # The seeds take the first run's vars, so that run reuses the seed command's parse (dbt parses in full
    # whenever the vars change).
    for args in [["seed", *runs[0][1:]], *runs]:
        result = dbt(args, warehouse)
        assert result.returncode == 0, result.stdout[-3000:]


@pytest.fixture(scope="session")
def sample_warehouse(sample_dir, tmp_path_factory) -> Path:
    """The embedded default sample, loaded and modelled for 2017-2019."""
    warehouse = tmp_path_factory.mktemp("marts") / "warehouse.duckdb"
    build_marts(sample_dir, warehouse, (2017, 2018, 2019))
    return warehouse


@pytest.fixture(scope="session")
def sample_network_tables(sample_warehouse):
    """The value-network tables of the sample's edition 2019, also written to the sample warehouse."""
    from glue.resources import IeoSettings
    from ieo.names import NETWORK
    from ieo.network.graph import build_value_network
    from ieo.network.tables import NetworkOptions, network_tables, read_network_inputs
    from ieo.reference import organization_aliases
    from ieo.warehouse import replace_edition_tables

    settings = IeoSettings(raw_dir="", warehouse=str(sample_warehouse), publish_dir="")
    nodes, relations = read_network_inputs(settings.table_engine, 2019)
    tables = network_tables(build_value_network(nodes, relations), NetworkOptions(), organization_aliases())
    replace_edition_tables(sample_warehouse, NETWORK, 2019, tables.as_dict())
    return tables


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path: to show a release is byte for byte unchanged."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def released(dbt_manifest, sample_dir, tmp_path_factory):
    """One `ieo run` of edition 2019 of the embedded sample (release and report); returns its paths."""
    root = tmp_path_factory.mktemp("release")
    paths = {"raw": root / "raw", "warehouse": root / "w.duckdb", "publish": root / "published", "home": root / "dh",
             "data_docs": root / "data_docs"}
    shutil.copytree(sample_dir, paths["raw"])
    assert run_edition(paths) == 0
    return paths


def run_edition(paths: dict, *extra: str) -> int:
    """`ieo run --edition 2019` against ``paths``, with its own Dagster instance."""
    from orchestration.cli import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(paths["home"]))
        patch.setenv("IEO_DATA_DOCS_DIR", str(paths["data_docs"]))
        return main(["run", "--edition", "2019", "--raw-dir", str(paths["raw"]), "--warehouse", str(paths["warehouse"]),
                     "--publish-dir", str(paths["publish"]), *extra])


# --- tiers: every test is unit, e2e, browser or spark (pyproject.toml registers the markers) ------------
# A test is e2e when it builds the warehouse, runs dbt or Dagster, or validates with Great Expectations;
# browser when it opens a page in Chromium; unit otherwise. `make test-fast` runs the unit tier.
E2E_MODULES = {"test_bad_input", "test_write_audit_publish", "test_loading", "test_backfill", "test_verify",
               "test_bad_inputs_corpus", "test_marts_hand_fixture", "test_marts_report", "test_dbt_quality",
               "test_fidelity"}


# Session fixtures that build a warehouse or run an edition: the tests using one go to one worker (and modules with
# such a fixture of module scope say so with their own xdist_group), so that each is built once, not per worker.
SHARED_BUILDS = {"released": "released", "sample_warehouse": "sample_warehouse",
                 "sample_network_tables": "sample_warehouse"}  # the fixture -> the build it stands on
E2E_FIXTURES = {"dbt_manifest", *SHARED_BUILDS}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group markers
def pytest_collection_modifyitems(items):
    import inspect

    for item in items:
        used = list(getattr(item, "fixturenames", ()))
        builds = [SHARED_BUILDS[f] for f in used if f in SHARED_BUILDS]
        if item.get_closest_marker("spark"):
            item.add_marker(pytest.mark.xdist_group("spark"))  # one local cluster: its tests share one worker
        elif builds and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(builds[0]))
        if any(m.name in ("unit", "e2e", "browser", "spark") for m in item.iter_markers()):
            continue
        source = inspect.getsource(item.function) if hasattr(item, "function") else ""
        if "chromium(" in source:
            item.add_marker(pytest.mark.browser)
        elif E2E_FIXTURES & set(used) or item.module.__name__.split(".")[-1] in E2E_MODULES:
            item.add_marker(pytest.mark.e2e)
        else:
            item.add_marker(pytest.mark.unit)


def pytest_configure(config):
    """Refuse `--dist loadgroup` where it would not group: pytest 9.2 keeps node ids apart from the `_nodeid`
    that pytest-xdist 3.8 rewrites, so grouped tests would be spread silently and each worker would build the
    shared warehouse, release or Spark cluster again (pytest-xdist issue 1386)."""
    from importlib.metadata import version

    from packaging.version import Version

    if config.getoption("dist", "no") == "loadgroup" and Version(pytest.__version__) >= Version("9.2") \
            and Version(version("pytest-xdist")) < Version("3.9"):
        raise pytest.UsageError(f"pytest {pytest.__version__} with pytest-xdist {version('pytest-xdist')} does not "
                                "group tests under --dist loadgroup; install pyproject.toml's dev extra (pytest<9.2)")
