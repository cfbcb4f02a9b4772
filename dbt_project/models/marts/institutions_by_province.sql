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
)
select
    {{ current_edition() }} as edition,
    p.province_code,
    p.name_zh as province_name_zh,
    p.name_en as province_name_en,
    coalesce(c.university_count, 0) as university_count,
    coalesce(c.institute_count, 0) as institute_count,
    {{ share('coalesce(c.university_count, 0)', 'sum(coalesce(c.university_count, 0)) over ()') }} as share_of_universities,
    {{ share('coalesce(c.institute_count, 0)', 'sum(coalesce(c.institute_count, 0)) over ()') }} as share_of_institutes
from {{ ref('provinces') }} as p
left join counts as c on c.province = p.province_code
