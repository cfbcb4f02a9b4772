"""The survey edition as a yearly partition."""

import dagster as dg

FIRST_EDITION = "2017"

# One partition per survey year, from the first edition to the current, in-progress year
# (end_offset=1), so a quarterly schedule can re-materialize the edition being collected.
edition_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *", fmt="%Y", start=FIRST_EDITION, end_offset=1
)

# DuckDB has one writer per file and the assets read one edition at a time (context.partition_key),
# so a backfill of several editions launches one run per edition; the run queue runs them in turn.
ONE_EDITION_PER_RUN = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)
