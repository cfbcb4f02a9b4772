{#- Each value points at a row of `to` in the same edition (relationships, edition by edition). -#}
{% test exists_in_edition(model, column_name, to, field) %}
select child.edition, child.{{ column_name }}
from {{ model }} as child
left join {{ to }} as parent
    on parent.edition = child.edition and parent.{{ field }} = child.{{ column_name }}
where child.{{ column_name }} is not null and parent.{{ field }} is null
{% endtest %}
