-- Conferences of each edition year counted by organiser and by city (long format), with each value's
-- rank (competition ranking) and share of the edition's conferences. `province` is the city's.
with counts as (
    select edition, 'organizer' as dimension, organizer as dimension_value, cast(null as {{ dbt.type_string() }}) as province,
           count(*) as conference_count
    from {{ ref('stg_conferences') }}
    group by all
    union all
    select edition, 'city', city, province, count(*)
    from {{ ref('stg_conferences') }}
    group by all
)
select
    *,
    cast(rank() over (partition by edition, dimension order by conference_count desc) as bigint) as conference_rank,
    {{ share('conference_count', 'sum(conference_count) over (partition by edition, dimension)') }}
        as share_of_conferences
from counts
