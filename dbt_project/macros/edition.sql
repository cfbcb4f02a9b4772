{#- The edition a partitioned run works on (dbt var `edition`, passed by Dagster per partition). -#}
{% macro current_edition() -%}
    cast({{ var('edition') }} as integer)
{%- endmacro %}
