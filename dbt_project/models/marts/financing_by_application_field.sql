-- Financing amounts by application field, over every financing relation with an amount known to
-- the edition. An enterprise's amount is split equally among its fields, so the shares sum to 1.
with financed as (
    select sample_id, sum(amount_cny) as amount_cny
    from {{ ref('int_relations') }}
    where edition = {{ current_edition() }} and relation_type = 'financing' and amount_cny is not null
    group by sample_id
),
by_field as (
    select
        f.application_field,
        count(*) as financed_enterprises,
        sum(fin.amount_cny / f.field_count) as amount_cny
    from financed as fin
    inner join {{ ref('int_enterprise_application_fields') }} as f
        on f.edition = {{ current_edition() }} and f.org_id = fin.sample_id
    group by f.application_field
)
select
    {{ current_edition() }} as edition,
    t.code as application_field,
    t.label_en,
    coalesce(b.financed_enterprises, 0) as financed_enterprises,
    coalesce(b.amount_cny, 0) as amount_cny,
    {{ share('coalesce(b.amount_cny, 0)', 'sum(coalesce(b.amount_cny, 0)) over ()') }} as share_of_amount,
    (select count(*) from financed) as financed_enterprises_total
from {{ ref('application_fields') }} as t
left join by_field as b on b.application_field = t.code
