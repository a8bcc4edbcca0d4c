"""Fixtures for the browser tests of the built site (``make test-site``).

The site is served from ``$DLBOOK_SITE_DIR`` (default ``_build/html``) by a threaded
``http.server`` on 127.0.0.1, and read by Debian's headless Chromium through
chromedriver, both given by path so that Selenium Manager never runs (nothing is
downloaded).  Chromium's proxy points at a closed local port, so every address
except 127.0.0.1 is unreachable: the site must work offline.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from built_site import CHROMEDRIVER, CHROMIUM, ENABLE, site_dir


@pytest.fixture(scope="session")
def site():
    root = site_dir()
    if not (root / "index.html").is_file():
        pytest.skip(f"no built site at {root} (run 'make html' first, or set DLBOOK_SITE_DIR)")
    return root


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def server(site):
    """Base URL of the site served on a free port of 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session; only 127.0.0.1 is reachable."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not found; {ENABLE}")
    os.environ["SE_OFFLINE"] = "true"          # Selenium Manager must never download
    webdriver = pytest.importorskip("selenium.webdriver",
                                    reason="selenium is missing: pip install -e '.[test]'")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="dlbook-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
                "--disable-extensions", "--window-size=1280,1600",
                "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    from unittest import mock

    from selenium.webdriver.common.selenium_manager import SeleniumManager

    def no_downloads(*args, **kwargs):
        raise AssertionError("Selenium Manager was invoked; it must never fetch a browser")

    with mock.patch.object(SeleniumManager, "binary_paths", no_downloads):
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def reader_page(browser, server):
    """``reader_page("part1/x.html")`` loads a page, lets MathJax finish and returns the browser."""

    def load(page):
        browser.get(server + page)
        browser.execute_async_script(
            "const done = arguments[arguments.length - 1]; const mj = window.MathJax;"
            "if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(done, done);"
            "else done();")
        return browser

    return load
