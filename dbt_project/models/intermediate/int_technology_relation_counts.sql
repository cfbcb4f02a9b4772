-- Technology relations of each edition year counted by one attribute of the counterpart (long format):
-- per edition, direction and dimension, each value's count, rank (competition ranking: ties share a
-- rank) and share of all technology relations of that direction in the edition year, domestic and
-- overseas, as the report prints them (Beijing 325 / 1,095). Countries count overseas counterparts only.
with relations as (
    select
        edition,
        case relation_type when 'technology_input' then 'input' else 'output' end as direction,
        counterpart_province,
        counterpart_country,
        counterpart_is_domestic,
        counterpart_integrative_sector,
        counterpart_ai_core_sector
    from {{ ref('int_relations') }}
    where in_edition_year
      and relation_type in ('technology_input', 'technology_output')
),
totals as (
    select edition, direction, count(*) as direction_total
    from relations
    group by edition, direction
),
by_dimension as (
    select edition, direction, 'province' as dimension, counterpart_province as dimension_value from relations
    union all
    select edition, direction, 'country', counterpart_country from relations where not counterpart_is_domestic
    union all
    select edition, direction, 'integrative_sector', counterpart_integrative_sector from relations
    union all
    select edition, direction, 'ai_core_sector', counterpart_ai_core_sector from relations
),
counts as (
    select edition, direction, dimension, dimension_value, count(*) as relation_count
    from by_dimension
    where dimension_value is not null
    group by edition, direction, dimension, dimension_value
)
select
    c.edition,
    c.direction,
    c.dimension,
    c.dimension_value,
    c.relation_count,
    t.direction_total,
    cast(rank() over (partition by c.edition, c.dimension, c.direction order by c.relation_count desc) as bigint) as relation_rank,
    {{ share('c.relation_count', 't.direction_total') }} as share_of_direction
from counts as c
inner join totals as t using (edition, direction)
