"""Loading contract-valid editions: CSV in every allowed encoding, Parquet, aliases, atomic reloads."""

import random

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checks.raw_load import load_edition
from ieo import contract as c
from ieo.raw_reader import SOURCE_ROW, read_edition

EDITION = 2019


def frames(raw_dir):
    return {name: t.frame for name, t in read_edition(raw_dir, EDITION).items()}


def reencode(folder, encoding):
    for path in folder.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


def assert_same_frames(left, right):
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], check_dtype=False, obj=name)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_csv_in_gb18030_and_utf8_bom_reads_like_utf8(small_sample, edition_copy, encoding):
    reencode(edition_copy / str(EDITION), encoding)
    raw = (edition_copy / str(EDITION) / "organizations.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    tables = read_edition(edition_copy, EDITION)
    assert tables["organizations"].encoding == ("gb18030" if encoding == "gb18030" else "utf-8")
    assert_same_frames(frames(small_sample), {n: t.frame for n, t in tables.items()})


def test_declared_encoding_is_used(small_sample, edition_copy):
    folder = edition_copy / str(EDITION)
    reencode(folder, "gb18030")
    (folder / "encodings.yml").write_text("organizations.csv: gb18030\nconferences.csv: GBK\n", encoding="utf-8")
    assert read_edition(edition_copy, EDITION)["conferences"].encoding == "gb18030"


def to_parquet(folder):
    """Write every table as Parquet with native types, as a survey export would."""
    for table in c.CONTRACT:
        csv_path = folder / f"{table.name}.csv"
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, na_values=[""])
        for column in table.columns:
            if column.kind == c.INT:
                frame[column.name] = frame[column.name].astype("Int64")
            elif column.kind in (c.DECIMAL, c.MONEY):
                frame[column.name] = frame[column.name].astype("Float64")
            elif column.kind == c.DATE:
                frame[column.name] = pd.to_datetime(frame[column.name]).dt.date
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / f"{table.name}.parquet")
        csv_path.unlink()


def test_parquet_edition_reads_like_csv(small_sample, edition_copy):
    to_parquet(edition_copy / str(EDITION))
    tables = read_edition(edition_copy, EDITION)
    assert tables["relations"].path.suffix == ".parquet"
    assert_same_frames(frames(small_sample), {n: t.frame for n, t in tables.items()})


def test_province_country_and_taxonomy_spellings_normalise_to_codes(edition_copy):
    path = edition_copy / str(EDITION) / "organizations.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    cn = frame.index[frame.country == "CN"][:6]
    frame.loc[cn, "province"] = ["北京", "北京市", "Beijing", "110000", "广西壮族自治区", "Nei Mongol"]
    frame.loc[cn, "country"] = ["cn", "China", "中国", "CN", "CN", "CN"]
    frame.loc[cn, "city"] = ""  # cities follow their province: not the subject here
    frame.loc[cn[:2], "ai_core_sector"] = ["Wise Information Technology of 120", "smart city"]
    frame.to_csv(path, index=False)
    loaded = read_edition(edition_copy, EDITION)["organizations"].frame.set_index(SOURCE_ROW)
    rows = [i + 2 for i in cn]
    assert list(loaded.loc[rows, "province"]) == ["110000"] * 4 + ["450000", "150000"]
    assert set(loaded.loc[rows, "country"]) == {"CN"}
    assert list(loaded.loc[rows[:2], "ai_core_sector"]) == ["smart_healthcare", "smart_city"]


def test_unknown_extra_column_is_kept_and_reported(edition_copy, tmp_path):
    path = edition_copy / str(EDITION) / "investors.csv"
    frame = pd.read_csv(path, dtype=str)
    frame["fund_size"] = "big"
    frame.to_csv(path, index=False)
    load = load_edition(edition_copy, tmp_path / "w.duckdb", EDITION)
    assert load.tables["investors"].warnings == ["2019/investors.csv: unknown extra column 'fund_size' kept in the raw layer"]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.sql("select distinct _extra->>'fund_size' from raw.investors").fetchall() == [("big",)]


