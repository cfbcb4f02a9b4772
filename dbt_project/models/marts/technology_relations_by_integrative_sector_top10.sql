-- Top 10 integrative industrial sectors of the counterparts of technology relations (report section IV).
{{ technology_top('counterpart_integrative_sector') }}
