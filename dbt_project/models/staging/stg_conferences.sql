-- One row per conferences row of each loaded edition; the loader already normalised codes.
select
    edition,
    conference_id,
    name,
    city,
    province,
    organizer,
    held_on,
    _source_row,
    _load_id
from {{ source('raw', 'conferences') }}