def test_reloading_an_edition_replaces_it(small_sample, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    earlier = load_edition(small_sample, warehouse, 2018)
    load_edition(small_sample, warehouse, 2019)
    second = load_edition(small_sample, warehouse, 2019)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = dict(con.sql("select edition, count(*) from raw.relations group by 1").fetchall())
        load_ids = {r[0] for r in con.sql("select distinct _load_id from raw.relations where edition = 2019").fetchall()}
    assert counts == {2018: len(earlier.tables["relations"].frame), 2019: len(second.tables["relations"].frame)}
    assert load_ids == {second.load_id}


def test_a_derived_column_empty_in_one_edition_takes_text_in_the_next(tmp_path):
    import pandas as pd

    from ieo.warehouse import replace_edition_tables

    warehouse = tmp_path / "w.duckdb"
    replace_edition_tables(warehouse, "quality", 2017, {"t": pd.DataFrame({"n": [1], "note": [None]})})
    replace_edition_tables(warehouse, "quality", 2018, {"t": pd.DataFrame({"n": [2], "note": ["known"]})})
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select edition, n, note from quality.t order by 1").fetchall() == [
            (2017, 1, None), (2018, 2, "known")]


@pytest.mark.unit
@pytest.mark.parametrize("rows_per_chunk", [30, 100_000])  # 30: the bad cell's chunk is typed first
def test_rows_that_cannot_be_read_are_reported_without_the_cells_before_them(edition_copy, monkeypatch, rows_per_chunk):
    """A ragged row makes the file unreadable as a table, so its cells are not judged, even those the reader had
    already typed in earlier chunks; a file with only a bad cell reports that cell."""
    from ieo import raw_reader
    from ieo.raw_reader import ContractViolation

    monkeypatch.setattr(raw_reader, "ROWS_PER_CHUNK", rows_per_chunk)
    path = edition_copy / str(EDITION) / "enterprises.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[6] = "many"  # patent_count of the first data row, file row 2
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContractViolation) as only_the_cell:
        read_edition(edition_copy, EDITION)
    assert [(e.file, e.row, e.column) for e in only_the_cell.value.errors] == [("2019/enterprises.csv", 2, "patent_count")]
    path.write_text("\n".join(lines) + "\nE99999999,listed\n", encoding="utf-8")
    with pytest.raises(ContractViolation) as ragged:
        read_edition(edition_copy, EDITION)
    assert [str(e) for e in ragged.value.errors] == [
        f"2019/enterprises.csv, row {len(lines) + 1}: ragged row: expected 9 fields, found 2"]


