"""What `ieo run` shows: the per-step timing table, the bars of slow steps, and the table metadata the dbt step
attaches to each model from one schema query and one count query."""

import io
from types import SimpleNamespace

import dagster as dg
from rich.console import Console

from assets.dbt_models import table_metadata
from orchestration.progress import StepBars, StepTiming, new_progress, timing_table


def rendered(table) -> str:
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(table)
    return console.export_text()


def row(text: str, first: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.strip("│ ").startswith(first))
    return [cell.strip() for cell in line.strip("│").split("│")]


def test_the_timing_table_has_a_column_per_run_sums_quick_steps_and_totals_each_run():
    runs = [
        ("edition 2018", [StepTiming("raw_survey_edition", 2.5, "SUCCESS"), StepTiming("survey_models", 9.25, "SUCCESS"),
                          StepTiming("check_a", 0.04, "SUCCESS"), StepTiming("check_b", 0.03, "SUCCESS")]),
        ("edition 2019", [StepTiming("raw_survey_edition", 3.0, "SUCCESS"), StepTiming("survey_models", 12.0, "FAILURE"),
                          StepTiming("check_a", 0.05, "SUCCESS")]),
    ]
    text = rendered(timing_table(runs))
    assert row(text, "raw_survey_edition") == ["raw_survey_edition", "2.5", "3.0"]
    assert row(text, "survey_models") == ["survey_models (failed)", "9.2", "12.0"]
    assert row(text, "2 other steps") == ["2 other steps", "0.1", "0.1"]  # 0.04 + 0.03 and 0.05
    assert row(text, "all steps") == ["all steps", "11.8", "15.1"]  # 11.82 and 15.05


def event(kind: str, step: str):
    return SimpleNamespace(event_type_value=kind, step_key=step)


def test_a_step_bar_counts_its_materializations_and_checks_and_goes_when_the_step_ends():
    progress = new_progress(Console(file=io.StringIO()))
    bars = StepBars(progress, {"survey_models": 5})
    bars.update(event("STEP_START", "survey_models"))
    for kind in ("ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION", "ASSET_CHECK_EVALUATION", "LOGS_CAPTURED"):
        bars.update(event(kind, "survey_models"))
    bars.update(event("ASSET_MATERIALIZATION", "another_step"))  # a step that never started here is ignored
    (task,) = progress.tasks
    assert (task.description, task.completed, task.total) == ("survey_models", 3, 5)  # one materialization, two checks
    bars.update(event("STEP_SUCCESS", "survey_models"))
    assert progress.tasks == []


def test_a_model_gets_its_row_count_column_types_and_column_lineage():
    schema = {"marts": {"summary": {"edition": "INTEGER", "share": "DOUBLE"}}}
    lineage = {"marts/summary": {"edition": [("staging/stg_rel", "edition")],
                                 "share": [("intermediate/int_rel", "n"), ("reference/countries", "code")]}}
    metadata = table_metadata(["marts", "summary"], schema, lineage, {("marts", "summary"): 6})
    assert metadata["dagster/row_count"] == 6
    assert [(c.name, c.type) for c in metadata["dagster/column_schema"].columns] == [
        ("edition", "INTEGER"), ("share", "DOUBLE")]
    deps = metadata["dagster/column_lineage"].deps_by_column
    assert deps["share"] == [dg.TableColumnDep(asset_key=dg.AssetKey(["intermediate", "int_rel"]), column_name="n"),
                             dg.TableColumnDep(asset_key=dg.AssetKey(["reference", "countries"]), column_name="code")]


def test_a_model_missing_from_the_schema_and_counts_gets_no_table_metadata():
    assert table_metadata(["marts", "gone"], {}, {}, {}) == {}

