"""The release in the forms analysts and portals use: Parquet, one Excel workbook, a Frictionless Data Package.

Every form is made from the same frames as the CSVs and described from one place, dbt's documentation
(``table_docs`` reads the manifest: the marts' model docs and the Python tables' source docs in
``dbt_project/models/published/``). Each file's bytes depend only on its tables: Parquet carries no timestamps,
and the workbook's document properties carry the edition, not the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from ieo import names

SHEET_NAME_LIMIT = 31  # Excel's
CONTENTS_SHEET = "contents"
DATAPACKAGE = "datapackage.json"
PARQUET_COMPRESSION = "zstd"


@dataclass(frozen=True)
class TableDoc:
    """A published table's description, its columns' descriptions, and its key within an edition."""

    description: str
    columns: dict[str, str]
    primary_key: tuple[str, ...] = ()


def workbook_name(edition: int) -> str:
    return f"ieo_{edition}.xlsx"


def parquet_path(csv_path: str) -> str:
    return csv_path.removesuffix(".csv") + ".parquet"


def table_docs(manifest: dict) -> dict[str, TableDoc]:
    """Published table id -> its documentation, from dbt's manifest (a model's key is its unique_combination test,
    a source's its ``meta.primary_key``; the edition column, which the release drops, is left out)."""
    keys: dict[str, tuple[str, ...]] = {}
    for node in manifest["nodes"].values():
        test = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and test.get("name") == "unique_combination" and node.get("attached_node"):
            keys[node["attached_node"]] = tuple(c for c in test["kwargs"]["columns"] if c != "edition")
    docs = {}
    documented = [(n["unique_id"], n, n.get("meta", {}).get("primary_key")) for n in manifest["sources"].values()]
    documented += [(n["unique_id"], n, None) for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    for unique_id, node, meta_key in documented:
        table = names.TABLE.get(node["name"])
        if table is None or node.get("schema", node.get("source_name")) != table.layer:
            continue
        key = tuple(meta_key) if meta_key else keys.get(unique_id, ())
        docs[table.table_id] = TableDoc(node["description"].strip(),
                                        {c: v["description"].strip() for c, v in node["columns"].items()}, key)
    return docs


def field_type(series: pd.Series) -> str:
    """The Frictionless Table Schema type of a published column."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    values = series.dropna()
    if len(values) and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in values):
        return "date"
    return "string"


def parquet_bytes(frame: pd.DataFrame, doc: TableDoc | None) -> bytes:
    """A table as Parquet with typed columns and its descriptions as schema metadata (no pandas metadata)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    doc = doc or TableDoc("", {})
    # pandas' strings arrive as large_string; plain string is what every Parquet reader takes.
    fields = [(f.with_type(pa.string()) if pa.types.is_large_string(f.type) else f)
              .with_metadata({"description": doc.columns.get(f.name, "")}) for f in table.schema]
    table = table.cast(pa.schema(fields, metadata={"description": doc.description}))
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression=PARQUET_COMPRESSION)
    return buffer.getvalue()


def sheet_names(table_ids: list[str]) -> dict[str, str]:
    """Table id -> a unique sheet name within Excel's 31 characters (long ids are cut and numbered)."""
    found: dict[str, str] = {}
    for position, table_id in enumerate(table_ids, start=1):
        found[table_id] = table_id if len(table_id) <= SHEET_NAME_LIMIT else f"{table_id[:SHEET_NAME_LIMIT - 4]}~{position:03d}"
    return found


def workbook_bytes(edition: int, frames: dict[str, pd.DataFrame], files: dict[str, str],
                   docs: dict[str, TableDoc]) -> bytes:
    """One workbook: a contents sheet listing every table and column with its description, then a sheet per table
    with typed cells, a formatted header and frozen panes. ``frames`` and ``files``: table id -> frame, CSV path.
    The caller neutralises text as in the CSVs (every cell is written as text, so nothing is evaluated anyway)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False, "nan_inf_to_errors": False})
    book.set_properties({"title": f"Intelligent Economy Observatory, edition {edition}",
                         "subject": "Published tables of the edition's release", "author": "IEO",
                         "created": dt.datetime(edition, 1, 1)})
    header = book.add_format({"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheets = sheet_names(list(frames))
    contents = book.add_worksheet(CONTENTS_SHEET)
    contents.write_row(0, 0, ["sheet", "file", "table", "column", "type", "description"], header)
    contents.freeze_panes(1, 0)
    contents.set_column(0, 3, 28)
    contents.set_column(4, 4, 10)
    contents.set_column(5, 5, 90, wrap)
    row = 1
    for table_id, frame in frames.items():
        doc = docs.get(table_id, TableDoc("", {}))
        contents.write_row(row, 0, [sheets[table_id], files[table_id], table_id, "", "", doc.description])
        row += 1
        for column in frame.columns:
            contents.write_row(row, 0, [sheets[table_id], files[table_id], table_id, column,
                                        field_type(frame[column]), doc.columns.get(column, "")])
            row += 1
    for table_id, frame in frames.items():
        _table_sheet(book.add_worksheet(sheets[table_id]), frame, header)
    book.close()
    return buffer.getvalue()


def _table_sheet(sheet, frame: pd.DataFrame, header) -> None:
    sheet.write_row(0, 0, list(frame.columns), header)
    sheet.freeze_panes(1, 0)
    for col, column in enumerate(frame.columns):
        sheet.set_column(col, col, min(max(len(str(column)), 10) + 2, 60))
        for row, value in enumerate(frame[column].tolist(), start=1):
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                continue
            if isinstance(value, bool):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(row, col, value)
            elif isinstance(value, (dt.date, pd.Timestamp)):
                sheet.write_string(row, col, value.isoformat())
            else:
                sheet.write_string(row, col, str(value))


def datapackage_bytes(edition: int, frames: dict[str, pd.DataFrame], files: dict[str, str],
                      csv_digests: dict[str, tuple[str, int]], docs: dict[str, TableDoc]) -> bytes:
    """A Frictionless (tabular) Data Package descriptor of the release's CSVs: each a resource with its schema
    (types, descriptions, primary key), its sha256 and its size. ``csv_digests``: CSV path -> (sha256, bytes)."""
    resources = []
    for table_id, frame in frames.items():
        doc = docs.get(table_id, TableDoc("", {}))
        digest, size = csv_digests[files[table_id]]
        schema: dict = {"fields": [{"name": column, "type": field_type(frame[column]),
                                    "description": doc.columns.get(column, "")} for column in frame.columns],
                        "missingValues": [""]}
        if doc.primary_key:
            schema["primaryKey"] = list(doc.primary_key)
        resources.append({
            "name": table_id, "path": files[table_id], "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": doc.description,
            "hash": f"sha256:{digest}", "bytes": size, "schema": schema,
        })
    package = {"profile": "tabular-data-package", "name": f"ieo-{edition}",
               "title": f"Intelligent Economy Observatory, edition {edition}",
               "description": "The published tables of one edition: the AI industry report's tables, the value "
                              "network's metrics, reconciliation with the 2020 report and the regional "
                              "competitiveness index. Built from a synthetic sample unless the release says otherwise.",
               "resources": resources}
    return (json.dumps(package, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
