"""Run tags the platform reads: why a run started, and what kind of release it publishes."""

RELEASE_KIND_TAG = "ieo/release_kind"  # "final" or "provisional" (ieo.release); untagged runs publish final
TRIGGER_TAG = "ieo/trigger"  # cli, annual_schedule, quarterly_schedule, raw_drop_sensor
RESEED_TAG = "ieo/reseed"  # "true": reload the reference seeds even when their files are unchanged (reference_data job)
RELOAD_RAW_TAG = "ieo/reload_raw"  # "true": load the raw files again even when nothing they depend on changed (`ieo run` says "false")
REBUILD_MODELS_TAG = "ieo/rebuild_models"  # "true": build an edition's dbt models even when nothing they depend on changed
PARTITION_TAG = "dagster/partition"  # Dagster's own: the partition (edition) a run was launched for
PID_TAG = "ieo/pid"  # the process of an in-process run (`ieo run`), so a dead one can be found and marked failed
HOST_TAG = "ieo/host"
