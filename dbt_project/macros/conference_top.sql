{#- Conferences of the edition year grouped by `columns`, top `n` with ties at the cut kept. -#}
{% macro conference_top(columns, rank_column, n=20) %}
with counts as (
    select edition, {{ columns | join(', ') }}, count(*) as conference_count
    from {{ ref('stg_conferences') }}
    where edition = {{ current_edition() }}
    group by all
),
ranked as (
    select
        *,
        rank() over (order by conference_count desc) as {{ rank_column }},
        {{ share('conference_count', 'sum(conference_count) over ()') }} as share_of_conferences
    from counts
)
select edition, {{ rank_column }}, {{ columns | join(', ') }}, conference_count, share_of_conferences
from ranked
where {{ rank_column }} <= {{ n }}
{% endmacro %}
