{#- The shares of each group (e.g. each edition, or edition and direction) add up to 1. -#}
{% test sums_to_one(model, column_name, group_by=['edition'], tolerance=0.000001) %}
select {{ group_by | join(', ') }}, sum({{ column_name }}) as total
from {{ model }}
group by {{ group_by | join(', ') }}
having sum({{ column_name }}) > 0 and abs(sum({{ column_name }}) - 1) > {{ tolerance }}
{% endtest %}
