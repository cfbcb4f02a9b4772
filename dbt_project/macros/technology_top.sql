{#-
  Technology relations of the edition year by one attribute of the counterpart, top `n` per
  direction with ties at the cut kept. Shares are of all technology relations of that direction
  in the edition year, domestic and overseas, as the report prints them (Beijing 325 / 1,095).
-#}
{% macro technology_top(dimension_column, n=10, where='true') %}
with relations as (
    select
        case relation_type when 'technology_input' then 'input' else 'output' end as direction,
        {{ dimension_column }} as dimension_value,
        ({{ where }}) as is_listed
    from {{ ref('int_relations') }}
    where edition = {{ current_edition() }}
      and in_edition_year
      and relation_type in ('technology_input', 'technology_output')
),
totals as (
    select direction, count(*) as direction_total from relations group by direction
),
counts as (
    select direction, dimension_value, count(*) as relation_count
    from relations
    where dimension_value is not null and is_listed
    group by direction, dimension_value
),
ranked as (
    select
        c.*,
        t.direction_total,
        rank() over (partition by c.direction order by c.relation_count desc) as relation_rank
    from counts as c
    inner join totals as t using (direction)
)
select
    {{ current_edition() }} as edition,
    direction,
    relation_rank,
    dimension_value,
    relation_count,
    direction_total,
    {{ share('relation_count', 'direction_total') }} as share_of_direction
from ranked
where relation_rank <= {{ n }}
{% endmacro %}
