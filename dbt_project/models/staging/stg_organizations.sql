-- One row per organizations row of each loaded edition; the loader already normalised codes.
select
    edition,
    org_id,
    name,
    org_type,
    country,
    province,
    city,
    integrative_sector,
    ai_core_sector,
    _source_row,
    _load_id
from {{ source('raw', 'organizations') }}
