"""axe-core on every page of the built site, in light and in dark mode.

Zero serious or critical violations of WCAG 2.0/2.1 A and AA.  axe-core comes inside
the ``selenium-axe-python`` wheel (nothing is downloaded).  Each page is loaded once,
MathJax is let finish, and axe runs every WCAG 2 A/AA rule with the theme light, then
the colour rules again with it dark (the theme keys its colours on ``data-theme``, so
no reload is needed).  The pages whose names start
with ``_`` are left out but ``_modules/`` ([source] links), which readers do open.

Both editions are checked (English at the site's root, Japanese under ``ja/``), each
in a few interleaved slices of its pages, so that ``pytest -n 2`` (``make test-site``)
spreads them over two browsers.  The [source] pages' code is the same highlighted
HTML in both editions (code is not translated; the test checks that it is byte for
byte the same): the Japanese pass checks the rest of those pages, the English pass
their code.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from built_site import EDITIONS, html_pages, site_dir

pytest.importorskip("selenium_axe_python", reason="pip install -e '.[test]'")

PAGES = {edition: html_pages(include=("_modules",), edition=edition) for edition in EDITIONS}
SLICES = 4
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The rules whose outcome depends on colours: all that the dark-mode pass needs to run
# again (the others see the same DOM in both modes).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
BLOCKING = {"serious", "critical"}

# The theme animates colour changes (e.g. the search button's background): switch them
# off, or axe would measure a colour halfway between the modes.
SET_MODE = """
if (!document.getElementById("no-transitions")) {
  const style = document.createElement("style");
  style.id = "no-transitions";
  style.textContent = "*, *::before, *::after { transition: none !important; animation: none !important; }";
  document.head.appendChild(style);
}
document.documentElement.dataset.theme = arguments[0];
document.documentElement.dataset.mode = arguments[0];
document.body.getBoundingClientRect();
"""

RUN_AXE = """
const done = arguments[arguments.length - 1];
const context = arguments[1] ? {exclude: arguments[1]} : document;
axe.run(context, {runOnly: arguments[0], resultTypes: ["violations"]})
  .then((r) => done(r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }))), (e) => done({error: String(e)}));
"""

WAIT_FOR_MATHJAX = """
const done = arguments[arguments.length - 1];
const mj = window.MathJax;
if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(() => done(1), () => done(0));
else done(1);
"""


SOURCE_CODE = re.compile(r'<div class="highlight"><pre>.*?</pre></div>', re.S)
# The [docs] links in the code are the one translated word in it (same link, same colours).
DOCS_LINK_TEXT = re.compile(r'(<a class="viewcode-back"[^>]*>)[^<]*(</a>)')


def _checked_in_english(edition, page):
    """What the English pass already checked on this page: its highlighted code, if the
    page is a [source] page whose code is the English page's, byte for byte."""
    if edition == "en" or not page.startswith("_modules/"):
        return None
    def code_of(path):
        html = path.read_text(encoding="utf8")
        return [DOCS_LINK_TEXT.sub(r"\1\2", block) for block in SOURCE_CODE.findall(html)]

    code = code_of(site_dir() / EDITIONS[edition] / page)
    assert code == code_of(site_dir() / page), \
        f"{EDITIONS[edition]}{page}: its code differs from {page}'s"
    return [["div.highlight"]] if code else None


@pytest.fixture(scope="module")
def axe_script():
    from pathlib import Path

    import selenium_axe_python

    return (Path(selenium_axe_python.__file__).parent / "axe-core" / "axe.min.js").read_text(
        encoding="utf8")


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("part", range(SLICES))
def test_every_page_is_accessible_in_light_and_dark_mode(browser, server, axe_script,
                                                        edition, part):
    if not PAGES[edition]:
        pytest.skip(f"no {edition} edition at {site_dir()} (run 'make html' first)")
    pages = PAGES[edition][part::SLICES]
    start = time.monotonic()
    failures, checked = [], 0
    for page in pages:
        exclude = _checked_in_english(edition, page)
        browser.get(server + EDITIONS[edition] + page)
        browser.execute_async_script(WAIT_FOR_MATHJAX)
        browser.execute_script(axe_script)
        for mode, rules in (("light", {"type": "tag", "values": TAGS}),
                            ("dark", {"type": "rule", "values": COLOUR_RULES})):
            browser.execute_script(SET_MODE, mode)
            violations = browser.execute_async_script(RUN_AXE, rules, exclude)
            assert not isinstance(violations, dict), f"axe failed on {page}: {violations}"
            checked += 1
            for v in violations:
                if v["impact"] in BLOCKING:
                    failures.append(f"{EDITIONS[edition]}{page} [{mode}] {v['impact']} {v['id']}: {v['help']} "
                                    f"({len(v['nodes'])}x) e.g. {json.dumps(v['nodes'][:2])}")
    elapsed = time.monotonic() - start
    print(f"\naxe-core checked {len(pages)} {edition} pages in 2 modes ({checked} runs) "
          f"in {elapsed:.1f} s")
    assert checked == 2 * len(pages)
    assert not failures, f"{len(failures)} serious/critical WCAG 2 A/AA violations:\n" + \
        "\n".join(failures[:40])
