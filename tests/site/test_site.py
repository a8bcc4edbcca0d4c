"""The built site in a real browser, offline: every page of both editions (English at
the site's root, Japanese under ``ja/``), every equation, every image.

Run by ``make test-site`` after ``make html``.  Set ``DLBOOK_SITE_DIR`` to test
another build folder, e.g. ``DLBOOK_SITE_DIR=_build/rel/html``.
"""

from __future__ import annotations

import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from built_site import (EDITIONS, edition_dir, edition_pages, html_pages, screenshot_dir,
                        search_results, site_dir)

PAGES = html_pages()
ALL_PAGES = edition_pages()

WAIT_FOR_MATHJAX = """
const done = arguments[arguments.length - 1];
const start = Date.now();
(function poll() {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) {
    mj.startup.promise.then(() => done("ok"), (e) => done("MathJax failed: " + e));
  } else if (Date.now() - start > 5000) {
    done("MathJax did not load within 5 s (window.MathJax = " +
         (mj ? Object.keys(mj).join(",") : "undefined") + ")");
  } else {
    setTimeout(poll, 50);
  }
})();
"""

WAIT_FOR_IMAGES = r"""
const done = arguments[arguments.length - 1];
const images = Array.from(document.images);
images.forEach((img) => { if (img.loading === "lazy") img.loading = "eager"; });
const start = Date.now();
(function poll() {
  if (images.every((img) => img.complete) || Date.now() - start > 10000) {
    // naturalWidth > 0 for bitmaps; an SVG without intrinsic size reports 0, so for
    // those a successful decode() is the proof that the file arrived and parsed.
    Promise.all(images.map((img) => img.decode().then(() => true, () => false)))
      .then((decoded) => done(images.map((img, i) => ({
        src: img.getAttribute("src"),
        ok: img.complete && (img.naturalWidth > 0 ||
                             (/\.svg(\?|#|$)/i.test(img.currentSrc) && decoded[i])),
      }))));
  } else {
    setTimeout(poll, 50);
  }
})();
"""

MATH_REPORT = """
const maths = Array.from(document.querySelectorAll(".math"));
return {
  math: maths.length,
  containers: document.querySelectorAll("mjx-container").length,
  untypeset: maths.filter((e) => !e.querySelector("mjx-container"))
                  .map((e) => e.textContent.trim().slice(0, 80)),
  errors: Array.from(document.querySelectorAll("mjx-merror, [data-mjx-error]"))
               .map((e) => e.getAttribute("data-mjx-error") || e.textContent.slice(0, 80)),
};
"""


def _load(browser, url):
    browser.get_log("browser")                 # drop messages of earlier pages
    browser.get(url)
    deadline = time.monotonic() + 20
    while browser.execute_script("return document.readyState") != "complete":
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not finish loading")
        time.sleep(0.05)


def _severe(browser):
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.fixture(scope="module")
def reader(browser, server):
    """The browser after one visit: the theme has stored its colour mode.

    A first visit is checked on its own by ``test_first_visit_has_no_console_error``.
    """
    _load(browser, server + "index.html")
    browser.get_log("browser")
    return browser


def test_the_site_has_pages():
    if not PAGES:
        pytest.skip(f"no built site at {site_dir()} (run 'make html' first)")
    assert "index.html" in PAGES
    assert any(p.startswith("part1/") for p in PAGES)


def test_the_browser_cannot_reach_the_network(browser, server):
    """The premise of the offline checks: only 127.0.0.1 answers."""
    _load(browser, server + "index.html")
    outcome = browser.execute_async_script(
        "const done = arguments[0];"
        "fetch('http://example.com/', {mode: 'no-cors'})"
        ".then(() => done('reached'), () => done('blocked'));")
    browser.get_log("browser")
    assert outcome == "blocked"


@pytest.mark.parametrize("edition", EDITIONS)
def test_first_visit_has_no_console_error(browser, server, edition):
    """A reader's very first page view (empty localStorage) logs no error."""
    if not (edition_dir(edition) / "index.html").is_file():
        pytest.skip(f"no {edition} edition in the build")
    _load(browser, server + EDITIONS[edition] + "index.html")
    browser.execute_script("window.localStorage.clear();")
    _load(browser, server + EDITIONS[edition] + "index.html")
    assert _severe(browser) == []


@pytest.mark.parametrize("edition, page", ALL_PAGES or [pytest.param(
    None, None, marks=pytest.mark.skip(reason="no built site (run 'make html' first)"))])
def test_page_renders_offline(reader, server, edition, page):
    """No JavaScript error, every image loaded, every equation typeset by MathJax."""
    browser = reader
    _load(browser, server + EDITIONS[edition] + page)
    problems = []
    report = browser.execute_script(MATH_REPORT)
    has_mathjax = browser.execute_script(
        "return !!document.querySelector('script[src*=\"mathjax\"]')")
    if report["math"] or has_mathjax:
        status = browser.execute_async_script(WAIT_FOR_MATHJAX)
        if status != "ok":
            problems.append(status)
        report = browser.execute_script(MATH_REPORT)
        if report["untypeset"]:
            problems.append(f"{len(report['untypeset'])} of {report['math']} equations not "
                            f"typeset, e.g. {report['untypeset'][:3]}")
        if report["containers"] < report["math"]:
            problems.append(f"{report['containers']} MathJax outputs for {report['math']} equations")
        if report["errors"]:
            problems.append(f"MathJax errors: {report['errors'][:3]}")
    broken = [img["src"] for img in browser.execute_async_script(WAIT_FOR_IMAGES) if not img["ok"]]
    if broken:
        problems.append(f"images not loaded: {broken[:5]}")
    severe = _severe(browser)
    if severe:
        problems.append(f"browser errors: {severe[:5]}")
    assert not problems, f"{EDITIONS[edition]}{page}:\n  " + "\n  ".join(problems)


