-- One row per alliances row of each loaded edition; the loader already normalised codes.
select
    edition,
    alliance_id,
    name,
    province,
    founded_on,
    _source_row,
    _load_id
from {{ source('raw', 'alliances') }}
