"""The layering holds, importing the definitions does no work, and the registry of names agrees with dbt."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ieo import names
from ieo.settings import DBT_PROJECT_DIR, PROJECT_ROOT

# Runs in a fresh interpreter: records every subprocess started, file opened for writing and
# environment change while orchestration.definitions is imported, using Python's audit hooks.
# Dagster itself is imported first: its vendored croniter runs `file` on the interpreter once
# (platform.architecture), which is the framework's doing, not the project's.
IMPORT_PROBE = r"""
import json, os, sys
import dagster, dagster_dbt
events = []
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

def hook(event, args):
    if event in ("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec", "os.fork"):
        events.append([event, str(args[0])[:200]])
    elif event == "open" and len(args) > 2:
        path, mode, flags = args[0], args[1], args[2]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and mode is None and flags & WRITE)
        if writing and isinstance(path, (str, bytes)) and not str(path).startswith(("/dev/", "/proc/")):
            events.append(["write", str(path)])

before = dict(os.environ)
sys.addaudithook(hook)
import orchestration.definitions
print(json.dumps({"events": events, "environ_changed": sorted(set(os.environ.items()) ^ set(before.items())),
                  "great_expectations": "great_expectations" in sys.modules}))
"""


@pytest.mark.unit
def test_importing_the_definitions_runs_no_subprocess_writes_no_file_and_keeps_the_environment(dbt_manifest):
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["events"] == []
    assert found["environ_changed"] == []
    assert found["great_expectations"] is False  # GX is imported by the step that validates, not at load


@pytest.mark.unit
def test_a_missing_manifest_names_the_command_that_builds_it(monkeypatch, tmp_path):
    from glue import dbt

    monkeypatch.setattr(type(dbt.ieo_dbt_project), "manifest_path", property(lambda self: tmp_path / "manifest.json"))
    with pytest.raises(dbt.ManifestMissing, match=r"does not exist; build it with `make install` or `.venv/bin/ieo prepare`"):
        dbt.manifest_path()


@pytest.mark.unit
def test_the_import_contracts_hold():
    done = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


@pytest.mark.unit
def test_the_registry_lists_exactly_the_mart_models():
    models = {p.stem for p in (DBT_PROJECT_DIR / "models" / names.MARTS).glob("*.sql")}
    assert {t.table_id for t in names.MART_TABLES} == models


@pytest.mark.unit
def test_every_report_input_is_a_published_table():
    for section, tables in names.REPORT_INPUTS.items():
        for table_id in tables:
            assert table_id in names.TABLE, (section, table_id)


@pytest.mark.unit
def test_the_dimension_seed_is_generated_from_the_registry():
    from ieo.contract_render import DIMENSIONS_SEED, render_dimension_seed

    assert DIMENSIONS_SEED.read_text(encoding="utf-8") == render_dimension_seed(), "run `ieo contract --write`"


@pytest.mark.unit
def test_no_module_is_longer_than_about_400_lines():
    long = {p.relative_to(PROJECT_ROOT).as_posix(): n for folder in ("ieo", "assets", "checks", "glue", "orchestration")
            for p in (PROJECT_ROOT / folder).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420}
    assert long == {}


# The one module allowed Dagster's internals: it subclasses Dagster's SQLite storage (documented under Dagster's
# "Internals"), whose connection handling no public API reaches; dagster-dbt pins the Dagster version it runs on.
PRIVATE_DAGSTER_ALLOWED = "glue/instance.py"


@pytest.mark.unit
def test_no_module_imports_a_private_dagster_module():
    private = {f"{p.relative_to(PROJECT_ROOT)}:{n}" for folder in ("ieo", "assets", "checks", "glue", "orchestration")
               for p in (PROJECT_ROOT / folder).rglob("*.py")
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
               if line.lstrip().startswith(("from dagster._", "import dagster._", "from dagster_dbt._"))}
    allowed = {place for place in private if place.startswith(f"{PRIVATE_DAGSTER_ALLOWED}:")}
    assert private - allowed == set()
    assert allowed, f"{PRIVATE_DAGSTER_ALLOWED} no longer needs its exception"
