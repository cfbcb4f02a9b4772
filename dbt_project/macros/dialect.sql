{#- The SQL that differs between the engines (DuckDB, Spark), each behind adapter.dispatch, so that every
    model stays one file. A new engine adds its own `<adapter>__` variant here. -#}

{#- A ';'-separated text as a list. -#}
{% macro split_list(text, separator) -%}
    {{ return(adapter.dispatch('split_list', 'ieo')(text, separator)) }}
{%- endmacro %}
{% macro default__split_list(text, separator) -%} string_split({{ text }}, {{ separator }}) {%- endmacro %}
{#- Spark's split takes a regular expression: the separator is quoted so that it matches literally. -#}
{% macro spark__split_list(text, separator) -%} split({{ text }}, concat('\\Q', {{ separator }}, '\\E')) {%- endmacro %}

{#- Whether a list holds a value. -#}
{% macro list_has(list, value) -%}
    {{ return(adapter.dispatch('list_has', 'ieo')(list, value)) }}
{%- endmacro %}
{% macro default__list_has(list, value) -%} list_contains({{ list }}, {{ value }}) {%- endmacro %}
{% macro spark__list_has(list, value) -%} array_contains({{ list }}, {{ value }}) {%- endmacro %}

{#- How many items a list has (DuckDB's len; on Spark, len would count a string's characters). -#}
{% macro list_size(list) -%}
    {{ return(adapter.dispatch('list_size', 'ieo')(list)) }}
{%- endmacro %}
{% macro default__list_size(list) -%} len({{ list }}) {%- endmacro %}
{% macro spark__list_size(list) -%} size({{ list }}) {%- endmacro %}

{#- A FROM-clause item giving one row per item of a list, as `alias(column)`, beside the rows it comes from. -#}
{% macro unnest_list(list, alias, column) -%}
    {{ return(adapter.dispatch('unnest_list', 'ieo')(list, alias, column)) }}
{%- endmacro %}
{% macro default__unnest_list(list, alias, column) -%} unnest({{ list }}) as {{ alias }}({{ column }}) {%- endmacro %}
{% macro spark__unnest_list(list, alias, column) -%} lateral explode({{ list }}) as {{ alias }}({{ column }}) {%- endmacro %}
