-- Top 10 overseas countries and regions of the counterparts of technology input and output
-- relations (report section IV); domestic counterparts are left out.
{{ technology_top('counterpart_country', where='not counterpart_is_domestic') }}
