-- Top 10 AI core industrial sectors of the counterparts of technology relations (report section IV).
-- Ties at the cut are kept.
select edition, direction, relation_rank, dimension_value, relation_count, direction_total, share_of_direction
from {{ ref('int_technology_relation_counts') }}
where edition = {{ current_edition() }}
  and dimension = 'ai_core_sector'
  and relation_rank <= 10
