-- The 30 universities with the most international papers (ties at the cut kept); share of all
-- sampled universities' international papers.
with universities as (
    select r.edition, r.org_id, o.name, o.province, r.papers_international
    from {{ ref('stg_research_institutions') }} as r
    inner join {{ ref('int_organizations') }} as o on r.edition = o.edition and r.org_id = o.org_id
    where r.edition = {{ current_edition() }} and o.org_type = 'university'
),
ranked as (
    select
        *,
        cast(rank() over (order by papers_international desc) as bigint) as paper_rank,
        {{ share('papers_international', 'sum(papers_international) over ()') }} as share_of_papers
    from universities
)
select edition, paper_rank, org_id, name, province, papers_international, share_of_papers
from ranked
where paper_rank <= 30
