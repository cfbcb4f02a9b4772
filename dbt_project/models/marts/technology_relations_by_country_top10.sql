-- Top 10 overseas countries and regions of the counterparts of technology input and output relations (report section IV); domestic counterparts are left out.
-- Ties at the cut are kept.
select edition, direction, relation_rank, dimension_value, relation_count, direction_total, share_of_direction
from {{ ref('int_technology_relation_counts') }}
where edition = {{ current_edition() }}
  and dimension = 'country'
  and relation_rank <= 10
