"""Dagster beyond one process, checked offline: PostgreSQL storage with a daemon and a gRPC code server, the
Kubernetes instance settings, and the Job that K8sRunLauncher would create for a run."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from tests.processes import free_port, interruptible, start_daemon, stop_group

pytestmark = pytest.mark.daemon  # each test starts a PostgreSQL server

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
KUBERNETES_VERSION = "1.32"


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    assert found, "PostgreSQL's server is not installed: `make test` installs Debian's postgresql"
    return found[-1].parent


def as_postgres_user(command: list[str]) -> list[str]:
    """initdb and the server refuse to run as root, which CI is; Debian's package creates the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL cluster on a free port under a temporary folder, with a `dagster` database."""
    bin_dir, port = postgres_bin(), free_port()
    root = Path(tempfile.mkdtemp(prefix="ieo-pg-", dir="/tmp"))
    root.chmod(0o777)
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    sockets.chmod(0o777)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    run = lambda *command: subprocess.run(as_postgres_user([str(c) for c in command]), check=True,  # noqa: E731
                                          capture_output=True, text=True, timeout=120)
    run(bin_dir / "initdb", "-A", "trust", "-U", "dagster", "-D", data)
    run(bin_dir / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-o",
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1", "start")
    try:
        run(bin_dir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "dagster", "dagster")
        # The cluster trusts local connections; the password is there because the instance settings ask for one.
        yield {"DAGSTER_PG_USERNAME": "dagster", "DAGSTER_PG_PASSWORD": "trusted", "DAGSTER_PG_HOST": "127.0.0.1",
               "DAGSTER_PG_PORT": str(port), "DAGSTER_PG_DB": "dagster"}
    finally:
        subprocess.run(as_postgres_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                       capture_output=True, timeout=120)
        shutil.rmtree(root, ignore_errors=True)


def instance_home(tmp_path: Path, settings: Path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(settings, home / "dagster.yaml")
    return home


@pytest.mark.e2e
def test_two_queued_runs_on_postgres_storage_serialize_and_succeed(postgres, small_sample, dbt_manifest, tmp_path,
                                                                   monkeypatch):
    for var, value in postgres.items():
        monkeypatch.setenv(var, value)  # this test reads the runs back through the same instance settings
    home = instance_home(tmp_path, DEPLOY / "dagster.postgres.yaml")
    grpc_port = free_port()
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(yaml.safe_dump({"load_from": [{"grpc_server": {
        "host": "127.0.0.1", "port": grpc_port, "location_name": "ieo"}}]}))
    env = dict(os.environ, **postgres, DAGSTER_HOME=str(home), PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               IEO_RAW_DIR=str(small_sample), IEO_WAREHOUSE=str(tmp_path / "w.duckdb"),
               IEO_PUBLISH_DIR=str(tmp_path / "published"), IEO_DATA_DOCS_DIR=str(tmp_path / "docs"))
    server = subprocess.Popen([str(BIN / "dagster"), "api", "grpc", "--module-name", "orchestration.definitions",
                               "--host", "127.0.0.1", "--port", str(grpc_port)], cwd=ROOT, env=env,
                              stdout=open(tmp_path / "grpc.log", "w"), stderr=subprocess.STDOUT, start_new_session=True,
                              preexec_fn=interruptible)
    daemon = None
    try:
        deadline = time.time() + 180
        while socket.socket().connect_ex(("127.0.0.1", grpc_port)) != 0:
            assert time.time() < deadline and server.poll() is None, (tmp_path / "grpc.log").read_text()[-3000:]
            time.sleep(1)
        launches = [subprocess.Popen([str(BIN / "dagster"), "job", "launch", "-w", str(workspace), "-j", "survey_edition",
                                      "--tags", json.dumps({"dagster/partition": edition})], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                    for edition in ("2018", "2019")]  # at once
        for launch in launches:
            out, _ = launch.communicate(timeout=300)
            assert launch.returncode == 0, out[-3000:]
        daemon = start_daemon(workspace, env, tmp_path / "daemon.log")
        deadline = time.time() + 900
        with dg.DagsterInstance.from_config(str(home)) as instance:
            assert "Postgres" in type(instance.run_storage).__name__
            while time.time() < deadline:
                records = instance.get_run_records(dg.RunsFilter(job_name="survey_edition"))
                if len(records) == 2 and all(r.dagster_run.is_finished for r in records):
                    break
                time.sleep(3)
    finally:
        stop_group(daemon)
        stop_group(server)
    daemon_log = (tmp_path / "daemon.log").read_text()[-3000:]
    runs = sorted(records, key=lambda r: r.start_time or 0)
    assert [r.dagster_run.status for r in runs] == [dg.DagsterRunStatus.SUCCESS] * 2, daemon_log
    assert sorted(r.dagster_run.tags["dagster/partition"] for r in runs) == ["2018", "2019"]
    assert runs[0].end_time <= runs[1].start_time  # one writer at a time
    for edition in ("2018", "2019"):
        assert (tmp_path / "published" / edition / "manifest.json").exists()


def kubernetes_settings(tmp_path: Path, postgres: dict, settings_text: str) -> dict:
    """deploy/dagster.yaml as it loads here, and the environment `dagster instance info` needs for it: PostgreSQL,
    and, since there is no cluster, a placeholder kubeconfig in place of the in-cluster configuration."""
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "offline",
        "clusters": [{"name": "offline", "cluster": {"server": "https://127.0.0.1:6443"}}],
        "contexts": [{"name": "offline", "context": {"cluster": "offline", "user": "offline"}}],
        "users": [{"name": "offline", "user": {"token": "placeholder"}}]}))
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    in_cluster = "    load_incluster_config: true"
    assert in_cluster in settings_text
    offline = f"    load_incluster_config: false\n    kubeconfig_file: {kubeconfig}"
    (home / "dagster.yaml").write_text(settings_text.replace(in_cluster, offline))
    return dict(os.environ, **postgres, DAGSTER_HOME=str(home), KUBECONFIG=str(kubeconfig))


