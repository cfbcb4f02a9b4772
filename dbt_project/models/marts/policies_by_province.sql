-- AI policy documents per issuing province: cumulative to the end of the edition year, and those
-- issued in the edition year; all 31 provinces.
with counts as (
    select
        province,
        count(*) as policy_count,
        count(*) filter (where year(issued_on) = edition) as new_in_edition
    from {{ ref('stg_policies') }}
    where edition = {{ current_edition() }}
    group by province
)
select
    {{ current_edition() }} as edition,
    p.province_code,
    p.name_zh as province_name_zh,
    p.name_en as province_name_en,
    coalesce(c.policy_count, 0) as policy_count,
    coalesce(c.new_in_edition, 0) as new_in_edition,
    {{ share('coalesce(c.policy_count, 0)', 'sum(coalesce(c.policy_count, 0)) over ()') }} as share_of_policies
from {{ ref('provinces') }} as p
left join counts as c on c.province = p.province_code
