-- The 20 organisers of the most AI conferences in the edition year (ties at the cut kept).
with counts as (
    select edition, organizer, count(*) as conference_count
    from {{ ref('stg_conferences') }}
    where edition = {{ current_edition() }}
    group by all
),
ranked as (
    select
        *,
        rank() over (order by conference_count desc) as organizer_rank,
        {{ share('conference_count', 'sum(conference_count) over ()') }} as share_of_conferences
    from counts
)
select edition, organizer_rank, organizer, conference_count, share_of_conferences
from ranked
where organizer_rank <= 20
