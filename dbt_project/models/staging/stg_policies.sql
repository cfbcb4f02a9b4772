-- One row per policies row of each loaded edition; the loader already normalised codes.
select
    edition,
    policy_id,
    title,
    province,
    issued_on,
    _source_row,
    _load_id
from {{ source('raw', 'policies') }}
