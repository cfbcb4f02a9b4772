-- Sample enterprises per national metropolitan region; enterprises outside the four regions form `outside`.
with regions as (
    select metro_region from {{ ref('metro_regions') }}
    union all
    select 'outside'
),
counts as (
    select coalesce(metro_region, 'outside') as metro_region, count(*) as enterprise_count
    from {{ ref('int_enterprises') }}
    where edition = {{ current_edition() }}
    group by all
)
select
    {{ current_edition() }} as edition,
    r.metro_region,
    coalesce(c.enterprise_count, 0) as enterprise_count,
    {{ share('coalesce(c.enterprise_count, 0)', 'sum(coalesce(c.enterprise_count, 0)) over ()') }} as share_of_enterprises,
    cast(rank() over (order by coalesce(c.enterprise_count, 0) desc) as bigint) as region_rank
from regions as r
left join counts as c on c.metro_region = r.metro_region
