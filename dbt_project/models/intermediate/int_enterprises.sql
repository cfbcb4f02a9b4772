-- Sampled enterprises with their organisation's name, province, metro region and sectors.
select
    e.edition,
    e.org_id,
    o.name,
    e.category,
    e.founded_year,
    e.tech_layer,
    e.core_technology,
    e.application_fields,
    e.patent_count,
    e.rd_intensity,
    e.valuation_cny,
    o.province,
    o.province_name_zh,
    o.province_name_en,
    o.metro_region,
    o.integrative_sector,
    o.ai_core_sector
from {{ ref('stg_enterprises') }} as e
inner join {{ ref('int_organizations') }} as o on e.edition = o.edition and e.org_id = o.org_id
