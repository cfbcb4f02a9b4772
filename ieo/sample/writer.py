"""Writing the sample: each edition's raw files in the contract's format (earlier editions are views of the latest)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

from ieo import contract as c
from ieo.sample.calibration import EDITIONS
from ieo.sample.records import World, hash_fraction


def _write(path: Path, columns: tuple[str, ...], rows) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(col) is None else row[col] for col in columns])
            count += 1
    return count


def write_editions(world: World, out_dir: Path,
                   on_edition: Callable[[str], None] | None = None) -> dict[int, dict[str, int]]:
    """Write each edition's raw files; returns the row count per edition and table."""
    counts: dict[int, dict[str, int]] = {}
    cols = {t.name: t.column_names for t in c.CONTRACT}
    for edition in EDITIONS:
        folder = Path(out_dir) / str(edition)
        folder.mkdir(parents=True, exist_ok=True)
        members = world.members[edition]
        categories = world.enterprise_categories[edition]
        relations = [(i, r) for i, r in enumerate(world.relations)
                     if r.year <= edition and r.sample_id in members["enterprises"]]
        referenced = members["enterprises"] | members["investors"] | members["research"]
        referenced |= {r.counterpart_id for _, r in relations}
        n = {}
        n["organizations"] = _write(folder / "organizations.csv", cols["organizations"], (
            {"org_id": o.org_id, "name": o.name, "org_type": o.org_type, "country": o.country,
             "province": o.province, "city": o.city, "integrative_sector": o.integrative_sector,
             "ai_core_sector": o.ai_core_sector}
            for o in world.orgs.values() if o.org_id in referenced))
        n["enterprises"] = _write(folder / "enterprises.csv", cols["enterprises"], (
            {**e, "category": categories[e["org_id"]], "founded_year": e["founded_year"],
             "rd_intensity": _rd(e, categories[e["org_id"]]),
             "valuation_cny": _valuation(e, categories[e["org_id"]])}
            for e in world.enterprises if e["org_id"] in categories))
        n["investors"] = _write(folder / "investors.csv", cols["investors"],
                                (i for i in world.investors if i["org_id"] in members["investors"]))
        n["research_institutions"] = _write(folder / "research_institutions.csv", cols["research_institutions"],
                                            (r for r in world.research if r["org_id"] in members["research"]))
        n["conferences"] = _write(folder / "conferences.csv", cols["conferences"],
                                  (x for x in world.conferences if x["edition"] == edition))
        n["alliances"] = _write(folder / "alliances.csv", cols["alliances"], (
            {"alliance_id": a["id"], "name": a["name"], "province": a["province"], "founded_on": a["date"]}
            for a in world.alliances if a["year"] <= edition))
        n["policies"] = _write(folder / "policies.csv", cols["policies"], (
            {"policy_id": p["id"], "title": p["name"], "province": p["province"], "issued_on": p["date"]}
            for p in world.policies if p["year"] <= edition))
        n["industrial_parks"] = _write(folder / "industrial_parks.csv", cols["industrial_parks"], (
            {"park_id": p["id"], "name": p["name"], "province": p["province"],
             "city": None, "planned_year": p["year"]}
            for p in world.parks if p["year"] <= edition))
        n["relations"] = _write(folder / "relations.csv", cols["relations"], (
            {"relation_id": f"R{i + 1:09d}", "sample_id": r.sample_id, "counterpart_id": r.counterpart_id,
             "relation_type": r.relation_type, "occurred_on": r.occurred_on, "amount_cny": r.amount_cny}
            for i, r in relations))
        counts[edition] = n
        if on_edition:
            on_edition(f"edition {edition} written")
    return counts


def _rd(record: dict, category: str) -> str | None:
    if category != "listed":
        return None
    if record["rd"] is not None:
        return f"{record['rd']:.4f}"
    # deterministic in the record: below the report's 20th place (22.39%)
    value = 0.02 + (hash_fraction(record["org_id"]) * 0.2)
    return f"{value:.4f}"


def _valuation(record: dict, category: str) -> str | None:
    if category != "unicorn":
        return None
    return str(int(7e9 + hash_fraction(record["org_id"] + "v") * 5e10) // 1000000 * 1000000)


NUMBER_KINDS = (c.INT, c.DECIMAL, c.MONEY)


def edition_workbook_name(edition: int) -> str:
    """The workbook an edition's tables are written to by ``ieo sample --format xlsx``: one sheet per table."""
    return f"survey_{edition}.xlsx"


def csvs_to_workbook(folder: Path, edition: int) -> Path:
    """Replace an edition folder's CSVs by one workbook, as a survey team would keep it: a sheet per table,
    numbers and dates as typed cells (dates formatted as dates, so Excel stores them as serial numbers).

    The workbook's bytes depend only on the CSVs: its document properties carry the edition, not the clock.
    """
    path = Path(folder) / edition_workbook_name(edition)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                               "strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"title": f"IEO synthetic survey, edition {edition}",
                             "created": dt.datetime(edition, 12, 31)})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for table in c.CONTRACT:
        source = Path(folder) / f"{table.name}.csv"
        if not source.exists():
            continue
        sheet = workbook.add_worksheet(table.name)
        with open(source, encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            kinds = [table.column(name).kind if name in table.column_names else c.STRING for name in header]
            sheet.write_row(0, 0, header)
            for number, row in enumerate(rows, start=1):
                for column, (value, kind) in enumerate(zip(row, kinds)):
                    if value == "":
                        continue
                    if kind in NUMBER_KINDS:
                        sheet.write_number(number, column, float(value))
                    elif kind == c.DATE:
                        sheet.write_datetime(number, column, dt.datetime.fromisoformat(value), date_format)
                    else:
                        sheet.write_string(number, column, value)
        source.unlink()
    workbook.close()
    return path
