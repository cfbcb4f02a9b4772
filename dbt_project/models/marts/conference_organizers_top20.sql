-- The 20 organisers of the most AI conferences in the edition year (ties at the cut kept).
select
    edition,
    conference_rank as organizer_rank,
    dimension_value as organizer,
    conference_count,
    share_of_conferences
from {{ ref('int_conference_counts') }}
where edition = {{ current_edition() }}
  and dimension = 'organizer'
  and conference_rank <= 20
