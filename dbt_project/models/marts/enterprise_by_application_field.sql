-- Enterprises per application field; an enterprise counts once in each of its fields, so the
-- shares of enterprises sum to more than 1, and the shares of field assignments sum to 1.
with counts as (
    select application_field, count(*) as enterprise_count
    from {{ ref('int_enterprise_application_fields') }}
    where edition = {{ current_edition() }}
    group by application_field
),
enterprises as (
    select count(*) as enterprises from {{ ref('int_enterprises') }} where edition = {{ current_edition() }}
)
select
    {{ current_edition() }} as edition,
    f.code as application_field,
    f.label_en,
    f.label_zh,
    coalesce(c.enterprise_count, 0) as enterprise_count,
    {{ share('coalesce(c.enterprise_count, 0)', 'e.enterprises') }} as share_of_enterprises,
    {{ share('coalesce(c.enterprise_count, 0)', 'sum(coalesce(c.enterprise_count, 0)) over ()') }} as share_of_assignments,
    cast(rank() over (order by coalesce(c.enterprise_count, 0) desc) as bigint) as field_rank
from {{ ref('application_fields') }} as f
cross join enterprises as e
left join counts as c on c.application_field = f.code
