-- Patents per technology layer: share of all sample enterprises' patents, and the average per enterprise.
select
    edition,
    tech_layer,
    count(*) as enterprise_count,
    cast(sum(patent_count) as bigint) as patent_count,
    {{ share('sum(patent_count)', 'sum(sum(patent_count)) over ()') }} as share_of_patents,
    cast(sum(patent_count) as double) / count(*) as patents_per_enterprise
from {{ ref('int_enterprises') }}
where edition = {{ current_edition() }}
group by edition, tech_layer
