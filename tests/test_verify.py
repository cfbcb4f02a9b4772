"""`ieo verify`: a release recomputed from its raw inputs, compared file by file; tampering is caught."""

import json
import shutil

from ieo.contract import CONTRACT
from orchestration.cli import main
from orchestration.verify import (
    DIFFERS,
    EXTRA,
    MATCH,
    MISSING,
    Finding,
    compare_releases,
    reproduced,
)


def write(folder, files):
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_comparison_ignores_only_the_run_records(tmp_path):
    manifest = {"edition": 2019, "outputs": [], "run": {"run_id": "a"}}
    report = b'<h1>x</h1><p class="run-specific">Run a, raw load a,\n created now.</p>'
    write(tmp_path / "one", {"tables/t.csv": b"a\n1\n", "manifest.json": json.dumps(manifest).encode(),
                             "report.html": report, "only-here.csv": b""})
    manifest["run"] = {"run_id": "b"}
    write(tmp_path / "two", {"tables/t.csv": b"a\n2\n", "manifest.json": json.dumps(manifest).encode(),
                             "report.html": report.replace(b"Run a", b"Run b"), "new.csv": b""})
    found = {f.name: f.status for f in compare_releases(tmp_path / "one", tmp_path / "two")}
    assert found == {"manifest.json": MATCH, "report.html": MATCH, "tables/t.csv": DIFFERS,
                     "only-here.csv": EXTRA, "new.csv": MISSING}


def test_reproduced_needs_every_input_and_output_but_not_the_same_commit():
    inputs = [Finding("input", "2019/a.csv", MATCH), Finding("code", "git commit", DIFFERS)]
    assert reproduced(inputs + [Finding("output", "t.csv", MATCH)])
    assert not reproduced(inputs + [Finding("output", "t.csv", DIFFERS)])
    assert not reproduced([Finding("input", "2019/a.csv", DIFFERS)])


def test_verify_reproduces_the_sample_release_and_catches_a_tampered_csv(released, tmp_path, capsys):
    release = tmp_path / "published" / "2019"
    shutil.copytree(released["publish"] / "2019", release)
    tampered = release / "tables" / "enterprise_by_province.csv"
    lines = tampered.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",225,", ",226,", 1) if ",225," in lines[1] else lines[1].replace(",", ",9", 1)
    tampered.write_text("".join(lines), encoding="utf-8")

    assert main(["verify", str(release), "--raw-dir", str(released["raw"])]) == 1
    out = capsys.readouterr().out
    failing = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert failing == ["FAIL output tables/enterprise_by_province.csv: DIFFERS - content differs from the recomputation"]
    files = sum(1 for p in release.rglob("*") if p.is_file())
    assert f"NOT reproduced: {files - 1} of {files} files match byte for byte" in out
    assert out.count("ok   input ") == len(CONTRACT)
    assert "Running with dbt" not in out and " of 21 START seed" not in out  # dbt's log goes to the scratch log
