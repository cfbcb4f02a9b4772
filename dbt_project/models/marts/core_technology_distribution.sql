-- Core technologies per scope of the seed `dimension_values` (ieo.names.CORE_TECHNOLOGY_SCOPES):
-- `all` sample enterprises, and `base_and_technology` (the layers listed in `members`); shares are within the scope.
with scopes as (
    select code as scope, members
    from {{ ref('dimension_values') }}
    where dimension = 'core_technology_scope'
),
scoped as (
    select s.scope, e.core_technology
    from {{ ref('int_enterprises') }} as e
    join scopes as s
        on s.members is null or {{ list_has(split_list('s.members', "';'"), 'e.tech_layer') }}
    where e.edition = {{ current_edition() }}
)
select
    {{ current_edition() }} as edition,
    scope,
    core_technology,
    count(*) as enterprise_count,
    {{ share('count(*)', 'sum(count(*)) over (partition by scope)') }} as share_of_scope,
    cast(rank() over (partition by scope order by count(*) desc) as bigint) as technology_rank
from scoped
group by scope, core_technology
