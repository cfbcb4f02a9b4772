-- AI industrial parks per province: cumulative to the end of the edition year, and those planned
-- in the edition year; all 31 provinces.
{{ cumulative_by_province('stg_industrial_parks', 'planned_year', 'park_count', 'share_of_parks') }}
