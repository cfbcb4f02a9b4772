-- Top 10 AI core industrial sectors of the counterparts of technology relations (report section IV).
{{ technology_top('counterpart_ai_core_sector') }}