def first_non_ascii_line_encoding(data: bytes) -> str:
    """The reader's rule, stated on every line as bytes.splitlines cuts them (the reference for the search)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for line in data.splitlines():
        if not line.isascii():
            for encoding in ("utf-8", "gb18030"):
                try:
                    line.decode(encoding)
                    return encoding.replace("utf-8", "utf-8-sig")
                except UnicodeDecodeError:
                    continue
            return "utf-8-sig"
    return "utf-8-sig"


@pytest.mark.unit
def test_the_encoding_is_judged_on_the_first_line_that_is_not_ascii():
    from ieo.raw_reader import _detect_encoding

    rng = random.Random(18030)
    pieces = [b"a,b", b"\n", b"\r", b"\r\n", "省".encode("utf-8"), "省".encode("gb18030"), b"\xff", b"\xef\xbb\xbf",
              "中文".encode("utf-8")]  # bytes that GB18030 decodes too
    samples = [b"", b"ascii only\r\n", "名\n".encode("gb18030"), b"x\r" + "名".encode("gb18030") + b"\ny"]
    samples += [b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(2000)]
    for data in samples:
        assert _detect_encoding(data) == first_non_ascii_line_encoding(data), data
    assert _detect_encoding(b"id\r" + "名".encode("gb18030")) == "gb18030"
    assert _detect_encoding("中文".encode("utf-8") + b"\r" + "名".encode("gb18030")) == "utf-8-sig"


@pytest.mark.parametrize("threshold, engine", [(10**9, "pandas"), (0, "duckdb")])
def test_the_load_records_the_engine_auto_picked(small_sample, tmp_path, monkeypatch, threshold, engine):
    import ieo.settings
    from checks.engines import SCRATCH_SCHEMA_PREFIX  # imports Great Expectations

    monkeypatch.setattr(ieo.settings, "DUCKDB_VALIDATION_FROM_ROWS", threshold)
    load = load_edition(small_sample, tmp_path / "w.duckdb", EDITION)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select engine, status from raw._loads where load_id = ?", [load.load_id]).fetchall() == [
            (engine, "passed")]
        # the DuckDB engine's scratch tables are gone with the validation
        assert not [schema for (schema,) in con.execute("select schema_name from duckdb_schemas()").fetchall()
                    if schema.startswith(SCRATCH_SCHEMA_PREFIX)]


def test_a_validation_query_that_fails_is_an_error_not_a_failed_expectation(small_sample, tmp_path, monkeypatch):
    """GX reports a failed metric query per metric, not as the expectation's own error; an expectation that could
    not run must not pass for one that failed on no row."""
    from checks.engines import DuckDBEngine
    from ieo.warehouse import transaction

    written = DuckDBEngine.batch

    def batch_then_lose_the_rows(self, table):
        found = written(self, table)
        with transaction(self.warehouse) as con:
            con.execute(f"DROP TABLE {self.scratch}.{table.name}")
        return found

    monkeypatch.setattr(DuckDBEngine, "batch", batch_then_lose_the_rows)
    with pytest.raises(RuntimeError, match=r"could not run: .*Catalog Error"):
        load_edition(small_sample, tmp_path / "w.duckdb", EDITION, engine="duckdb")


@pytest.mark.unit
def test_the_load_fingerprint_follows_the_code_a_load_runs_and_nothing_else(tmp_path, monkeypatch):
    """Found by reading the sources: imports inside functions count, modules the load never reaches do not."""
    import shutil

    import checks.raw_load as raw_load
    from ieo import fingerprint as fingerprints
    from ieo.settings import PROJECT_ROOT

    found = fingerprints.module_sources("checks.raw_load", raw_load.PROJECT_PACKAGES)
    assert {"checks.suites", "checks.engines", "ieo.raw_reader", "ieo.contract", "ieo.cells", "ieo", "checks"} <= set(found)
    assert not {name for name in found if name.startswith(("ieo.index", "ieo.network", "ieo.report", "assets"))}
    root = tmp_path / "project"
    for package in raw_load.PROJECT_PACKAGES:
        shutil.copytree(PROJECT_ROOT / package, root / package, ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    monkeypatch.setattr(fingerprints, "PROJECT_ROOT", root)
    raw = tmp_path / "raw"
    (raw / str(EDITION)).mkdir(parents=True)
    (raw / str(EDITION) / "policies.csv").write_text("policy_id\n1\n", encoding="utf-8")

    def fingerprint(engine="auto"):
        return raw_load.load_fingerprint(raw, EDITION, engine)

    first = fingerprint()
    assert fingerprint() == first
    (root / "ieo" / "index" / "weights.py").write_text("# not read by a load\n", encoding="utf-8")
    assert fingerprint() == first
    suites = root / "checks" / "suites.py"
    suites.write_text(suites.read_text(encoding="utf-8") + "\n# a changed rule\n", encoding="utf-8")
    changed_code = fingerprint()
    assert changed_code != first
    (raw / str(EDITION) / "policies.csv").write_text("policy_id\n2\n", encoding="utf-8")
    changed_file = fingerprint()
    assert changed_file != changed_code
    (raw / str(EDITION) / "encodings.yml").write_text("policies.csv: gb18030\n", encoding="utf-8")
    declared = fingerprint()
    assert declared != changed_file
    assert fingerprint("duckdb") != fingerprint("pandas")
    monkeypatch.setattr(raw_load, "seeds_fingerprint", lambda: "other reference seeds")
    assert fingerprint() != declared
