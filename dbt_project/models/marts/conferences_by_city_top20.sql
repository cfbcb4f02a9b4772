-- The 20 cities that held the most AI conferences in the edition year (ties at the cut kept).
with counts as (
    select edition, city, province, count(*) as conference_count
    from {{ ref('stg_conferences') }}
    where edition = {{ current_edition() }}
    group by all
),
ranked as (
    select
        *,
        rank() over (order by conference_count desc) as city_rank,
        {{ share('conference_count', 'sum(conference_count) over ()') }} as share_of_conferences
    from counts
)
select edition, city_rank, city, province, conference_count, share_of_conferences
from ranked
where city_rank <= 20
