-- One row per research_institutions row of each loaded edition; the loader already normalised codes.
select
    edition,
    org_id,
    papers_domestic,
    papers_international,
    patent_count,
    _source_row,
    _load_id
from {{ source('raw', 'research_institutions') }}
