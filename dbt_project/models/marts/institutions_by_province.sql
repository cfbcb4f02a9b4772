-- Sampled universities and non-university research institutes per province; all 31 provinces.
with counts as (
    select
        o.province,
        count(*) filter (where o.org_type = 'university') as university_count,
        count(*) filter (where o.org_type = 'research_institute') as institute_count
    from {{ ref('stg_research_institutions') }} as r
    inner join {{ ref('int_organizations') }} as o on r.edition = o.edition and r.org_id = o.org_id
    where r.edition = {{ current_edition() }}
    group by o.province
),
provinces as (
    {{ province_spine('counts', ['university_count', 'institute_count']) }}
)
select
    {{ current_edition() }} as edition,
    province_code,
    province_name_zh,
    province_name_en,
    university_count,
    institute_count,
    {{ share('university_count', 'sum(university_count) over ()') }} as share_of_universities,
    {{ share('institute_count', 'sum(institute_count) over ()') }} as share_of_institutes
from provinces
