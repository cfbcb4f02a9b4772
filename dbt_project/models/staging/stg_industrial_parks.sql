-- One row per industrial_parks row of each loaded edition; the loader already normalised codes.
select
    edition,
    park_id,
    name,
    province,
    city,
    planned_year,
    _source_row,
    _load_id
from {{ source('raw', 'industrial_parks') }}
