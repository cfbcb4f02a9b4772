{#-
  A cumulative table (policies, parks) per province for the edition: all 31 provinces, the count up
  to the end of the edition year, those new in the edition year, and the share of the edition's total.
-#}
{% macro cumulative_by_province(model, year_expression, count_column, share_column) %}
with counts as (
    select
        province,
        count(*) as {{ count_column }},
        count(*) filter (where {{ year_expression }} = edition) as new_in_edition
    from {{ ref(model) }}
    where edition = {{ current_edition() }}
    group by province
),
provinces as (
    {{ province_spine('counts', [count_column, 'new_in_edition']) }}
)
select
    {{ current_edition() }} as edition,
    province_code,
    province_name_zh,
    province_name_en,
    {{ count_column }},
    new_in_edition,
    {{ share(count_column, 'sum(' ~ count_column ~ ') over ()') }} as {{ share_column }}
from provinces
{% endmacro %}
