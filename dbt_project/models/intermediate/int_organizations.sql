-- Organisations with their province names, metro region and domestic flag.
select
    o.edition,
    o.org_id,
    o.name,
    o.org_type,
    o.country,
    o.province,
    p.name_zh as province_name_zh,
    p.name_en as province_name_en,
    p.metro_region,
    o.city,
    o.integrative_sector,
    o.ai_core_sector,
    d.country_code is not null as is_domestic
from {{ ref('stg_organizations') }} as o
left join {{ ref('provinces') }} as p on o.province = p.province_code
left join {{ ref('domestic_countries') }} as d on o.country = d.country_code
