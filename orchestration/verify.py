"""`ieo verify`: recompute a release from its raw inputs and this code, and compare it file by file.

The raw inputs named in the manifest are re-read and their sha256 checked; the edition is then
recomputed through the same Dagster job into a scratch warehouse, release folder and in-memory
instance, with the manifest's index choices and release kind, and every file of the release
is compared byte for byte. The manifest's final `run` block and the report's paragraphs naming the
run are the only parts allowed to differ, since they name the run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ieo.index.options import IndexOptions
from ieo.raw_reader import sha256_of
from ieo.release import MANIFEST, code_version
from ieo.report.build import REPORT_FILE, RUN_SPECIFIC
from ieo.settings import DUCKDB, Settings

MATCH, DIFFERS, MISSING, EXTRA = "match", "DIFFERS", "MISSING", "EXTRA"
RECOMPUTE_LOG_LINES_SHOWN = 40


@dataclass(frozen=True)
class Finding:
    what: str  # "input", "code", "engine" or "output"
    name: str
    status: str
    detail: str = ""


def comparable(relative: str, data: bytes) -> bytes:
    """The part of a release file that must reproduce: all of it but the run's own record and where its engine
    was (the recomputation runs on DuckDB in a scratch folder; a release is the same on either engine)."""
    if relative == MANIFEST:
        manifest = json.loads(data)
        manifest.pop("run", None)
        manifest.pop("engine", None)
        return json.dumps(manifest, sort_keys=True).encode()
    if relative == REPORT_FILE:
        return RUN_SPECIFIC.sub(b"", data)
    return data


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def compare_releases(published: Path, recomputed: Path) -> list[Finding]:
    """Every file of either release, matched byte for byte (run records excepted)."""
    theirs, ours = files_of(published), files_of(recomputed)
    findings = []
    for relative in sorted(theirs.keys() | ours.keys()):
        if relative not in ours:
            findings.append(Finding("output", relative, EXTRA, "in the release, not produced by the recomputation"))
        elif relative not in theirs:
            findings.append(Finding("output", relative, MISSING, "produced by the recomputation, not in the release"))
        elif comparable(relative, theirs[relative]) == comparable(relative, ours[relative]):
            findings.append(Finding("output", relative, MATCH))
        else:
            findings.append(Finding("output", relative, DIFFERS, "content differs from the recomputation"))
    return findings


def check_inputs(manifest: dict, raw_dir: Path) -> list[Finding]:
    findings = []
    for item in manifest["inputs"]:
        path = raw_dir / item["file"]
        if not path.exists():
            findings.append(Finding("input", item["file"], MISSING, f"not found under {raw_dir}"))
            continue
        digest = sha256_of(path)
        status = MATCH if digest == item["sha256"] else DIFFERS
        findings.append(Finding("input", item["file"], status, "" if status == MATCH else f"sha256 {digest[:16]}..."))
    return findings


def check_code(manifest: dict) -> Finding:
    now, then = code_version(), manifest.get("code", {})
    same = now.get("git_commit") == then.get("git_commit") and not now.get("git_dirty")
    detail = f"release {then.get('git_commit', '?')[:12]}, checkout {now.get('git_commit', '?')[:12]}"
    detail += " (with local changes)" if now.get("git_dirty") else ""
    return Finding("code", "git commit", MATCH if same else DIFFERS, detail)


def recompute(release_dir: Path, raw_dir: Path, scratch: Path) -> Path:
    """Run the edition again into ``scratch``; returns the recomputed release folder."""
    import dagster as dg

    from glue.dbt import prepare_manifest
    from glue.tags import RELEASE_KIND_TAG, TRIGGER_TAG
    from orchestration.definitions import build_definitions
    from orchestration.runner import execute, plan

    manifest = json.loads((release_dir / MANIFEST).read_text(encoding="utf-8"))
    edition = int(manifest["edition"])
    fields = {f.name for f in dataclasses.fields(IndexOptions)}
    options = IndexOptions(**{k: v for k, v in manifest.get("choices", {}).items() if k in fields})
    settings = Settings.from_env(raw_dir=scratch / "raw", warehouse=scratch / "warehouse.duckdb",
                                 publish_dir=scratch / "published", dagster_home=scratch / "dagster_home",
                                 data_docs_dir=scratch / "data_docs",
                                 # on DuckDB, in the scratch folder: a release is the same on either engine, and
                                 # a recomputation must never write into a shared engine's tables
                                 engine=DUCKDB)
    # The edition's files, and the previous edition's if the release's year-over-year checks compared with it.
    previous_loaded = manifest.get("year_over_year", {}).get("loaded", False)
    for year in (edition - 1, edition) if previous_loaded else (edition,):
        if not (raw_dir / str(year)).is_dir():
            raise FileNotFoundError(f"the release was made with edition {year} loaded; {raw_dir / str(year)} is missing")
        shutil.copytree(raw_dir / str(year), settings.raw_dir / str(year))
    # Earlier releases published beside this one give the report its year-over-year columns.
    for sibling in release_dir.parent.iterdir():
        if sibling.name.isdigit() and int(sibling.name) < edition and (sibling / MANIFEST).exists():
            shutil.copytree(sibling, settings.publish_dir / sibling.name)
    prepare_manifest()
    # dagster-dbt echoes dbt's log to stdout; it goes to a log so the findings stay readable.
    log_path = scratch / "recompute.log"
    definitions = build_definitions(settings, options)
    tags = {TRIGGER_TAG: "verify", RELEASE_KIND_TAG: manifest.get("release_kind", "final")}
    raw_only = [edition - 1] if (settings.raw_dir / str(edition - 1)).is_dir() else []
    with log_path.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        results = execute(definitions, dg.DagsterInstance.ephemeral(), plan([edition], raw_only), tags=tags,
                          run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}}, stop_on_failure=True)
    failed = [r for r in results if not r.success]
    if failed:
        tail = "\n".join(log_path.read_text(encoding="utf-8").splitlines()[-RECOMPUTE_LOG_LINES_SHOWN:])
        raise RuntimeError(f"the recomputation's run of {failed[0].step.label} failed: "
                           + "; ".join(failed[0].failures) + f"\nthe end of its log:\n{tail}")
    return settings.publish_dir / str(edition)


def verify_release(release_dir: Path, raw_dir: Path) -> list[Finding]:
    """Inputs, code and every output file of the release, each with its status."""
    release_dir = Path(release_dir).resolve()
    manifest = json.loads((release_dir / MANIFEST).read_text(encoding="utf-8"))
    engine = manifest.get("engine", {}).get("name", DUCKDB)
    findings = check_inputs(manifest, raw_dir) + [check_code(manifest), Finding(
        "engine", engine, MATCH, f"made on {engine}; recomputed on duckdb in a scratch folder")]
    if any(f.what == "input" and f.status != MATCH for f in findings):
        return findings  # recomputing from other inputs proves nothing
    with tempfile.TemporaryDirectory(prefix="ieo-verify-") as scratch:
        recomputed = recompute(release_dir, raw_dir, Path(scratch))
        findings += compare_releases(release_dir, recomputed)
    return findings


def reproduced(findings: list[Finding]) -> bool:
    """Every input and output matches (a different commit that reproduces every file still passes)."""
    return all(f.status == MATCH for f in findings if f.what not in ("code", "engine"))
