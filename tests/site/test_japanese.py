"""Japanese text in the English edition: marked ``lang="ja"``, drawn with a Japanese
font, and found by the site search."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from built_site import LanguageParser, html_pages, screenshot_dir, search_results, site_dir

PAGES = html_pages()
JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
# Text a reader does not read as prose: code, maths source, scripts, the <title>
# (plain text by HTML's rules; the page's <h1> carries the markup).
SKIP = {"script", "style", "pre", "code", "title", "textarea", "svg"}


class _LangParser(LanguageParser):
    """Japanese text outside any element whose ``lang`` is Japanese."""

    def __init__(self):
        super().__init__()
        self.unmarked, self.marked = [], 0

    def skips(self, tag, classes):
        return tag in SKIP or "math" in classes

    def handle_data(self, data):
        if not JAPANESE.search(data) or not self.stack or self.stack[-1]["skip"]:
            return
        if self.stack[-1]["lang"].startswith("ja"):
            self.marked += 1
        else:
            self.unmarked.append(data.strip()[:60])


def _no_site():
    if not PAGES:
        pytest.skip(f"no built site at {site_dir()} (run 'make html' first)")


def test_every_japanese_run_is_marked_japanese(site):
    """In the body, titles, sidebar, breadcrumbs and prev/next links of every page."""
    _no_site()
    unmarked, marked = {}, 0
    for page in PAGES:
        parser = _LangParser()
        parser.feed((site / page).read_text(encoding="utf8"))
        marked += parser.marked
        if parser.unmarked:
            unmarked[page] = parser.unmarked
    assert marked > 500, f"only {marked} Japanese runs marked lang='ja'"
    assert not unmarked, "Japanese text without lang='ja':\n" + "\n".join(
        f"{page}: {texts[:3]}" for page, texts in list(unmarked.items())[:20])


def test_titles_and_sidebar_mark_japanese(site):
    html = (site / "quizzes.html").read_text(encoding="utf8")
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert '<span lang="ja">確認テスト</span>' in h1
    nav = re.search(r'<nav class="[^"]*bd-docs-nav.*?</nav>', html, re.S).group(0)
    assert '<span lang="ja">' in nav


def test_japanese_runs_use_a_japanese_font(reader_page):
    browser = reader_page("part1/activations.html")
    family = browser.execute_script(
        "const s = document.querySelector('article span[lang=ja]');"
        "return s ? getComputedStyle(s).fontFamily : null;")
    assert family is not None, "no span[lang=ja] in the article"
    assert family.startswith('"Noto Sans CJK JP"'), family


@pytest.mark.parametrize("query, page", [
    ("勾配", "part1/vanishing-gradients.html"),      # a word inside longer runs (勾配消失問題)
    ("勾配消失", "part1/vanishing-gradients.html"),
    ("正規化", "part1/batch-norm.html"),              # inside バッチ正規化
    ("学習", None),
    ("バッチ正規化", "part1/batch-norm.html"),        # longer than 4 characters: looked up by pieces
    ("normalizing", "part1/batch-norm.html"),        # English stemming still works
])
def test_search_finds_japanese_words(reader_page, server, query, page):
    _no_site()
    browser = reader_page("index.html")
    found = [h.split("?")[0].split("#")[0] for h in search_results(browser, server, query)]
    assert found, f"no result for {query!r}"
    if page is not None:
        assert page in found, f"{query!r} found {found[:8]}, not {page}"


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_screenshot_japanese_terms(reader_page, mode):
    """A page full of the notes' Japanese terms, as a reader sees it in each mode."""
    browser = reader_page("part1/activations.html")
    browser.execute_script("document.documentElement.dataset.theme = arguments[0];"
                           "document.documentElement.dataset.mode = arguments[0];", mode)
    out = screenshot_dir()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"japanese-activations-{mode}.png"
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 10_000
    assert Path(target).is_file()
