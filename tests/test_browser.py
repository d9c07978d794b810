"""Real browser: `lovspor dashboard` on loopback, every page opened in headless Debian
Chromium, no exception shown, screenshots saved into ./screenshots/ (git-ignored).

Runs when $LOVSPOR_CHROMEDRIVER is set (scripts/services.sh writes it) or under CI, where a
missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboard_server import free_port, stop, wait_http
from tests.test_dashboard import XSS, build_db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"
PAGES = [
    ("aendringer", "Ændringer"),
    ("paragraf", "Paragraf"),
    ("statistik", "Statistik"),
    ("konsekvenser", "Konsekvenser"),
    ("daekning", "Datadækning"),
]
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1400,1600",
)


def _binaries() -> tuple[str, str]:
    driver = os.environ.get("LOVSPOR_CHROMEDRIVER")
    if not driver and not os.environ.get("CI"):
        pytest.skip("set LOVSPOR_CHROMEDRIVER (scripts/services.sh) to run the browser test")
    driver = driver or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    chromium = os.environ.get("LOVSPOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    for path in (driver, chromium):
        if not Path(path).exists():
            pytest.fail(f"{path} not found (apt-get install chromium chromium-driver)")
    return driver, chromium


@pytest.fixture(scope="module")
def server(retsinfo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _binaries()
    import sqlite3

    path = tmp_path_factory.mktemp("browser") / "lovspor.sqlite"
    url = build_db(retsinfo, path)
    con = sqlite3.connect(path)  # the XSS row: a stored provision with markup in it
    # in the newest analysed pair, so the page's data-chosen default law and period show it
    row = con.execute(
        "SELECT law_id, old_version_id, new_version_id, signed FROM changes "
        "ORDER BY signed DESC, id DESC LIMIT 1"
    ).fetchone()
    con.execute(
        "INSERT INTO changes (law_id, old_version_id, new_version_id, kind, level, old_key, "
        "new_key, paragraph_key, old_text, new_text, ops, similarity, signed, attribution) "
        "VALUES (?, ?, ?, 'inserted', 'stk', NULL, '§ 999 x, stk. 1', '§ 999 x', '', ?, '[]', "
        "1.0, ?, 'none')",
        (*row[:3], f"Hostile {XSS}", row[3]),
    )
    con.commit()
    con.close()
    port = free_port()
    log = (tmp_path_factory.getbasetemp() / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from lovspor.cli import main; main()", "dashboard",
         "--db", url, "--port", str(port), "--address", "127.0.0.1"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_http(f"{base}/_stcore/health", proc=proc).strip() == "ok"
        yield base
    finally:
        stop(proc)
        log.close()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    driver_path, chromium = _binaries()
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in FLAGS:
        opts.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="lovspor-chromium-")
    opts.add_argument(f"--user-data-dir={profile}")
    drv = webdriver.Chrome(service=Service(driver_path), options=opts)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait_page(drv, title: str, timeout: float = 60.0) -> str:  # type: ignore[no-untyped-def]
    """Wait until the page's h1 is `title` and Streamlit has stopped running."""
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        heads = [h.text for h in drv.find_elements(By.TAG_NAME, "h1")]
        running = drv.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
        if any(title in h for h in heads) and not running:
            time.sleep(1.5)  # charts and iframes settle
            return drv.find_element(By.TAG_NAME, "body").text
        time.sleep(0.5)
    raise TimeoutError(f"page {title!r} did not render; h1: {heads}")


def full_page_screenshot(drv, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Streamlit scrolls inside its main section: grow the window to its height first."""
    height = drv.execute_script(
        "const m = document.querySelector('[data-testid=\"stMain\"]') || document.body;"
        "return Math.max(m.scrollHeight, document.body.scrollHeight);"
    )
    drv.set_window_size(1400, min(int(height) + 120, 9000))
    time.sleep(1.5)
    path.parent.mkdir(exist_ok=True)
    drv.save_screenshot(str(path))
    drv.set_window_size(1400, 1600)


@pytest.mark.parametrize(("slug", "title"), PAGES)
def test_page_opens_without_exception(browser, server: str, slug: str, title: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/{slug}" if slug != "aendringer" else server)
    text = _wait_page(browser, title)
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]'), text[:2000]
    for marker in ("Traceback", "StreamlitAPIException"):
        assert marker not in text
    full_page_screenshot(browser, SCREENSHOTS / f"{slug}.png")


def test_stored_script_is_shown_as_text(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server)
    _wait_page(browser, "Ændringer")
    box = browser.find_element(By.CSS_SELECTOR, 'input[aria-label="Bestemmelse"]')
    box.send_keys("§ 999 x", Keys.ENTER)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "Hostile" not in browser.page_source:
        time.sleep(0.5)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "<script>alert('lovspor')</script>" in body  # visible as text
    assert "<script>alert(" not in browser.page_source.replace("&lt;script&gt;", "")
    assert not browser.find_elements(By.XPATH, "//img[@src='x']")
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 (no script ran, so no alert is open)
    full_page_screenshot(browser, SCREENSHOTS / "xss.png")


@pytest.mark.parametrize(
    ("slug", "title", "selector", "least"),
    [
        ("statistik", "Statistik", '[data-testid="stVegaLiteChart"]', 1),  # per year / law
        ("paragraf", "Paragraf", '[data-testid="stVegaLiteChart"]', 1),  # the § timeline
        ("konsekvenser", "Konsekvenser", '[data-testid="stGraphVizChart"] svg', 1),
    ],
)
def test_pictures_are_drawn(browser, server: str, slug: str, title: str, selector: str,  # type: ignore[no-untyped-def]
                            least: int) -> None:
    """The charts and the impact drawing are really drawn in the browser (screenshots of
    them are saved beside the page screenshots)."""
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/{slug}")
    _wait_page(browser, title)
    deadline = time.monotonic() + 30
    found = []
    while time.monotonic() < deadline:
        found = browser.find_elements(By.CSS_SELECTOR, selector)
        if len(found) >= least and all(e.size["height"] > 50 for e in found[:least]):
            break
        time.sleep(0.5)
    assert len(found) >= least, f"{slug}: no {selector} drawn"
    assert found[0].size["height"] > 50 and found[0].size["width"] > 100
    SCREENSHOTS.mkdir(exist_ok=True)
    found[0].screenshot(str(SCREENSHOTS / f"{slug}-picture.png"))