def test_search_finds_batch_normalization(reader, server, site):
    browser = reader
    browser.get_log("browser")
    results = search_results(browser, server, "batch normalization")
    severe = _severe(browser)
    assert results, "no result for 'batch normalization'"
    assert not severe, severe
    first = urlsplit(results[0]).path
    assert (site / first).is_file(), f"first result {results[0]} points to a missing page"


def _pick(prefix, preferred):
    for name in preferred:
        if f"{prefix}/{name}.html" in PAGES:
            return f"{prefix}/{name}.html"
    others = [p for p in PAGES if p.startswith(prefix + "/") and not p.endswith("index.html")]
    return others[0] if others else None


@pytest.mark.parametrize("label, page", [
    ("index", "index.html"),
    ("part1", _pick("part1", ["batch-norm", "activations", "vanishing-gradients"])),
    ("part2", _pick("part2", ["convolution", "lenet", "alexnet", "googlenet"])),
])
def test_screenshot(reader, server, label, page):
    browser = reader
    if page is None or page not in PAGES:
        pytest.skip(f"no {label} page in the build yet")
    _load(browser, server + page)
    if browser.execute_script("return !!document.querySelector('script[src*=\"mathjax\"]')"):
        browser.execute_async_script(WAIT_FOR_MATHJAX)
    out = screenshot_dir()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{label}-{Path(page).stem}.png"
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 10_000


# -- internal links: pure Python over the HTML files ---------------------------------
class _LinkParser(HTMLParser):
    LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src",
                  "iframe": "src"}

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        target = attrs.get(self.LINK_ATTRS.get(tag, ""))
        if target:
            self.links.append(target)


def _parse(path, cache={}):  # noqa: B006 - a deliberate per-session cache
    if path not in cache:
        parser = _LinkParser()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = parser
    return cache[path]


def _is_internal(url):
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


def test_no_internal_link_is_broken(site):
    root = site.resolve()
    broken, checked = [], 0
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site)
        if any(part.startswith("_") for part in rel.parts):
            continue
        for url in _parse(page).links:
            if not _is_internal(url) or url == "#":
                continue
            checked += 1
            parts = urlsplit(url)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if target.is_dir():
                target = target / "index.html"
            if root not in target.parents and target != root:
                broken.append(f"{rel}: {url} leaves the site")
            elif not target.is_file():
                broken.append(f"{rel}: {url} -> missing {target.relative_to(root)}")
            elif parts.fragment and target.suffix == ".html" \
                    and unquote(parts.fragment) not in _parse(target).ids:
                broken.append(f"{rel}: {url} -> no anchor #{parts.fragment}")
    assert checked > 0
    assert not broken, f"{len(broken)} broken of {checked} internal links:\n" + "\n".join(broken[:40])


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_executed_page_offers_its_notebook(site, edition):
    """Each notebook page can be downloaded as a notebook that holds its executed outputs."""
    import json

    from built_site import ROOT

    site = edition_dir(edition)
    if not (site / "index.html").is_file():
        pytest.skip(f"no {edition} edition in the build")
    offered = 0
    for source in sorted((ROOT / "docs").rglob("*.md")):
        if "file_format: mystnb" not in source.read_text(encoding="utf8")[:200]:
            continue
        page = site / source.relative_to(ROOT / "docs").with_suffix(".html")
        links = [u for u in _parse(page).links if u.endswith(".ipynb")]
        assert links, f"{page.relative_to(site)} has no .ipynb download"
        notebook = json.loads((page.parent / unquote(links[0])).read_text(encoding="utf8"))
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert any(c.get("outputs") for c in code), f"{links[0]} has no executed outputs"
        offered += 1
    assert offered >= 25


class _Images(HTMLParser):
    """The ``alt`` of every image of a page's article."""

    def __init__(self):
        super().__init__()
        self.alts = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_every_figure_has_a_text_alternative(edition):
    """A figure's ``alt`` says what it shows, in the edition's language: the kernel's
    words for it (docs/_ext/dlbook_figure_text.py, ``FigureHook.alt_text``), never the
    image's file path, which is what the HTML writer falls back to."""
    prefix = {"en": "Figure: ", "ja": "図："}[edition]
    paths, figures = [], 0
    for page in html_pages(edition=edition):
        parser = _Images()
        parser.feed((edition_dir(edition) / page).read_text(encoding="utf8"))
        for alt in parser.alts:
            if alt is None or alt.rstrip().lower().endswith((".png", ".svg", ".jpg")):
                paths.append(f"{page}: {alt}")
            figures += bool(alt and alt.startswith(prefix))
    assert not paths, f"{len(paths)} images without a text alternative: {paths[:5]}"
    assert figures > 50, figures
