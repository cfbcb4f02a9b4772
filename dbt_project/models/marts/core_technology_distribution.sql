-- Core technologies of all sample enterprises (scope `all`) and of the base- and technology-layer
-- enterprises (scope `base_and_technology`); shares are within the scope.
with scoped as (
    select 'all' as scope, core_technology from {{ ref('int_enterprises') }}
    where edition = {{ current_edition() }}
    union all
    select 'base_and_technology', core_technology from {{ ref('int_enterprises') }}
    where edition = {{ current_edition() }} and tech_layer in ('base', 'technology')
)
select
    {{ current_edition() }} as edition,
    scope,
    core_technology,
    count(*) as enterprise_count,
    {{ share('count(*)', 'sum(count(*)) over (partition by scope)') }} as share_of_scope,
    rank() over (partition by scope order by count(*) desc) as technology_rank
from scoped
group by scope, core_technology
