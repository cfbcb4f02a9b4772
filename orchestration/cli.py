"""`ieo`: generate the sample database, run the pipeline through Dagster, regenerate contract files."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from ieo.settings import ENGINES, LAKE_VARIABLE, PATH_SETTINGS, SPARK, TELEMETRY_OFF, Settings

INSTANCE_TEMPLATE = Path(__file__).with_name("dagster.yaml")
WORKSPACE = Path(__file__).resolve().parents[1] / "workspace.yaml"
TIMING_TABLE_WIDTH = 120


def _settings(args: argparse.Namespace) -> Settings:
    """Command-line paths and the engine win over environment variables, which win over the defaults."""
    paths = {name: Path(getattr(args, name)).resolve() for name in (*PATH_SETTINGS, "lake_dir") if getattr(args, name, None)}
    return Settings.from_env(**paths, **({"engine": args.engine} if getattr(args, "engine", None) else {}))


def cmd_spark(args: argparse.Namespace) -> int:
    """Start, stop or describe the local Spark cluster (master, worker, Thrift server) of the Spark engine."""
    from orchestration.spark_commands import spark_command

    return spark_command(args.action, _settings(args))


def _instance_home(settings: Settings) -> Path:
    """The Dagster instance folder, created with the shipped instance settings when it has none."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    if not (settings.dagster_home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_TEMPLATE, settings.dagster_home / "dagster.yaml")
    return settings.dagster_home


def _open_instance(settings: Settings):
    """The Dagster instance, its storage created by one `ieo` at a time: two started together on a fresh folder
    would otherwise both create its SQLite tables, and one would fail."""
    import fcntl

    import dagster as dg

    home = _instance_home(settings)
    with open(home / ".ieo-instance.lock", "a+") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        instance = dg.DagsterInstance.from_config(str(home))
        instance.get_run_records(limit=1)  # storage created (or migrated) now, under the guard
        instance.all_instigator_state()
    return instance


def _prepare_manifest() -> None:
    from glue.dbt import prepare_manifest

    if prepare_manifest():
        print("built the dbt manifest (dbt parse)", flush=True)


