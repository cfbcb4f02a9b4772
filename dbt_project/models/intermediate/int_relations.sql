-- Relations with both ends described: the sample's province and layer, the counterpart's
-- country, province, domestic flag and sectors. `in_edition_year` marks the relations the
-- report's section IV counts (undated relations count as of the edition year).
select
    r.edition,
    r.relation_id,
    r.sample_id,
    s.name as sample_name,
    s.province as sample_province,
    s.tech_layer as sample_tech_layer,
    r.counterpart_id,
    c.name as counterpart_name,
    c.org_type as counterpart_org_type,
    c.country as counterpart_country,
    c.province as counterpart_province,
    c.is_domestic as counterpart_is_domestic,
    c.integrative_sector as counterpart_integrative_sector,
    c.ai_core_sector as counterpart_ai_core_sector,
    r.relation_type,
    r.occurred_on,
    coalesce(year(r.occurred_on), r.edition) = r.edition as in_edition_year,
    r.amount_cny
from {{ ref('stg_relations') }} as r
inner join {{ ref('int_enterprises') }} as s on r.edition = s.edition and r.sample_id = s.org_id
inner join {{ ref('int_organizations') }} as c on r.edition = c.edition and r.counterpart_id = c.org_id
