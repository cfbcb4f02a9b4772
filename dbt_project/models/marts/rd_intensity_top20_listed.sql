-- The 20 listed enterprises with the highest R&D intensity (R&D spending / revenue); ties at the
-- cut are kept; rows of equal intensity are ranked equally.
with ranked as (
    select
        edition, org_id, name, province, rd_intensity,
        cast(rank() over (order by rd_intensity desc) as bigint) as rd_rank
    from {{ ref('int_enterprises') }}
    where edition = {{ current_edition() }} and category = 'listed' and rd_intensity is not null
)
select edition, rd_rank, org_id, name, province, rd_intensity
from ranked
where rd_rank <= 20