def cmd_sample(args: argparse.Namespace) -> int:
    from ieo.sample.generator import STAGES, generate
    from orchestration.progress import stage_progress

    settings = _settings(args)
    out = Path(args.out).resolve() if args.out else settings.raw_dir
    started = time.perf_counter()
    with stage_progress("generating the sample", STAGES) as on_stage:
        counts = generate(out, seed=args.seed, scale=args.scale, on_stage=on_stage, file_format=args.format)
    for edition, tables in counts.items():
        print(f"{edition}: " + ", ".join(f"{name} {n:,}" for name, n in tables.items()))
    print(f"synthetic sample ({args.format}, seed {args.seed}, scale {args.scale:g}) in {out} ({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from ieo.raw_reader import available_editions

    editions = [int(e) for e in args.edition] if args.edition else available_editions(settings.raw_dir)
    if not editions:
        print(f"no edition folders (e.g. 2019/) in {settings.raw_dir}; run `ieo sample` or copy survey files there",
              file=sys.stderr)
        return 2
    if settings.engine == SPARK:
        from orchestration.spark_commands import spark_reachable

        if not spark_reachable(settings):
            return 2
    _prepare_manifest()

    from rich.console import Console

    from ieo.index.options import IndexOptions
    from orchestration.definitions import build_definitions
    from orchestration.progress import expected_outputs, run_progress, step_timings, timing_table
    from orchestration.runner import cli_tags, execute, plan, reap_dead_runs

    index_options = IndexOptions(**{name: getattr(args, name) for name in ("weights", "normalisation", "aggregation")
                                    if getattr(args, name, None)})
    with _open_instance(settings) as instance:  # closed at the end: its event log keeps connections open
        for run_id in reap_dead_runs(instance):
            print(f"marked run {run_id} failed: the `ieo run` that executed it ended without finishing it", flush=True)
        definitions = build_definitions(settings, index_options)
        with run_progress(expected_outputs(definitions)):
            results = execute(
                definitions, instance, plan(editions, reseed=args.reseed),
                tags=cli_tags(args.release_kind, args.reload_raw, args.rebuild_models),
                run_config={"loggers": {"progress": {}}},
                on_start=lambda step: print(f"[{step.label}] {step.job}", flush=True),
                on_end=lambda r: print(f"[{r.step.label}] {'ok' if r.success else 'FAILED'} in {r.seconds:.1f} s "
                                       f"(run {r.run_id[:8]})", flush=True),
            )
        timings = [(r.step.label, step_timings(instance, r.run_id)) for r in results]
    console = Console()
    if not console.is_terminal:
        console.width = TIMING_TABLE_WIDTH  # rich's default of 80 columns would cut the step names
    print()
    console.print(timing_table(timings))
    failed = [r for r in results if not r.success]
    print("\noutputs:")
    print(f"  raw survey files   {settings.raw_dir}")
    print(f"  DuckDB warehouse   {settings.warehouse}")
    if settings.engine == SPARK:
        print(f"  Spark engine       {settings.spark_host}:{settings.spark_port} (models and computed tables)")
    print(f"  published releases {settings.publish_dir}")
    print(f"  Dagster runs       {settings.dagster_home} (browse with `make dev`)")
    if failed:
        print(f"\n{len(failed)} of {len(results)} runs failed:", file=sys.stderr)
        for result in failed:
            print(f"- {result.step.label}", file=sys.stderr)
            for line in result.failures:
                print("    " + line.replace("\n", "\n    "), file=sys.stderr)
        return 1
    print(f"\nall {len(results)} runs succeeded")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    """Build the dbt manifest the Dagster definitions are made from (when missing or stale, or always with --force)."""
    from glue.dbt import ieo_dbt_project, prepare_manifest

    ran = prepare_manifest(force=args.force)
    print(f"{'built' if ran else 'up to date:'} {ieo_dbt_project.manifest_path}")
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    """`dagster dev` on the project's definitions and instance (the UI, the daemon and its schedules)."""
    import subprocess

    settings = _settings(args)
    _prepare_manifest()
    env = {**os.environ, "DAGSTER_HOME": str(_instance_home(settings)),
           **{var: str(getattr(settings, name)) for name, (var, _default) in PATH_SETTINGS.items()},
           LAKE_VARIABLE: str(settings.lake),
           # Tools the UI's processes start (dbt) are found on PATH: the ones beside this Python.
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    command = [str(Path(sys.executable).with_name("dagster")), "dev", "-w", str(WORKSPACE), "-p", str(args.port)]
    try:
        return subprocess.call(command, cwd=WORKSPACE.parent, env=env)
    except KeyboardInterrupt:
        return 0


def cmd_contract(args: argparse.Namespace) -> int:
    from ieo.contract_render import rendered, write_all

    if args.write:
        for path in write_all():
            print(f"wrote {path}")
        return 0
    stale = [p for p, text in rendered().items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    for path in stale:
        print(f"stale: {path} (run `ieo contract --write`)", file=sys.stderr)
    return 1 if stale else 0


def cmd_weights(args: argparse.Namespace) -> int:
    """Derive index weights by AHP or entropy and print them beside the report's, with diagnostics."""
    from ieo.index.derive import AhpError, ahp_tree, entropy_tree
    from ieo.index.options import weights_table
    from ieo.index.weights import report_weights

    report, _ = report_weights()
    try:
        if args.method == "ahp":
            tree, diagnostics = ahp_tree(report, Path(args.judgements))
            print(f"AHP groups (random index {diagnostics['random_index_table'].iloc[0]}):")
            print(diagnostics.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        else:
            settings = _settings(args)
            from ieo.names import PROVINCE_INDICATORS
            from ieo.warehouse import connect, edition_rows, snapshot_path

            if not snapshot_path(settings.warehouse).exists():
                print(f"no read snapshot of {settings.warehouse}; run `ieo run` first", file=sys.stderr)
                return 2
            con = connect(snapshot_path(settings.warehouse), read_only=True)
            try:
                indicators = edition_rows(con, PROVINCE_INDICATORS.relation, args.edition, order=None)
            finally:
                con.close()
            if indicators.empty:
                print(f"no province_indicators for edition {args.edition} in the read snapshot of {settings.warehouse}; "
                      "run `ieo run` first",
                      file=sys.stderr)
                return 2
            tree = entropy_tree(report, indicators)
    except (AhpError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    table = weights_table(tree)[["level", "node_id", "weight"]].rename(columns={"weight": f"{args.method}_weight"})
    table["report_weight"] = [n.weight for n in report.nodes]
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.out:
        weights_table(tree).drop(columns=["effective_weight", "source"]).to_csv(args.out, index=False)
        print(f"wrote {args.out}: use it with `ieo run --weights {args.out}`")
    return 0


def cmd_loads(args: argparse.Namespace) -> int:
    """List every load kept in the warehouse: passed, failed or rejected, and which one is current."""
    import json

    from ieo.warehouse import connect, load_history
    from ieo.writer_lock import Holder, WriterLock

    settings = _settings(args)
    if not settings.warehouse.exists():
        print(f"no warehouse at {settings.warehouse}; run `ieo run` first", file=sys.stderr)
        return 2
    # The load history lives in the warehouse itself (failed loads included), so this waits for a writing run.
    lock = WriterLock(settings.warehouse)
    lock.acquire(Holder.this_process("none", "ieo loads"), settings.writer_timeout_seconds,
                 lambda message: print(message, file=sys.stderr, flush=True))
    try:
        con = connect(settings.warehouse, read_only=True)
        try:
            history = load_history(con, args.edition)
            problems = con.execute("SELECT load_id, problems FROM raw._loads WHERE load_id = ?",
                                   [args.show]).fetchone() if args.show else None
        finally:
            con.close()
    finally:
        lock.release()
    if args.show:
        if problems is None:
            print(f"no load {args.show}", file=sys.stderr)
            return 2
        for problem in json.loads(problems[1] or "[]"):
            print(json.dumps(problem, ensure_ascii=False))
        return 0
    history["current"] = history["current"].map({True: "yes", False: ""})
    print(history.drop(columns=["data_docs"]).to_string(index=False) if not history.empty else "no loads yet")
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """Query the read snapshot: the warehouse as of the last completed edition run, readable while a run writes."""
    import duckdb

    from ieo.warehouse import snapshot_path

    settings = _settings(args)
    snapshot = snapshot_path(settings.warehouse)
    if not snapshot.exists():
        print(f"no read snapshot at {snapshot}: it is written when an edition run completes (`ieo run`)", file=sys.stderr)
        return 2
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        frame = con.execute(args.query).df()
    except duckdb.Error as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    else:
        print(frame.to_string(index=False) if len(frame) else "(no rows)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Recompute a release from its raw inputs and this code; exit 0 only if every file is reproduced."""
    from orchestration.verify import MATCH, reproduced, verify_release

    settings = _settings(args)
    release_dir = Path(args.release_dir)
    if not (release_dir / "manifest.json").exists():
        print(f"error: {release_dir} is not a release folder (no manifest.json)", file=sys.stderr)
        return 2
    print(f"verifying {release_dir} against the raw files in {settings.raw_dir} ...", flush=True)
    findings = verify_release(release_dir, settings.raw_dir)
    for finding in findings:
        mark = "ok  " if finding.status == MATCH else "FAIL" if finding.what != "code" else "note"
        print(f"{mark} {finding.what:6s} {finding.name}: {finding.status}{' - ' + finding.detail if finding.detail else ''}")
    good = reproduced(findings)
    outputs = [f for f in findings if f.what == "output"]
    matched = sum(f.status == MATCH for f in outputs)
    print(f"{'reproduced' if good else 'NOT reproduced'}: {matched} of {len(outputs)} files match byte for byte")
    return 0 if good else 1


def cmd_audit_ui(args: argparse.Namespace) -> int:
    """Serve the Dagster UI read-only on 127.0.0.1: auditors browse assets, lineage, runs and checks,
    and cannot launch, cancel or wipe anything."""
    import subprocess

    settings = _settings(args)
    _prepare_manifest()
    env = {**os.environ, "DAGSTER_HOME": str(_instance_home(settings))}
    webserver = Path(sys.executable).with_name("dagster-webserver")
    command = [str(webserver), "-w", str(WORKSPACE), "-h", "127.0.0.1", "-p", str(args.port), "--read-only"]
    print(f"read-only Dagster UI on http://127.0.0.1:{args.port} (instance {settings.dagster_home}); Ctrl-C stops it",
          flush=True)
    try:
        return subprocess.call(command, cwd=WORKSPACE.parent, env=env)
    except KeyboardInterrupt:
        return 0


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw-dir", dest="raw_dir", help="raw survey folder (IEO_RAW_DIR, default data/raw)")
    parser.add_argument("--warehouse", help="DuckDB file (IEO_WAREHOUSE, default data/warehouse.duckdb)")
    parser.add_argument("--publish-dir", dest="publish_dir", help="releases folder (IEO_PUBLISH_DIR, default data/published)")
    parser.add_argument("--lake-dir", dest="lake_dir", help="raw loads as Parquet (IEO_LAKE_DIR, default lake/ beside the warehouse)")


def build_parser() -> argparse.ArgumentParser:
    from ieo.sample.generator import FILE_FORMATS
    parser = argparse.ArgumentParser(prog="ieo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sample = sub.add_parser("sample", help="write the synthetic sample database (editions 2017-2019)")
    sample.add_argument("--seed", type=int, default=2020)
    sample.add_argument("--scale", type=float, default=1.0, help="multiply every count (10, 100 for benchmarks)")
    sample.add_argument("--out", help="output folder (default: IEO_RAW_DIR)")
    sample.add_argument("--format", choices=FILE_FORMATS, default="csv", help="csv (default) or xlsx: a workbook per edition")
    sample.set_defaults(func=cmd_sample)

    run = sub.add_parser("run", help="materialize every asset for every edition through Dagster")
    run.add_argument("--edition", action="append", help="edition year; repeat for several (default: all found)")
    run.add_argument("--weights", help="index weights: report (default), ahp, entropy, or a CSV laid out like the seed")
    run.add_argument("--normalisation", choices=["minmax", "zscore", "rank"], help="index normalisation (default minmax)")
    run.add_argument("--aggregation", choices=["arithmetic", "geometric"], help="index aggregation (default arithmetic)")
    run.add_argument("--reseed", action="store_true", help="reload the reference data first even when its files are unchanged")
    run.add_argument("--reload-raw", action="store_true", help="load the raw files again even if nothing their load depends on changed")
    run.add_argument("--rebuild-models", action="store_true", help="build the dbt models again even if nothing they depend on changed")
    run.add_argument("--release-kind", dest="release_kind", choices=["final", "provisional"], default="final",
                     help="publish as final (default) or provisional; a provisional release never replaces a final one")
    run.add_argument("--engine", choices=list(ENGINES),
                     help="where the dbt models run and computed tables are kept (IEO_ENGINE, default duckdb)")
    _add_paths(run)
    run.set_defaults(func=cmd_run)

    spark = sub.add_parser("spark", help="start, stop or describe the local Spark cluster of the Spark engine")
    spark.add_argument("action", choices=["up", "down", "status"])
    spark.set_defaults(func=cmd_spark)

    weights = sub.add_parser("weights", help="derive index weights by AHP or entropy and compare them with the report's")
    weights.add_argument("method", choices=["ahp", "entropy"])
    weights.add_argument("--judgements", default=str(Path(__file__).resolve().parents[1] / "ieo/index/ahp_judgements.yml"),
                         help="AHP pairwise comparisons (YAML; default ieo/index/ahp_judgements.yml)")
    weights.add_argument("--edition", type=int, default=2019, help="entropy: the edition whose indicators to use")
    weights.add_argument("--out", help="also write the weights as a CSV usable with `ieo run --weights`")
    _add_paths(weights)
    weights.set_defaults(func=cmd_weights)

    loads = sub.add_parser("loads", help="list every load of the raw survey, with its status and which is current")
    loads.add_argument("--edition", type=int, help="only this edition")
    loads.add_argument("--show", metavar="LOAD_ID", help="print the problems a failed or rejected load was refused for")
    _add_paths(loads)
    loads.set_defaults(func=cmd_loads)

    sql = sub.add_parser("sql", help="query the warehouse's read snapshot (completed editions; works while a run writes)")
    sql.add_argument("query", help='SQL, e.g. "select * from marts.relation_summary where edition = 2019"')
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _add_paths(sql)
    sql.set_defaults(func=cmd_sql)

    verify = sub.add_parser("verify", help="recompute a release from its raw inputs and compare it byte for byte")
    verify.add_argument("release_dir", help="a release folder, e.g. data/published/2019")
    _add_paths(verify)
    verify.set_defaults(func=cmd_verify)

    audit = sub.add_parser("audit-ui", help="serve the Dagster UI read-only on 127.0.0.1, for auditors")
    audit.add_argument("--port", type=int, default=3000)
    _add_paths(audit)
    audit.set_defaults(func=cmd_audit_ui)

    contract = sub.add_parser("contract", help="check or regenerate files derived from the raw contract")
    contract.add_argument("--write", action="store_true", help="regenerate dbt sources and docs/data_contract.md")
    contract.set_defaults(func=cmd_contract)

    prepare = sub.add_parser("prepare", help="build the dbt manifest the Dagster definitions are made from")
    prepare.add_argument("--force", action="store_true", help="rebuild even when it is up to date")
    prepare.set_defaults(func=cmd_prepare)

    dev = sub.add_parser("dev", help="the Dagster UI and daemon on this project's definitions and instance")
    dev.add_argument("--port", type=int, default=3000)
    _add_paths(dev)
    dev.set_defaults(func=cmd_dev)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for var, value in TELEMETRY_OFF.items():  # this process and the dbt and Dagster processes it starts
        os.environ.setdefault(var, value)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
