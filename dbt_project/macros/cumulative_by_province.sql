{#-
  A cumulative table (policies, parks) per province for the edition: all 31 provinces, the count up
  to the end of the edition year, those new in the edition year, and the share of the edition's total.
-#}
{% macro cumulative_by_province(model, year_expression, count_column, share_column) %}
with counts as (
    select
        province,
        count(*) as item_count,
        count(*) filter (where {{ year_expression }} = edition) as new_in_edition
    from {{ ref(model) }}
    where edition = {{ current_edition() }}
    group by province
)
select
    {{ current_edition() }} as edition,
    p.province_code,
    p.name_zh as province_name_zh,
    p.name_en as province_name_en,
    coalesce(c.item_count, 0) as {{ count_column }},
    coalesce(c.new_in_edition, 0) as new_in_edition,
    {{ share('coalesce(c.item_count, 0)', 'sum(coalesce(c.item_count, 0)) over ()') }} as {{ share_column }}
from {{ ref('provinces') }} as p
left join counts as c on c.province = p.province_code
{% endmacro %}
