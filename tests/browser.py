"""Headless Debian Chromium for the tests that look at pages as a person would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def chromium() -> webdriver.Chrome:
    """A headless Chromium that records console messages and network events."""
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert binary and driver, "install Debian's chromium and chromium-driver (.ci/run does: apt-get install)"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1000", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


def requested_urls(browser: webdriver.Chrome) -> list[str]:
    """Every URL the page asked the network for since the last call (from the performance log)."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def full_page_screenshot(browser: webdriver.Chrome, name: str) -> Path:
    """Save the whole page, not just the viewport, under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(int(height) + 100, 30000))
    path = ARTIFACTS / name
    browser.save_screenshot(str(path))
    return path
