-- The 20 cities that held the most AI conferences in the edition year (ties at the cut kept).
select
    edition,
    conference_rank as city_rank,
    dimension_value as city,
    province,
    conference_count,
    share_of_conferences
from {{ ref('int_conference_counts') }}
where edition = {{ current_edition() }}
  and dimension = 'city'
  and conference_rank <= 20
