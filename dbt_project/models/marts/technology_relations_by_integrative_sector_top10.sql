-- Top 10 integrative industrial sectors of the counterparts of technology relations (report section IV).
-- Ties at the cut are kept.
select edition, direction, relation_rank, dimension_value, relation_count, direction_total, share_of_direction
from {{ ref('int_technology_relation_counts') }}
where edition = {{ current_edition() }}
  and dimension = 'integrative_sector'
  and relation_rank <= 10
