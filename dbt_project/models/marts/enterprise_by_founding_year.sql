-- Sample enterprises by founding year (report section II.1, creation time distribution).
select
    edition,
    founded_year,
    count(*) as enterprise_count,
    {{ share('count(*)', 'sum(count(*)) over ()') }} as share_of_enterprises
from {{ ref('int_enterprises') }}
where edition = {{ current_edition() }}
group by edition, founded_year
