-- Where the 200 enterprises with the most patents are (ties at the cut are kept, so there may be
-- more than 200); shares are of those enterprises and of their patents.
with ranked as (
    select province, patent_count, cast(rank() over (order by patent_count desc) as bigint) as patent_rank
    from {{ ref('int_enterprises') }}
    where edition = {{ current_edition() }}
),
top as (
    select * from ranked where patent_rank <= 200
)
select
    {{ current_edition() }} as edition,
    t.province as province_code,
    p.name_zh as province_name_zh,
    p.name_en as province_name_en,
    count(*) as enterprise_count,
    cast(sum(t.patent_count) as bigint) as patent_count,
    {{ share('count(*)', 'sum(count(*)) over ()') }} as share_of_enterprises,
    {{ share('sum(t.patent_count)', 'sum(sum(t.patent_count)) over ()') }} as share_of_patents
from top as t
left join {{ ref('provinces') }} as p on p.province_code = t.province
group by all
