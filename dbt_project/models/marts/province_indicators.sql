-- The 24 level-3 indicators of the report's section VI index, one row per province (all 31, zero
-- where a province has none). Relation indicators count every relation known to the edition whose
-- sampled enterprise is in the province; "international" and "abroad" mean an overseas counterpart.
-- Indicator ids and weights live in the seed `index_weights`.
with enterprises as (
    select
        province,
        count(*) as enterprise_count,
        sum(coalesce(valuation_cny, 0)) as enterprise_valuation,
        avg(patent_count) as average_patents,
        count(*) filter (where tech_layer in ('base', 'technology')) as base_technology_enterprises
    from {{ ref('int_enterprises') }}
    where edition = {{ current_edition() }}
    group by province
),
relations as (
    select
        sample_province as province,
        count(*) filter (where relation_type = 'technology_output') as technology_output_relations,
        count(*) filter (where relation_type = 'financing') as financing_relations,
        sum(amount_cny) filter (where relation_type = 'financing') as financing_amount,
        count(*) filter (where relation_type = 'investment') as investment_relations,
        count(*) filter (where relation_type = 'study_experience' and not counterpart_is_domestic) as study_abroad,
        count(*) filter (where relation_type = 'work_experience' and not counterpart_is_domestic) as work_abroad,
        count(*) filter (where relation_type = 'technology_input' and not counterpart_is_domestic)
            as international_technology_input,
        count(*) filter (where relation_type = 'technology_output' and not counterpart_is_domestic)
            as international_technology_output
    from {{ ref('int_relations') }}
    where edition = {{ current_edition() }}
    group by sample_province
),
research as (
    select
        o.province,
        count(*) filter (where o.org_type = 'university') as university_count,
        sum(r.papers_domestic) filter (where o.org_type = 'university') as university_domestic_papers,
        sum(r.papers_international) filter (where o.org_type = 'university') as university_international_papers,
        sum(r.patent_count) filter (where o.org_type = 'university') as university_patents,
        count(*) filter (where o.org_type = 'research_institute') as institute_count,
        sum(r.papers_domestic) filter (where o.org_type = 'research_institute') as institute_domestic_papers,
        sum(r.papers_international) filter (where o.org_type = 'research_institute') as institute_international_papers,
        sum(r.patent_count) filter (where o.org_type = 'research_institute') as institute_patents
    from {{ ref('stg_research_institutions') }} as r
    inner join {{ ref('int_organizations') }} as o on r.edition = o.edition and r.org_id = o.org_id
    where r.edition = {{ current_edition() }}
    group by o.province
),
linkers_and_government as (
    select province, sum(conference_count) as conference_count, sum(alliance_count) as alliance_count,
           sum(industrial_park_count) as industrial_park_count, sum(policy_count) as policy_count
    from (
        select province, 1 as conference_count, 0 as alliance_count, 0 as industrial_park_count, 0 as policy_count
        from {{ ref('stg_conferences') }} where edition = {{ current_edition() }}
        union all
        select province, 0, 1, 0, 0 from {{ ref('stg_alliances') }} where edition = {{ current_edition() }}
        union all
        select province, 0, 0, 1, 0 from {{ ref('stg_industrial_parks') }} where edition = {{ current_edition() }}
        union all
        select province, 0, 0, 0, 1 from {{ ref('stg_policies') }} where edition = {{ current_edition() }}
    )
    group by province
)
select
    {{ current_edition() }} as edition,
    p.province_code,
    p.name_zh as province_name_zh,
    p.name_en as province_name_en,
    coalesce(e.enterprise_count, 0) as enterprise_count,
    coalesce(e.enterprise_valuation, 0) as enterprise_valuation,
    coalesce(e.average_patents, 0) as average_patents,
    coalesce(e.base_technology_enterprises, 0) as base_technology_enterprises,
    coalesce(r.technology_output_relations, 0) as technology_output_relations,
    coalesce(s.university_count, 0) as university_count,
    coalesce(s.university_domestic_papers, 0) as university_domestic_papers,
    coalesce(s.university_international_papers, 0) as university_international_papers,
    coalesce(s.university_patents, 0) as university_patents,
    coalesce(s.institute_count, 0) as institute_count,
    coalesce(s.institute_domestic_papers, 0) as institute_domestic_papers,
    coalesce(s.institute_international_papers, 0) as institute_international_papers,
    coalesce(s.institute_patents, 0) as institute_patents,
    coalesce(r.financing_relations, 0) as financing_relations,
    coalesce(r.financing_amount, 0) as financing_amount,
    coalesce(r.investment_relations, 0) as investment_relations,
    coalesce(r.study_abroad, 0) as study_abroad,
    coalesce(r.work_abroad, 0) as work_abroad,
    coalesce(r.international_technology_input, 0) as international_technology_input,
    coalesce(r.international_technology_output, 0) as international_technology_output,
    coalesce(l.conference_count, 0) as conference_count,
    coalesce(l.alliance_count, 0) as alliance_count,
    coalesce(l.industrial_park_count, 0) as industrial_park_count,
    coalesce(l.policy_count, 0) as policy_count
from {{ ref('provinces') }} as p
left join enterprises as e on e.province = p.province_code
left join relations as r on r.province = p.province_code
left join research as s on s.province = p.province_code
left join linkers_and_government as l on l.province = p.province_code
