-- Every organisation of the edition as a value-network node, with the labels the network
-- tables group by: whether it is a sampled enterprise (and its technology layer), its region
-- (the province in mainland China, otherwise the country or territory, as the report's ego
-- tables list Hong Kong beside Guangdong) and its industry (AI core sector, else integrative sector).
select
    o.edition,
    o.org_id,
    o.name,
    o.org_type,
    e.org_id is not null as is_sample,
    e.tech_layer,
    case when o.country = 'CN' then o.province else o.country end as region_code,
    case when o.country = 'CN' then o.province_name_en else c.name_en end as region_name_en,
    case when o.country = 'CN' then o.province_name_zh else c.name_zh end as region_name_zh,
    coalesce(o.ai_core_sector, o.integrative_sector) as industry_code,
    coalesce(a.label_en, i.label_en) as industry_name_en,
    coalesce(a.label_zh, i.label_zh) as industry_name_zh
from {{ ref('int_organizations') }} as o
left join {{ ref('int_enterprises') }} as e on o.edition = e.edition and o.org_id = e.org_id
left join {{ ref('countries') }} as c on o.country = c.country_code
left join {{ ref('ai_core_sectors') }} as a on o.ai_core_sector = a.code
left join {{ ref('integrative_sectors') }} as i on o.integrative_sector = i.code
