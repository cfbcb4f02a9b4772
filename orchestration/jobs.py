"""Jobs: one survey edition end to end (partitioned), and a forced reload of the reference data."""

import dagster as dg

from glue.partitions import edition_partitions
from glue.tags import RESEED_TAG
from ieo.names import REFERENCE_GROUP

reference_job = dg.define_asset_job(
    "reference_data",
    selection=dg.AssetSelection.groups(REFERENCE_GROUP),
    tags={RESEED_TAG: "true"},
    description="Reload the reference seeds (provinces, countries, taxonomies, report figures) into the warehouse, "
    "even when their files are unchanged. Edition runs load them by themselves when needed.",
)

edition_job = dg.define_asset_job(
    "survey_edition",
    selection=dg.AssetSelection.all(),
    partitions_def=edition_partitions,
    description="Materialize one survey edition end to end: the reference data when the warehouse lacks it or its "
    "files changed, then every edition-partitioned asset.",
)
