-- The 20 cities that held the most AI conferences in the edition year (ties at the cut kept).
{{ conference_top(['city', 'province'], 'city_rank') }}
