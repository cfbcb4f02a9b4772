-- Sample enterprises per province; all 31 provinces, zero where none (report section II.1).
with counts as (
    select province, count(*) as enterprise_count
    from {{ ref('int_enterprises') }}
    where edition = {{ current_edition() }}
    group by province
),
provinces as (
    {{ province_spine('counts', ['enterprise_count']) }}
)
select
    {{ current_edition() }} as edition,
    province_code,
    province_name_zh,
    province_name_en,
    enterprise_count,
    {{ share('enterprise_count', 'sum(enterprise_count) over ()') }} as share_of_enterprises,
    cast(rank() over (order by enterprise_count desc) as bigint) as province_rank
from provinces
