"""The corpus of broken editions in tests/bad_inputs, run through Dagster.

Each case folder holds the files that differ from a valid edition (tests/fixtures/hand_2019),
a case.yml (what is broken; `remove` for files to delete, `fill` for a cell written at test time,
`loads: true` for inputs that must load) and expected.txt (the errors, one per line). For each
case the edition job runs against a warehouse and a release folder that already hold a good
release: the run must stop at the raw load with the expected errors, materialize nothing, and
leave the release byte for byte as it was.
"""

import csv
import io
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
import yaml

from assets.raw import ERRORS_IN_FAILURE
from tests.conftest import tree_bytes

pytestmark = pytest.mark.xdist_group("test_bad_inputs_corpus")  # its release of the hand fixture, built once

CORPUS = Path(__file__).with_name("bad_inputs")
BASE = Path(__file__).parent / "fixtures" / "hand_2019"
EDITION = "2019"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def build_case(case: Path, raw_dir: Path) -> dict:
    """Write the broken edition of ``case`` into ``raw_dir``; return its case.yml."""
    spec = yaml.safe_load((case / "case.yml").read_text(encoding="utf-8"))
    shutil.copytree(BASE, raw_dir, dirs_exist_ok=True)
    if (case / EDITION).exists():
        shutil.copytree(case / EDITION, raw_dir / EDITION, dirs_exist_ok=True)
    for name in spec.get("remove", []):
        (raw_dir / EDITION / name).unlink()
    if fill := spec.get("fill"):
        path = raw_dir / EDITION / fill["file"]
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        rows[fill["row"] - 1][rows[0].index(fill["column"])] = "x" * fill["characters"]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    return spec


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30
    for name in CASES:
        assert (CORPUS / name / "case.yml").exists() and (CORPUS / name / "expected.txt").exists(), name


@pytest.fixture(scope="module")
def released(dbt_manifest, tmp_path_factory):
    """A warehouse, a Dagster instance and a release of the valid hand-made edition."""
    from ieo.settings import Settings
    from orchestration.definitions import build_definitions
    from orchestration.runner import execute, plan

    root = tmp_path_factory.mktemp("corpus")
    settings = Settings.from_env(raw_dir=root / "raw", warehouse=root / "w.duckdb", publish_dir=root / "published",
                                 dagster_home=root / "dh", data_docs_dir=root / "data_docs")
    shutil.copytree(BASE, settings.raw_dir)
    instance = dg.DagsterInstance.ephemeral()
    results = execute(build_definitions(settings), instance, plan([int(EDITION)]), tags={})
    assert all(r.success for r in results), [r.failures for r in results]
    assert (settings.publish_dir / EDITION / "manifest.json").exists()
    return settings, instance


@pytest.mark.parametrize("name", CASES)
def test_broken_edition_stops_at_the_raw_load(name, released, tmp_path):
    import dataclasses

    from orchestration.definitions import build_definitions
    from orchestration.jobs import edition_job

    settings, instance = released
    release_before = tree_bytes(settings.publish_dir / EDITION)
    case_settings = dataclasses.replace(settings, raw_dir=tmp_path / "raw")
    spec = build_case(CORPUS / name, case_settings.raw_dir)
    job = build_definitions(case_settings).resolve_job_def(edition_job.name)
    result = job.execute_in_process(instance=instance, partition_key=EDITION, raise_on_error=False)

    if spec.get("loads"):
        assert result.success
        return
    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failures] == ["raw_survey_edition"]
    description = failures[0].step_failure_data.user_failure_data.description
    expected = (CORPUS / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    shown = [f"  {line}" for line in expected[:ERRORS_IN_FAILURE]]
    if len(expected) > ERRORS_IN_FAILURE:
        shown.append(f"  ... and {len(expected) - ERRORS_IN_FAILURE} more")
    assert description.splitlines() == [f"edition 2019 rejected: {len(expected)} contract error(s); the current load is unchanged",
                                         *shown]
    # Nothing of the edition is materialized: only the reference seeds, reported current and not reloaded.
    seeds = [e.materialization for e in result.get_asset_materialization_events()]
    assert all(m.asset_key.path[0] in ("reference", "report") and m.metadata["reloaded"].value is False for m in seeds)
    assert tree_bytes(settings.publish_dir / EDITION) == release_before
    # the previous good load is still the edition's data
    import duckdb

    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.organizations where edition = 2019").fetchone()[0] == 14
        status = con.execute("select status from raw._loads where load_id = ?", [result.run_id]).fetchone()[0]
    # the failed load is kept and visible: refused by the reader, or written and failed by its suites
    failed_checks = [e for e in result.get_asset_check_evaluations() if not e.passed and e.asset_key.path[0] == "raw"]
    if status == "rejected":
        assert failed_checks == []
        return
    assert status == "failed" and failed_checks
    found = 0
    for evaluation in failed_checks:
        metadata = evaluation.metadata
        assert metadata["load_id"].value == result.run_id
        assert Path(metadata["data_docs"].value.removeprefix("file://")).exists()
        for item in metadata["failed_expectations_json"].value:
            assert item["unexpected_count"] > 0 and item["sample_values"] and item["sample_rows"]
            assert f"| {item['unexpected_count']} |" in metadata["failed_expectations"].value
            found += item["unexpected_count"]
    assert found == len(expected)  # every error line is an unexpected value some check counted


def read_or_errors(raw_dir: Path):
    """The reader's frames, warnings and encodings of the case's edition, or its errors as lines."""
    from ieo.raw_reader import ContractViolation, read_edition

    try:
        tables = read_edition(raw_dir, int(EDITION))
    except ContractViolation as exc:
        return [str(e) for e in exc.errors]
    return {name: (t.frame, t.warnings, t.encoding) for name, t in tables.items()}


@pytest.mark.unit
@pytest.mark.parametrize("name", CASES)
def test_the_reader_finds_the_same_with_one_row_per_chunk(name, tmp_path, monkeypatch):
    """The reader types a table a chunk of rows at a time; the hand fixture's files fit in one chunk, so reading
    each case again a row at a time must find the same errors, or the same frames."""
    from ieo import raw_reader

    build_case(CORPUS / name, tmp_path)
    whole = read_or_errors(tmp_path)
    monkeypatch.setattr(raw_reader, "ROWS_PER_CHUNK", 1)
    by_row = read_or_errors(tmp_path)
    if isinstance(whole, list):
        assert by_row == whole
        return
    assert by_row.keys() == whole.keys()
    for table, (frame, *rest) in whole.items():
        pd.testing.assert_frame_equal(by_row[table][0], frame, check_dtype=True, obj=table)
        assert by_row[table][1:] == tuple(rest)