@pytest.mark.e2e
def test_the_kubernetes_instance_settings_load_and_a_misspelt_key_is_refused(postgres, tmp_path):
    settings = (DEPLOY / "dagster.yaml").read_text()
    (tmp_path / "good").mkdir()
    env = kubernetes_settings(tmp_path / "good", postgres, settings)
    loaded = subprocess.run([str(BIN / "dagster"), "instance", "info"], env=env, capture_output=True, text=True,
                            timeout=300)
    assert loaded.returncode == 0, loaded.stdout[-2000:] + loaded.stderr[-2000:]
    assert "K8sRunLauncher" in loaded.stdout and "PostgresRunStorage" in loaded.stdout

    (tmp_path / "typo").mkdir()
    env = kubernetes_settings(tmp_path / "typo", postgres, settings.replace("job_namespace:", "job_namspace:"))
    refused = subprocess.run([str(BIN / "dagster"), "instance", "info"], env=env, capture_output=True, text=True,
                             timeout=300)
    assert refused.returncode != 0
    assert "job_namspace" in refused.stdout + refused.stderr


@pytest.mark.e2e
def test_the_job_k8s_run_launcher_builds_for_a_run_validates_against_the_kubernetes_schema(postgres, tmp_path,
                                                                                           monkeypatch):
    import kubernetes
    import kubernetes_validate
    from dagster_k8s.job import (
        DagsterK8sJobConfig,
        UserDefinedDagsterK8sConfig,
        construct_dagster_k8s_job,
    )

    env = kubernetes_settings(tmp_path, postgres, (DEPLOY / "dagster.yaml").read_text())
    for var in ("DAGSTER_HOME", "KUBECONFIG", *postgres):
        monkeypatch.setenv(var, env[var])
    with dg.DagsterInstance.get() as instance:
        launcher = instance.run_launcher
        run_k8s_config = UserDefinedDagsterK8sConfig.from_dict(launcher.run_k8s_config or {})
        job_config = DagsterK8sJobConfig(
            job_image=launcher.job_image, dagster_home=launcher.dagster_home,
            image_pull_policy=launcher.image_pull_policy, instance_config_map=launcher.instance_config_map,
            postgres_password_secret=launcher.postgres_password_secret, env_config_maps=launcher.env_config_maps,
            service_account_name=launcher.service_account_name)
    run_id = "0f4e2c1a-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
    job = construct_dagster_k8s_job(
        job_config=job_config, args=["dagster", "api", "execute_run", json.dumps({"run_id": run_id})],
        job_name=f"dagster-run-{run_id}", pod_name=f"dagster-run-{run_id}", component="run_worker",
        user_defined_k8s_config=run_k8s_config,
        labels={"dagster/job": "survey_edition", "dagster/run-id": run_id, "dagster/partition": "2019"},
        env_vars=[{"name": "DAGSTER_RUN_JOB_NAME", "value": "survey_edition"}])
    manifest = kubernetes.client.ApiClient().sanitize_for_serialization(job)
    manifest.setdefault("apiVersion", "batch/v1")
    manifest.setdefault("kind", "Job")
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.example.org/ieo/code-location:0.1.0"
    assert container["resources"]["limits"]["memory"] == "8Gi"

    misspelt = json.loads(json.dumps(manifest))
    misspelt["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSION, strict=True)
