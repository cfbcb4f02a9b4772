"""City columns resolved against the cities seed, told apart by the row's province (the raw reader's last step)."""

from __future__ import annotations

import pandas as pd

from ieo import contract as c
from ieo.raw_errors import RawError
from ieo.reference import city_lookup, province_lookup, province_short_names


def resolve_cities(table: c.Table, frame: pd.DataFrame, row_numbers: pd.Series, display: str,
                   errors: list[RawError], warnings: list[str]) -> None:
    """Store each city in China as the cities seed's name for it, told apart by the row's province.

    A city outside mainland China (the row's country is not CN) stays as written; so does a city the seed does
    not know, or one that several cities share and the row's province does not decide, each with a warning.
    A city that lies in another province than the row's is an error.
    """
    province = next((col.name for col in table.columns if col.kind == c.PROVINCE), None)
    country = next((col.name for col in table.columns if col.kind == c.COUNTRY), None)
    known_provinces = set(province_lookup().codes)
    province_names = province_short_names()
    lookup = city_lookup()

    def shown_province(code: str) -> str:
        return f"{province_names[code]} ({code})"

    def resolution(value: str, in_province: object) -> tuple[str, str | None, str | None]:
        """The city as stored, and what to warn or the error to report (each without the row)."""
        candidates = lookup.candidates(value)
        checked = isinstance(in_province, str) and in_province in known_provinces
        matching = [city for city in candidates if not checked or city.province_code == in_province]
        if len(matching) == 1:
            return matching[0].short_zh, None, None
        if not candidates:
            return value, f"unknown city {value!r} kept as written (not in the cities seed)", None
        if not matching:
            elsewhere = " or ".join(f"{city.short_zh} in {shown_province(city.province_code)}" for city in candidates)
            return value, None, (f"city {value!r} is {elsewhere}, but the row's province is "
                                 f"{shown_province(in_province)}")
        options = ", ".join(f"{city.short_zh} ({province_names[city.province_code]})" for city in matching)
        return value, f"city {value!r} may be {options}; kept as written (give the province)", None

    for column in (col for col in table.columns if col.kind == c.CITY):
        provinces = frame[province] if province else pd.Series([None] * len(frame))
        countries = frame[country] if country else pd.Series(["CN"] * len(frame))
        resolved = []
        seen: dict[tuple[str, object], tuple[str, str | None, str | None]] = {}  # a city repeats with its province
        for row, value, in_province, in_country in zip(row_numbers, frame[column.name], provinces, countries):
            if value is None or pd.isna(value) or in_country != "CN":
                resolved.append(value)
                continue
            key = (value, in_province)
            if key not in seen:
                seen[key] = resolution(value, in_province)
            stored, warning, error = seen[key]
            resolved.append(stored)
            if warning:
                warnings.append(f"{display}, row {row}, column {column.name}: {warning}")
            if error:
                errors.append(RawError(display, int(row), column.name, error))
        frame[column.name] = pd.Series(resolved, index=frame.index, dtype=frame[column.name].dtype)
