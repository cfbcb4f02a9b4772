{#-
  Every one of the 31 provinces (seed `provinces`: code and names) with the `columns` of `counts`, a
  relation holding one row per province in column `province`; a column is zero where a province has none.
-#}
{% macro province_spine(counts, columns) %}
select
    p.province_code,
    p.name_zh as province_name_zh,
    p.name_en as province_name_en
    {%- for column in columns %},
    coalesce(c.{{ column }}, 0) as {{ column }}
    {%- endfor %}
from {{ ref('provinces') }} as p
left join {{ counts }} as c on c.province = p.province_code
{% endmacro %}
