"""The Dagster code location: every asset, check, job and resource, defined explicitly and collected here only."""

import dagster as dg

from assets.dbt_models import reference_seeds, survey_models
from assets.index import (
    IndexSettings,
    competitiveness_index,
    index_coherence,
    index_robustness,
    index_weights,
)
from assets.network import value_network
from assets.publish import published_release
from assets.quality import edition_checks, printed_figure_checks, reconciliation
from assets.raw import raw_survey_edition
from assets.report import read_snapshot, report
from glue.dbt import dbt_resource
from glue.resources import IeoSettings, WarehouseWriter
from ieo.index.options import IndexOptions
from ieo.settings import Settings
from orchestration.automation import (
    annual_final_release,
    dead_run_reaper,
    quarterly_provisional_release,
    raw_drop_sensor,
)
from orchestration.jobs import edition_job, reference_job
from orchestration.progress import progress_logger


def build_definitions(settings: Settings, index_options: IndexOptions = IndexOptions()) -> dg.Definitions:
    """The definitions for one set of paths and index assumptions; the UI and `ieo run` both come through here."""
    return dg.Definitions(
        assets=dg.with_source_code_references([
            reference_seeds,
            raw_survey_edition,
            survey_models,
            value_network,
            index_weights,
            competitiveness_index,
            index_robustness,
            index_coherence,
            reconciliation,
            published_release,
            report,
            read_snapshot,
        ]),
        asset_checks=[*printed_figure_checks, *edition_checks],
        jobs=[reference_job, edition_job],
        schedules=[annual_final_release, quarterly_provisional_release],
        sensors=[raw_drop_sensor, dead_run_reaper],
        resources={
            "settings": IeoSettings.from_settings(settings),
            "warehouse_writer": WarehouseWriter.from_settings(settings),
            "index_settings": IndexSettings.from_options(index_options),
            "dbt": dbt_resource(),
        },
        loggers={"console": dg.colored_console_logger, "progress": progress_logger},
        # DuckDB has one writer per file: the steps of a run execute one at a time.
        executor=dg.in_process_executor,
    )


defs = build_definitions(Settings.from_env())
