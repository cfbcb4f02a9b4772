"""Run tags the platform reads: why a run started, and what kind of release it publishes."""

RELEASE_KIND_TAG = "ieo/release_kind"  # "final" or "provisional" (ieo.release); untagged runs publish final
TRIGGER_TAG = "ieo/trigger"  # cli, annual_schedule, quarterly_schedule, raw_drop_sensor
