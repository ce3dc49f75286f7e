"""Browser journeys: Playwright for Python driving Debian's Chromium (never a downloaded
browser) against a real uvicorn server on 127.0.0.1 over a fresh SQLite database.

Every page a test opens is checked for Content-Security-Policy violations and script
errors (console), and `axe(page)` runs axe-core (vendored from the npm registry, injected
by the test through the DevTools protocol, so the app's CSP stays as strict as served).
`shot(page, name)` saves a screenshot to $GOODWILL_SCREENSHOTS (default build/screenshots).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from tests.web.live import live_server

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long browser password"


def screenshot_dir() -> Path:
    path = Path(os.environ.get("GOODWILL_SCREENSHOTS") or ROOT / "build" / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium")
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


def _database(tmp: Path) -> str:
    return f"sqlite:///{tmp / 'goodwill.db'}"


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    """One server per test process; each test signs up its own user (own workspace)."""
    tmp = tmp_path_factory.mktemp("browser-server")
    with live_server(_database(tmp), tmp / "server.log") as base:
        yield base


@pytest.fixture
def fresh_server(tmp_path) -> Iterator[str]:
    """A server over a database nobody has signed up to yet."""
    with live_server(_database(tmp_path), tmp_path / "server.log") as base:
        yield base


class Console:
    """Errors the page printed: a CSP violation or a script error fails the test."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def console() -> Iterator[Console]:
    seen = Console()
    yield seen
    # 4xx answers a test provokes on purpose are logged as failed loads: not script errors.
    real = [e for e in seen.errors if "Failed to load resource" not in e]
    assert not real, f"the browser console reported errors: {real}"


@pytest.fixture
def context(browser, server) -> Iterator[object]:
    ctx = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, console):
    p = context.new_page()
    console.watch(p)
    p.set_default_timeout(15_000)
    return p


def sign_up(page, name: str = "Bea Browser") -> str:
    """A new account (its own workspace) through the sign-up form; returns its email."""
    email = f"{name.split()[0].lower()}-{uuid4().hex[:8]}@browser.example"
    page.goto("/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/")
    return email


def load_demo(page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Load demo data").click()
    page.wait_for_url("**/")
    page.get_by_role("heading", name="Going cold").wait_for()


@pytest.fixture
def demo_page(page):
    """A signed-up user with the demo network, on Today."""
    sign_up(page)
    load_demo(page)
    return page


def axe(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core on the page as it is now: the violations of the given impacts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await window.axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in impacts
    ]  # fmt: skip


def assert_accessible(page) -> None:
    violations = axe(page)
    assert not violations, f"axe found serious or critical violations on {page.url}: {violations}"


def shot(page, name: str) -> Path:
    path = screenshot_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def first_contentful_paint(page) -> float | None:
    """The browser's own first-contentful-paint of the page loaded last, in ms (waits
    up to 5 s for the browser to record it)."""
    try:
        page.wait_for_function(
            "() => performance.getEntriesByName('first-contentful-paint').length > 0",
            timeout=5_000,
        )
    except playwright_sync.TimeoutError:
        return None
    value = page.evaluate(
        "() => { const e = performance.getEntriesByName('first-contentful-paint')[0];"
        " return e ? e.startTime : null; }"
    )
    return float(value) if value is not None else None
