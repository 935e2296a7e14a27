"""Headless Chromium (Debian's, driven by Playwright) against the app on a live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("BALLOT_SCREENSHOTS")


def log_in(page, live_server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in as a staff member (every test account has factories.PASSWORD)."""
    from .. import factories

    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('登录')")


def choose(page, picks: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Tap one option per row of the ballot, by its place in the row (0 = the first)."""
    rows = page.query_selector_all("fieldset.row")
    for row, pick in zip(rows, picks, strict=False):
        row.query_selector_all("label")[pick].click()


def to_review(page) -> None:  # type: ignore[no-untyped-def]
    """From the ballot to the review page."""
    page.click("text=检查并提交")
    page.wait_for_selector("#review")


def look(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Check the page with axe-core (no serious or critical violation); keep a screenshot
    in $BALLOT_SCREENSHOTS when it is set."""
    from axe_playwright_python.sync_playwright import Axe

    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: run .ci/run, or apt-get install chromium fonts-noto-cjk"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright gives every launch a fresh, empty profile of its own.
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield ChineseBrowser(browser)
        browser.close()


class ChineseBrowser:
    """The browser as a hall's phones and an office's computers have it: Chinese first
    (Accept-Language zh-CN), unless a test asks for another locale."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        options.setdefault("locale", "zh-CN")
        return self._browser.new_context(**options)

    def new_page(self, **options: Any) -> Any:
        options.setdefault("locale", "zh-CN")
        return self._browser.new_page(**options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)
