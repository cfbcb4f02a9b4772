-- Subjects of the sample database by type and subtype (report section I).
with subjects as (
    select edition, 'enterprise' as subject_type, category as subtype, count(*) as subject_count
    from {{ ref('stg_enterprises') }} group by all
    union all
    select edition, 'investor', 'investor', count(*) from {{ ref('stg_investors') }} group by all
    union all
    select r.edition, 'research', o.org_type, count(*)
    from {{ ref('stg_research_institutions') }} as r
    inner join {{ ref('stg_organizations') }} as o on r.edition = o.edition and r.org_id = o.org_id
    group by all
    union all
    select edition, 'linker', 'conference', count(*) from {{ ref('stg_conferences') }} group by all
    union all
    select edition, 'linker', 'alliance', count(*) from {{ ref('stg_alliances') }} group by all
    union all
    select edition, 'government', 'policy', count(*) from {{ ref('stg_policies') }} group by all
    union all
    select edition, 'government', 'industrial_park', count(*) from {{ ref('stg_industrial_parks') }} group by all
)
select
    edition,
    subject_type,
    subtype,
    subject_count,
    cast(sum(subject_count) over (partition by edition, subject_type) as bigint) as subject_type_total,
    cast(sum(subject_count) over (partition by edition) as bigint) as edition_total,
    {{ share('subject_count', 'sum(subject_count) over (partition by edition)') }} as share_of_edition
from subjects
where edition = {{ current_edition() }}
