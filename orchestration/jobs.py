"""Jobs: reference data (unpartitioned) and one survey edition end to end (partitioned)."""

import dagster as dg

from glue.partitions import edition_partitions
from ieo.names import REFERENCE_GROUP

reference_job = dg.define_asset_job(
    "reference_data",
    selection=dg.AssetSelection.groups(REFERENCE_GROUP),
    description="Load the reference seeds (provinces, countries, taxonomies, report figures) into the warehouse.",
)

edition_job = dg.define_asset_job(
    "survey_edition",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(REFERENCE_GROUP),
    partitions_def=edition_partitions,
    description="Materialize every edition-partitioned asset for one survey edition.",
)
