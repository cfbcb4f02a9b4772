"""Dagster glue: partitions, resources, run tags, the dbt project and translator, and check results.

Everything here knows Dagster; nothing here knows a table or a formula. The asset modules build on it."""
