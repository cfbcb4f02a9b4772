-- AI policy documents per issuing province: cumulative to the end of the edition year, and those
-- issued in the edition year; all 31 provinces.
{{ cumulative_by_province('stg_policies', 'year(issued_on)', 'policy_count', 'share_of_policies') }}
