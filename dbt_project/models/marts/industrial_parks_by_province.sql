-- AI industrial parks per province: cumulative to the end of the edition year, and those planned
-- in the edition year; all 31 provinces.
with counts as (
    select
        province,
        count(*) as park_count,
        count(*) filter (where planned_year = edition) as new_in_edition
    from {{ ref('stg_industrial_parks') }}
    where edition = {{ current_edition() }}
    group by province
)
select
    {{ current_edition() }} as edition,
    p.province_code,
    p.name_zh as province_name_zh,
    p.name_en as province_name_en,
    coalesce(c.park_count, 0) as park_count,
    coalesce(c.new_in_edition, 0) as new_in_edition,
    {{ share('coalesce(c.park_count, 0)', 'sum(coalesce(c.park_count, 0)) over ()') }} as share_of_parks
from {{ ref('provinces') }} as p
left join counts as c on c.province = p.province_code
