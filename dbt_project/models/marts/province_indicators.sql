-- The 24 level-3 indicators of the report's section VI index, one row per province (all 31, zero
-- where a province has none, through the macro province_spine). Relation indicators count every relation known to the edition whose
-- sampled enterprise is in the province; "international" and "abroad" mean an overseas counterpart.
-- Indicator ids and weights live in the seed `index_weights`.
with base_and_technology as (
    select {{ split_list('members', "';'") }} as layers
    from {{ ref('dimension_values') }}
    where dimension = 'core_technology_scope' and code = 'base_and_technology'
),
enterprises as (
    select
        e.province,
        count(*) as enterprise_count,
        sum(coalesce(e.valuation_cny, 0)) as enterprise_valuation,
        avg(e.patent_count) as average_patents,
        count(*) filter (where {{ list_has('b.layers', 'e.tech_layer') }}) as base_technology_enterprises
    from {{ ref('int_enterprises') }} as e
    cross join base_and_technology as b
    where e.edition = {{ current_edition() }}
    group by e.province
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
        cast(sum(r.papers_domestic) filter (where o.org_type = 'university') as bigint) as university_domestic_papers,
        cast(sum(r.papers_international) filter (where o.org_type = 'university') as bigint) as university_international_papers,
        cast(sum(r.patent_count) filter (where o.org_type = 'university') as bigint) as university_patents,
        count(*) filter (where o.org_type = 'research_institute') as institute_count,
        cast(sum(r.papers_domestic) filter (where o.org_type = 'research_institute') as bigint) as institute_domestic_papers,
        cast(sum(r.papers_international) filter (where o.org_type = 'research_institute') as bigint) as institute_international_papers,
        cast(sum(r.patent_count) filter (where o.org_type = 'research_institute') as bigint) as institute_patents
    from {{ ref('stg_research_institutions') }} as r
    inner join {{ ref('int_organizations') }} as o on r.edition = o.edition and r.org_id = o.org_id
    where r.edition = {{ current_edition() }}
    group by o.province
),
linkers_and_government as (
    select province, cast(sum(conference_count) as bigint) as conference_count,
           cast(sum(alliance_count) as bigint) as alliance_count,
           cast(sum(industrial_park_count) as bigint) as industrial_park_count,
           cast(sum(policy_count) as bigint) as policy_count
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
),
enterprise_indicators as (
    {{ province_spine('enterprises', [
        'enterprise_count',
        'enterprise_valuation',
        'average_patents',
        'base_technology_enterprises',
    ]) }}
),
relation_indicators as (
    {{ province_spine('relations', [
        'technology_output_relations',
        'financing_relations',
        'financing_amount',
        'investment_relations',
        'study_abroad',
        'work_abroad',
        'international_technology_input',
        'international_technology_output',
    ]) }}
),
research_indicators as (
    {{ province_spine('research', [
        'university_count',
        'university_domestic_papers',
        'university_international_papers',
        'university_patents',
        'institute_count',
        'institute_domestic_papers',
        'institute_international_papers',
        'institute_patents',
    ]) }}
),
linker_indicators as (
    {{ province_spine('linkers_and_government', [
        'conference_count',
        'alliance_count',
        'industrial_park_count',
        'policy_count',
    ]) }}
)
select
    {{ current_edition() }} as edition,
    e.province_code,
    e.province_name_zh,
    e.province_name_en,
    e.enterprise_count,
    e.enterprise_valuation,
    e.average_patents,
    e.base_technology_enterprises,
    r.technology_output_relations,
    s.university_count,
    s.university_domestic_papers,
    s.university_international_papers,
    s.university_patents,
    s.institute_count,
    s.institute_domestic_papers,
    s.institute_international_papers,
    s.institute_patents,
    r.financing_relations,
    r.financing_amount,
    r.investment_relations,
    r.study_abroad,
    r.work_abroad,
    r.international_technology_input,
    r.international_technology_output,
    l.conference_count,
    l.alliance_count,
    l.industrial_park_count,
    l.policy_count
from enterprise_indicators as e
inner join relation_indicators as r using (province_code)
inner join research_indicators as s using (province_code)
inner join linker_indicators as l using (province_code)
