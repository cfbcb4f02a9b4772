"""Write dbt_project/seeds/reference/cities.csv: mainland China's prefecture-level cities and the four municipalities.

Facts from cpca 0.5.5 (MIT licence), whose ``resources/adcodes.csv`` lists the GB/T 2260 administrative codes
with their Chinese names; pinyin from pypinyin (MIT licence). Run with both installed (they are not runtime
dependencies; the seed is kept in git): ``pip install cpca==0.5.5 pypinyin && python -m tools.make_cities_seed``.

A city's short name drops 市, 地区 or 盟, and an autonomous prefecture's drops 自治州 and its peoples' names
(恩施土家族苗族自治州: 恩施, also spelled 恩施州); where a short name would be a province's (海南藏族自治州) only
the 州 form is kept, in Chinese and in pinyin (Hainanzhou). Its English name is the short name's pinyin; well-known other romanisations are aliases.
"""

from __future__ import annotations

import csv
import io
import importlib.util
from pathlib import Path

from pypinyin import lazy_pinyin

SEED = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "reference" / "cities.csv"
PROVINCES = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "reference" / "provinces.csv"
MUNICIPALITIES = {"11": "北京市", "12": "天津市", "31": "上海市", "50": "重庆市"}
NOT_CITIES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
# Romanisations in common use that are not the short name's Hanyu Pinyin.
ENGLISH_ALIASES = {"北京": "Peking", "广州": "Canton", "哈尔滨": "Harbin", "乌鲁木齐": "Urumqi", "拉萨": "Lhasa",
                   "呼和浩特": "Hohhot", "西安": "Xi'an|Sian", "喀什": "Kashgar", "日喀则": "Shigatse",
                   "延安": "Yan'an", "泰安": "Tai'an", "吉安": "Ji'an", "淮安": "Huai'an", "六安": "Lu'an",
                   "雅安": "Ya'an", "西宁": "Sining", "重庆": "Chungking", "南京": "Nanking",
                   "天津": "Tientsin", "厦门": "Amoy", "香格里拉": "Shangri-La"}


def short_name(name: str, peoples: list[str]) -> str:
    if name.endswith("自治州"):
        short = name.removesuffix("自治州")
        stripped = True
        while stripped:
            stripped = False
            for people in peoples:
                for form in (people, people.removesuffix("族")):
                    if len(form) > 1 and short.endswith(form) and len(short) > len(form):
                        short, stripped = short.removesuffix(form), True
                        break
                if stripped:
                    break
        return short
    for suffix in ("地区", "盟", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


def english(short: str) -> str:
    return "".join(lazy_pinyin(short)).capitalize()


def rows() -> list[dict[str, str]]:
    data = Path(importlib.util.find_spec("cpca").origin).parent / "resources"  # cpca's data, without importing it
    peoples = sorted((line.strip() for line in (data / "56_nations.csv").read_text(encoding="utf-8").splitlines()
                      if line.strip()), key=len, reverse=True)
    provinces = {r["province_code"]: r for r in csv.DictReader(io.StringIO(PROVINCES.read_text(encoding="utf-8")))}
    province_names = {r["short_zh"] for r in provinces.values()}
    found = []
    for record in csv.DictReader(io.StringIO((data / "adcodes.csv").read_text(encoding="utf-8"))):
        code = record["adcode"]
        if code[4:] != "0" * 8 or code[2:4] == "00" or f"{code[:2]}0000" not in provinces:
            continue
        name = record["name"]
        if code[:2] in MUNICIPALITIES:
            if code[2:4] != "01":
                continue
            name = MUNICIPALITIES[code[:2]]
        elif name in NOT_CITIES:
            continue
        short = short_name(name, peoples)
        aliases = []
        if name.endswith("自治州"):
            aliases.append(f"{short}州")
            if short in province_names:
                short = f"{short}州"
                aliases.remove(short)
        if short in ENGLISH_ALIASES:
            aliases += ENGLISH_ALIASES[short].split("|")
        spoken = short.removesuffix("州") if short.removesuffix("州") in aliases else short
        found.append({"city_code": code[:6], "name_zh": name, "short_zh": short, "name_en": english(spoken),
                      "aliases": "|".join(aliases), "province_code": f"{code[:2]}0000"})
    return sorted(found, key=lambda r: r["city_code"])


def main() -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["city_code", "name_zh", "short_zh", "name_en", "aliases", "province_code"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())
    SEED.write_text(buffer.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main()
