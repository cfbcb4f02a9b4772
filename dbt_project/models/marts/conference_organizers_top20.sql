-- The 20 organisers of the most AI conferences in the edition year (ties at the cut kept).
{{ conference_top(['organizer'], 'organizer_rank') }}
