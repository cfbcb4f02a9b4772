{#- A raw table holds every edition; an ID must be unique within its edition only. -#}
{% test unique_within_edition(model, column_name) %}
select edition, {{ column_name }}, count(*) as occurrences
from {{ model }}
where {{ column_name }} is not null
group by edition, {{ column_name }}
having count(*) > 1
{% endtest %}
