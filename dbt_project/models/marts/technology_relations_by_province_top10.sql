-- Top 10 provinces of the counterparts of technology input and output relations (report section IV).
{{ technology_top('counterpart_province') }}
