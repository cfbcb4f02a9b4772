-- Relations that occurred in the edition year, by type, with domestic and overseas counts
-- (report section IV). Domestic/overseas shares are of the type's total; `share_of_group` is the
-- type's share of its group (investment vs financing within investment and financing).
with relations as (
    select * from {{ ref('int_relations') }}
    where edition = {{ current_edition() }} and in_edition_year
),
types as (
    select * from (values
        ('technology', 'technology_input'),
        ('technology', 'technology_output'),
        ('human_capital', 'study_experience'),
        ('human_capital', 'work_experience'),
        ('investment_and_financing', 'investment'),
        ('investment_and_financing', 'financing')
    ) as t(relation_group, relation_type)
),
counts as (
    select
        relation_type,
        count(*) as relation_count,
        count(*) filter (where counterpart_is_domestic) as domestic_count,
        count(*) filter (where not counterpart_is_domestic) as overseas_count
    from relations
    group by relation_type
)
select
    {{ current_edition() }} as edition,
    t.relation_group,
    t.relation_type,
    coalesce(c.relation_count, 0) as relation_count,
    coalesce(c.domestic_count, 0) as domestic_count,
    coalesce(c.overseas_count, 0) as overseas_count,
    {{ share('coalesce(c.domestic_count, 0)', 'coalesce(c.relation_count, 0)') }} as domestic_share,
    {{ share('coalesce(c.overseas_count, 0)', 'coalesce(c.relation_count, 0)') }} as overseas_share,
    cast(sum(coalesce(c.relation_count, 0)) over (partition by t.relation_group) as bigint) as group_count,
    {{ share('coalesce(c.relation_count, 0)', 'sum(coalesce(c.relation_count, 0)) over (partition by t.relation_group)') }} as share_of_group
from types as t
left join counts as c using (relation_type)
