"""What readers of a Jupyter Book style site expect: copy buttons that copy code only,
collapsed quiz answers, [source] links, canonical URLs, a sitemap, OpenGraph cards,
a favicon and logo, links to Python's documentation, and a folder GitHub Pages serves."""

from __future__ import annotations

import re

import pytest

from built_site import html_pages, site_dir

PAGES = html_pages()


@pytest.fixture(autouse=True)
def _built():
    if not PAGES:
        pytest.skip(f"no built site at {site_dir()} (run 'make html' first)")


def _html(site, page):
    return (site / page).read_text(encoding="utf8")


# The copy button (ClipboardJS) puts the text in a temporary <textarea>, selects it and
# calls execCommand("copy"); record that text instead of touching the real clipboard.
CAPTURE_COPY = """
window.__copied = null;
document.execCommand = (command) => {
  if (command === "copy") {
    const areas = document.querySelectorAll("textarea");
    window.__copied = areas.length ? areas[areas.length - 1].value : null;
  }
  return true;
};
"""


def test_copy_button_copies_code_without_prompts_or_output(reader_page):
    browser = reader_page("part1/activations.html")
    block = browser.execute_script(
        "return Array.from(document.querySelectorAll('div.highlight pre'))"
        ".map((pre, i) => [i, pre.textContent]).find(([i, t]) => t.startsWith('>>> '));")
    assert block, "no doctest block on the page"
    index, shown = block
    browser.execute_script(CAPTURE_COPY)
    browser.execute_script(
        "const pre = document.querySelectorAll('div.highlight pre')[arguments[0]];"
        "pre.closest('div.highlight').querySelector('button.copybtn').click();", index)
    copied = browser.execute_script("return window.__copied;")
    assert copied, "the copy button copied nothing"
    typed = [line[4:] for line in shown.splitlines() if line.startswith((">>> ", "... "))]
    assert copied.splitlines() == typed, (shown, copied)


def test_quiz_answers_are_collapsed_but_in_the_page(reader_page, site):
    browser = reader_page("part1/initialization.html")
    state = browser.execute_script("""
        const quiz = document.querySelector('div.admonition.quiz');
        const details = quiz && quiz.querySelector('details.quiz-answer');
        return details && {open: details.open, answer: details.textContent,
                           answerShown: details.querySelector('p').checkVisibility(),
                           question: quiz.querySelector(':scope > p:not(.admonition-title)').textContent};""")
    assert state is not None, "no collapsed answer in the quiz"
    assert state["open"] is False
    assert "Our answer" in state["answer"]
    assert state["question"].startswith("Q")
    assert state["answerShown"] is False
    browser.execute_script("window.dispatchEvent(new Event('beforeprint'));")
    assert browser.execute_script("return document.querySelector('details.quiz-answer').open;")
    # the answers are indexed for search like the rest of the page
    index = (site / "searchindex.js").read_text(encoding="utf8")
    assert '"symmetri"' in index or '"symmetry"' in index


def test_api_reference_links_to_source_and_to_python(site):
    html = _html(site, "api/nn.html")
    sources = set(re.findall(r'href="(\.\./_modules/[^"#]+)', html))
    assert sources, "no [source] link on the nn API page"
    for href in sources:
        assert (site / "api" / href).resolve().is_file(), href
    assert "https://docs.python.org/3.11/" in "".join(_html(site, p) for p in PAGES
                                                       if p.startswith("api/"))


def test_canonical_link_and_opengraph(site):
    html = _html(site, "part1/activations.html")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    assert canonical.endswith("/part1/activations.html")
    base = canonical[: -len("part1/activations.html")]
    assert re.search(rf'<meta property="og:url" content="{re.escape(canonical)}"', html)
    title = re.search(r'<meta property="og:title" content="([^"]+)"', html).group(1)
    assert "<" not in title
    image = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert image.startswith(base)
    assert (site / image[len(base):]).is_file(), image
    # Every page of the book, after an incremental build too (not only the pages the
    # last build wrote), each with its twin as an alternate.
    sitemap = (site / "sitemap.xml").read_text(encoding="utf8")
    book = [p for p in PAGES if p not in ("search.html", "genindex.html", "py-modindex.html")]
    assert sitemap.count("<loc>") == len(book) > 40
    assert sitemap.count('hreflang="ja"') == sitemap.count("<loc>")
    for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        assert (site / loc[len(base):]).is_file(), loc


def test_favicon_and_logo(site):
    html = _html(site, "index.html")
    assert re.search(r'<link rel="icon" href="_static/favicon.svg"', html)
    assert 'src="_static/logo.svg"' in html
    assert (site / "_static" / "favicon.svg").is_file()


def test_the_folder_is_ready_for_github_pages_and_offline_maths(site):
    assert (site / ".nojekyll").is_file()
    mathjax = site / "_static" / "mathjax"
    assert "Apache License" in (mathjax / "LICENSE").read_text(encoding="utf8")
    assert any((mathjax / "sre" / "mathmaps").glob("en.json*")), "MathJax speech rules missing"
