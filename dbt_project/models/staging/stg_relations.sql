-- One row per relations row of each loaded edition; the loader already normalised codes.
select
    edition,
    relation_id,
    sample_id,
    counterpart_id,
    relation_type,
    occurred_on,
    amount_cny,
    _source_row,
    _load_id
from {{ source('raw', 'relations') }}
