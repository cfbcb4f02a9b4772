-- One row per enterprises row of each loaded edition; the loader already normalised codes.
select
    edition,
    org_id,
    category,
    founded_year,
    tech_layer,
    core_technology,
    application_fields,
    patent_count,
    rd_intensity,
    valuation_cny,
    _source_row,
    _load_id
from {{ source('raw', 'enterprises') }}
