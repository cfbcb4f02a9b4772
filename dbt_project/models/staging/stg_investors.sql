-- One row per investors row of each loaded edition; the loader already normalised codes.
select
    edition,
    org_id,
    investor_kind,
    _source_row,
    _load_id
from {{ source('raw', 'investors') }}
