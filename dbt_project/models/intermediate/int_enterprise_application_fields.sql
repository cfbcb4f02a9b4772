-- One row per enterprise and application field: an enterprise counts once in each of its fields.
select distinct
    e.edition,
    e.org_id,
    trim(field.code) as application_field,
    {{ list_size(split_list('e.application_fields', "';'")) }} as field_count
from {{ ref('int_enterprises') }} as e,
    {{ unnest_list(split_list('e.application_fields', "';'"), 'field', 'code') }}
where trim(field.code) <> ''
