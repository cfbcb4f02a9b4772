-- Sample enterprises per province; all 31 provinces, zero where none (report section II.1).
with counts as (
    select province, count(*) as enterprise_count
    from {{ ref('int_enterprises') }}
    where edition = {{ current_edition() }}
    group by province
)
select
    {{ current_edition() }} as edition,
    p.province_code,
    p.name_zh as province_name_zh,
    p.name_en as province_name_en,
    coalesce(c.enterprise_count, 0) as enterprise_count,
    {{ share('coalesce(c.enterprise_count, 0)', 'sum(coalesce(c.enterprise_count, 0)) over ()') }} as share_of_enterprises,
    rank() over (order by coalesce(c.enterprise_count, 0) desc) as province_rank
from {{ ref('provinces') }} as p
left join counts as c on c.province = p.province_code
