"""The built site in a real browser: headless Chromium (the Debian package) via Playwright.

Serves ``docs/_build/html`` on a local port, opens the index, an env page, a tutorial and
the leaderboard, and fails on any console error, failed request, image that did not load
(``naturalWidth == 0``) or internal link that does not answer 200 (every internal link of
those pages is fetched). Screenshots go to ``docs/_build/screenshots/``. Skipped, saying
why, without Playwright, without ``/usr/bin/chromium`` or without a built site.

Playwright's own browser downloads are never used: ``apt-get install chromium``.
"""

import functools
import http.server
import os
import shutil
import threading
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

CHROMIUM = os.environ.get("GYM_INVENTORY_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = {
    "index": "index.html",
    "env": "environments/Inventory-v0.html",
    "tutorial": "generated/tutorials/02_rules_vs_optimum.html",
    "leaderboard": "leaderboard.html",
}


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_cleanly_in_chromium(name, server, browser, site):
    shots = site.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, failed = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    url = urljoin(server, PAGES[name])
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    if page.evaluate("document.querySelector('mjx-container, .math') !== null"):
        page.wait_for_function(
            "window.MathJax && window.MathJax.startup && "
            "window.MathJax.startup.document !== undefined",
            timeout=15_000,
        )
        page.evaluate("MathJax.startup.promise")
        assert page.locator("mjx-container").count() > 0, "math was not typeset"
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    broken = page.evaluate(
        "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    internal = sorted({urldefrag(u).url for u in links if u.startswith(server)})
    dead = []
    for link in internal:
        status = page.request.get(link).status
        if status != 200:
            dead.append(f"{status} {urlsplit(link).path}")
    page.close()
    assert failed == [], failed
    assert errors == [], errors
    assert broken == [], broken
    assert internal, "no internal link found: the page did not render"
    assert dead == [], dead
