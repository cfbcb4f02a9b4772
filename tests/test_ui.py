"""The Dagster UI as a person uses it: `dagster dev` and the auditors' read-only `ieo audit-ui`,
driven by headless Chromium against an instance that holds a materialized sample edition."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS
from tests.processes import free_port, interruptible

pytestmark = pytest.mark.daemon  # each test starts `dagster dev` or `ieo audit-ui`

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ARTIFACTS.mkdir(exist_ok=True)
GROUPS = ("raw", "staging", "marts", "network", "index", "publish")
INDEX_CHECKS = ("contributions_add_up", "every_province_scored", "ranks_follow_scores")
LOCATION = "orchestration.definitions"
# The catalog shortens long names and draws only the rows in view, so it is recognised by the first rows'
# keys, descriptions and partition counts.
CATALOG_TEXT = ("index / weights", "index / coherence", "Each province's competitiveness score and rank", "partitions")
ASSET_PAGE_TEXT = ("competitiveness_index", "Latest materialization", "2019", "Latest check results", "Row count")


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def start(command: list[str], port: int, env: dict, log: Path) -> tuple[subprocess.Popen, float]:
    """Start a UI process and wait until its asset graph is loaded; returns it and the seconds that took."""
    started = time.perf_counter()
    handle = open(log, "w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                               start_new_session=True, preexec_fn=interruptible)
    deadline = started + 240
    while time.perf_counter() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            nodes = graphql(port, "{ assetNodes { id } }")["data"]["assetNodes"]
            if nodes:
                return process, time.perf_counter() - started
        except (OSError, KeyError, TypeError, ValueError):
            pass
        time.sleep(1)
    stop(process)
    raise AssertionError(f"UI did not load its asset graph in 240 s: {log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def ui_environment(released) -> dict:
    env = dict(os.environ, DAGSTER_HOME=str(released["home"]), IEO_RAW_DIR=str(released["raw"]),
               IEO_WAREHOUSE=str(released["warehouse"]), IEO_PUBLISH_DIR=str(released["publish"]),
               IEO_DATA_DOCS_DIR=str(released["data_docs"]))
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def page_text(browser, url: str, *waiting_for: str, timeout: float = 90) -> str:
    """Open ``url`` and wait until its text shows every one of ``waiting_for``; dismisses the newsletter prompt."""
    browser.get(url)
    deadline = time.time() + timeout
    text = ""
    while time.time() < deadline:
        browser.execute_script(
            "Array.from(document.querySelectorAll('button')).filter(b => b.textContent.trim() == 'Skip')"
            ".forEach(b => b.click())")
        text = browser.find_element("tag name", "body").text
        if all(part in text for part in waiting_for):
            return text
        time.sleep(1)
    raise AssertionError(f"{url} never showed {waiting_for!r}; it showed: {text[:2000]}")


def materialize_button_disabled(browser) -> list[bool]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('button'))"
        ".filter(b => b.textContent.includes('Materialize')).map(b => b.disabled)")


@pytest.fixture(scope="module")
def last_run_succeeded(released):
    """The instance as a person finds it after a good run: if an earlier test left a failed edition run
    (a corrupt-input test) as the latest, the edition is run again so the UI shows a good materialization."""
    import dagster as dg

    from tests.conftest import run_edition

    with dg.DagsterInstance.from_config(str(released["home"])) as instance:
        [latest] = instance.get_runs(filters=dg.RunsFilter(job_name="survey_edition"), limit=1)
    if latest.status != dg.DagsterRunStatus.SUCCESS:
        assert run_edition(released) == 0
    return released


@pytest.fixture(scope="module")
def dev_ui(last_run_succeeded, tmp_path_factory):
    released = last_run_succeeded
    port = free_port()
    command = [str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
    log = tmp_path_factory.mktemp("ui") / "dagster-dev.log"
    process, seconds = start(command, port, ui_environment(released), log)
    print(f"dagster dev: asset graph loaded {seconds:.1f} s after start")
    yield port
    stop(process)


@pytest.fixture(scope="module")
def audit_ui(last_run_succeeded, tmp_path_factory):
    released = last_run_succeeded
    port = free_port()
    command = [str(BIN / "ieo"), "audit-ui", "--port", str(port)]
    log = tmp_path_factory.mktemp("ui") / "audit-ui.log"
    process, seconds = start(command, port, ui_environment(released), log)
    print(f"ieo audit-ui: asset graph loaded {seconds:.1f} s after start")
    yield port
    stop(process)


def test_dagster_dev_shows_the_asset_graph_the_index_and_its_passing_checks(dev_ui):
    from tests.browser import chromium

    base = f"http://127.0.0.1:{dev_ui}"
    browser = chromium()
    try:
        graph = page_text(browser, f"{base}/asset-groups", "publish")
        browser.save_screenshot(str(ARTIFACTS / "ui-asset-graph.png"))
        catalog = page_text(browser, f"{base}/assets", *CATALOG_TEXT)
        asset = page_text(browser, f"{base}/assets/index/competitiveness_index", *ASSET_PAGE_TEXT)
        browser.save_screenshot(str(ARTIFACTS / "ui-competitiveness-index.png"))
        enabled = materialize_button_disabled(browser)
        checks = page_text(browser, f"{base}/assets/index/competitiveness_index?view=checks",
                           *(f"{name}\nSucceeded" for name in INDEX_CHECKS))
        browser.save_screenshot(str(ARTIFACTS / "ui-competitiveness-index-checks.png"))
    finally:
        browser.quit()
    assert all(group in graph for group in GROUPS)
    assert all(part in catalog for part in CATALOG_TEXT)
    assert all(part in asset for part in ASSET_PAGE_TEXT)
    assert enabled == [False]  # a data engineer may materialize from here
    for name in INDEX_CHECKS:
        assert f"{name}\nSucceeded" in checks
    assert "Failed" not in checks


def test_the_read_only_ui_shows_everything_and_refuses_to_launch_or_wipe(audit_ui):
    from tests.browser import chromium

    launch = graphql(audit_ui, f"""mutation {{ launchRun(executionParams: {{selector: {{
        repositoryLocationName: "{LOCATION}", repositoryName: "__repository__", jobName: "reference_data"}}}})
        {{ __typename ... on UnauthorizedError {{ message }} }} }}""")
    assert launch["data"]["launchRun"]["__typename"] == "UnauthorizedError"
    wipe = graphql(audit_ui, """mutation { wipeAssets(assetPartitionRanges: [{assetKey: {path: ["index", "weights"]}}])
        { __typename } }""")
    assert wipe["data"]["wipeAssets"]["__typename"] == "UnauthorizedError"
    runs = graphql(audit_ui, "{ runsOrError { ... on Runs { results { runId status } } } }")["data"]["runsOrError"]
    assert runs["results"] and all(r["status"] in ("SUCCESS", "FAILURE") for r in runs["results"])

    base = f"http://127.0.0.1:{audit_ui}"
    browser = chromium()
    try:
        asset = page_text(browser, f"{base}/assets/index/competitiveness_index", *ASSET_PAGE_TEXT)
        disabled = materialize_button_disabled(browser)
        browser.save_screenshot(str(ARTIFACTS / "audit-ui-competitiveness-index.png"))
        page_text(browser, f"{base}/asset-groups", "publish")
        browser.save_screenshot(str(ARTIFACTS / "audit-ui-asset-graph.png"))
    finally:
        browser.quit()
    assert all(part in asset for part in ASSET_PAGE_TEXT)
    assert disabled == [True]
