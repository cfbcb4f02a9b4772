"""Cities, normalised like provinces: the seed's facts, and the reader's resolution by the row's province."""

import csv
import io
import shutil
from pathlib import Path

import pytest

from ieo.raw_reader import ContractViolation, read_edition
from ieo.reference import city_lookup, reference_table

FIXTURE = Path(__file__).parent / "fixtures" / "hand_2019"


def test_the_seed_holds_the_municipalities_and_the_prefecture_level_divisions():
    cities = reference_table("cities")
    assert cities["city_code"].is_unique and cities["city_code"].str.fullmatch(r"\d{6}").all()
    municipalities = cities[cities["city_code"].str[:2].isin(["11", "12", "31", "50"])]
    assert municipalities["short_zh"].tolist() == ["北京", "天津", "上海", "重庆"]
    # cpca 0.5.5's snapshot: 293 prefecture-level cities, 8 prefectures (地区), 30 autonomous prefectures, 3 leagues
    names = cities.loc[~cities.index.isin(municipalities.index), "name_zh"]
    assert [names.str.endswith(s).sum() for s in ("市", "地区", "自治州", "盟")] == [293, 8, 30, 3]
    assert set(cities["province_code"]) == set(reference_table("provinces")["province_code"])
    by_code = cities.set_index("city_code")
    assert by_code.loc["320500", ["short_zh", "name_en"]].tolist() == ["苏州", "Suzhou"]
    assert by_code.loc["422800", "short_zh"] == "恩施" and "恩施州" in by_code.loc["422800", "aliases"]


def test_spellings_resolve_and_ambiguous_pinyin_names_every_city_it_may_be():
    lookup = city_lookup()
    for spelling in ("北京", "北京市", "beijing", " Beijing ", "PEKING", "110100"):
        assert [c.short_zh for c in lookup.candidates(spelling)] == ["北京"], spelling
    assert {(c.short_zh, c.province_code) for c in lookup.candidates("Suzhou")} == {("苏州", "320000"), ("宿州", "340000")}
    assert [c.short_zh for c in lookup.candidates("Xian")] == [c.short_zh for c in lookup.candidates("Xi'an")] == ["西安"]
    assert lookup.candidates("Atlantis") == ()


def write_rows(path: Path, edit) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    edit(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture
def hand_copy(tmp_path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "raw")
    return tmp_path / "raw"


def test_the_reader_stores_one_name_per_city_and_warns_of_what_it_cannot_place(hand_copy):
    folder = hand_copy / "2019"

    def conferences(rows):
        rows[1][2], rows[2][2] = "北京市", "Beijing"  # CF1, CF2 in 北京
        rows.append(["CF4", "苏州论坛", "Suzhou", "江苏", "x", "2019-07-01"])  # Jiangsu: 苏州
        rows.append(["CF5", "宿州论坛", "suzhou", "340000", "x", "2019-07-02"])  # Anhui: 宿州
        rows.append(["CF6", "某论坛", "Atlantis", "上海", "x", "2019-07-03"])  # unknown: kept, warned

    def organizations(rows):
        header = rows[0]
        foreign = next(r for r in rows[1:] if r[header.index("country")] != "CN")
        foreign[header.index("city")] = "Beijing"  # outside mainland China: as written, no warning

    write_rows(folder / "conferences.csv", conferences)
    write_rows(folder / "organizations.csv", organizations)
    tables = read_edition(hand_copy, 2019)
    assert tables["conferences"].frame["city"].tolist() == ["北京", "北京", "上海", "苏州", "宿州", "Atlantis"]
    assert tables["conferences"].warnings == [
        "2019/conferences.csv, row 7, column city: unknown city 'Atlantis' kept as written (not in the cities seed)"]
    organizations = tables["organizations"].frame
    assert organizations.loc[organizations["country"] != "CN", "city"].tolist()[0] == "Beijing"
    assert tables["organizations"].warnings == []


def test_a_city_in_another_province_is_an_error_naming_both(hand_copy):
    def parks(rows):
        rows[1][3] = "苏州"  # PK1 is in 北京
        rows[2][3] = "Suzhou"  # PK2 is in 上海: neither Suzhou is

    write_rows(hand_copy / "2019" / "industrial_parks.csv", parks)
    with pytest.raises(ContractViolation) as caught:
        read_edition(hand_copy, 2019)
    assert [str(e) for e in caught.value.errors] == [
        "2019/industrial_parks.csv, row 2, column city: city '苏州' is 苏州 in 江苏 (320000), but the row's province "
        "is 北京 (110000)",
        "2019/industrial_parks.csv, row 3, column city: city 'Suzhou' is 苏州 in 江苏 (320000) or 宿州 in 安徽 (340000), "
        "but the row's province is 上海 (310000)",
    ]
