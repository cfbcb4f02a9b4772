-- Sample enterprises per technology layer (every layer of the seed `dimension_values`, zero when none);
-- share of all sample enterprises of the edition.
with layers as (
    select code as tech_layer
    from {{ ref('dimension_values') }}
    where dimension = 'tech_layer'
),
counts as (
    select tech_layer, count(*) as enterprise_count
    from {{ ref('int_enterprises') }}
    where edition = {{ current_edition() }}
    group by tech_layer
)
select
    {{ current_edition() }} as edition,
    l.tech_layer,
    coalesce(c.enterprise_count, 0) as enterprise_count,
    {{ share('coalesce(c.enterprise_count, 0)', 'sum(coalesce(c.enterprise_count, 0)) over ()') }} as share_of_enterprises
from layers as l
left join counts as c using (tech_layer)
