{#- A fraction in [0, 1]; zero, not null, when the denominator is zero. -#}
{% macro share(numerator, denominator) -%}
    coalesce(cast({{ numerator }} as double) / nullif({{ denominator }}, 0), 0.0)
{%- endmacro %}
