-- One row per enterprise and application field: an enterprise counts once in each of its fields.
select distinct
    e.edition,
    e.org_id,
    trim(field.code) as application_field,
    len(string_split(e.application_fields, ';')) as field_count
from {{ ref('int_enterprises') }} as e,
    unnest(string_split(e.application_fields, ';')) as field(code)
where trim(field.code) <> ''
