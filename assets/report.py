"""The published report (report.html in each release folder, rendered from that release's own files), and the
read snapshot refreshed once an edition is published."""

import dagster as dg

from assets.publish import published_release
from glue.dbt import TARGET_DIR
from glue.partitions import ONE_EDITION_PER_RUN, edition_partitions
from glue.resources import IeoSettings, WarehouseWriter
from glue.results import OWNER
from ieo import names
from ieo.warehouse import write_snapshot

# Charts by the hash of what they draw, shared by every run of this checkout (ieo.report.charts.charts_kept_in).
CHART_FOLDER = TARGET_DIR / "report_charts"


@dg.asset(
    key=dg.AssetKey([names.PUBLISH, "report"]),
    deps=[published_release],
    group_name=names.PUBLISH,
    kinds={"python", "html"},
    owners=[OWNER],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    description="The edition's report, <IEO_PUBLISH_DIR>/<edition>/report.html: every table and chart of the 2020 "
    "report regenerated from the published release (sections I-VI, the reconciliation and data-quality "
    "appendices), with year-over-year changes where earlier releases exist. One self-contained file that "
    "opens offline.",
)
def report(context: dg.AssetExecutionContext, settings: IeoSettings) -> dg.MaterializeResult:
    from ieo.report.build import write_report  # loads matplotlib (~0.5 s): when a report is drawn, not with the definitions

    release_dir = settings.publish_path / context.partition_key
    path, seconds = write_report(release_dir, CHART_FOLDER)
    context.log.info(f"wrote {path} ({path.stat().st_size:,} bytes) in {seconds:.1f} s")
    return dg.MaterializeResult(metadata={
        "report": dg.MetadataValue.url(path.resolve().as_uri()),
        "path": dg.MetadataValue.path(str(path)),
        "size_bytes": path.stat().st_size,
        "render_seconds": round(seconds, 2),
    })


@dg.asset(
    key=dg.AssetKey([names.PUBLISH, "read_snapshot"]),
    deps=[report],
    group_name=names.PUBLISH,
    kinds={"duckdb"},
    owners=[OWNER],
    partitions_def=edition_partitions,
    backfill_policy=ONE_EDITION_PER_RUN,
    description="The read snapshot beside the warehouse (<warehouse>.read.duckdb), refreshed when an edition has "
    "been published: what `ieo sql` and analysts read, without waiting for (or blocking) a run that writes. "
    "It holds only editions whose run completed.",
)
def read_snapshot(context: dg.AssetExecutionContext, settings: IeoSettings,
                  warehouse_writer: WarehouseWriter) -> dg.MaterializeResult:
    path = write_snapshot(settings.warehouse_path)
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)), "size_bytes": path.stat().st_size})
