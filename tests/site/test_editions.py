"""The two editions of the book: English at the site's root, Japanese under ``ja/``.

Every reader page has a Japanese twin and the two link to each other (a language
switch in the header, ``<link rel="alternate" hreflang>`` in ``<head>``); the
Japanese pages say ``lang="ja"``, have their own addresses (canonical link,
OpenGraph, sitemap), are searched by Sphinx's Japanese search, and show no MyST
markup that a translation broke.  The switch is clicked (by keyboard) both ways,
from ``file://`` and from a server.
"""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from built_site import (EDITIONS, ROOT, VOID, edition_dir, html_pages, screenshot_dir,
                        search_results, site_dir)

DOCS = ROOT / "docs"
# The pages a reader reads: every source page but the API reference (docstrings).
READER_PAGES = sorted(
    p.relative_to(DOCS).with_suffix(".html").as_posix() for p in DOCS.rglob("*.md")
    if not any(part.startswith("_") for part in p.relative_to(DOCS).parts)
    and p.relative_to(DOCS).parts[0] != "api" and p.name != "README.md")
JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
OTHER = {"en": "ja", "ja": "en"}


@pytest.fixture(scope="module", autouse=True)
def _both_editions():
    missing = [e for e in EDITIONS if not (edition_dir(e) / "index.html").is_file()]
    if missing:
        pytest.skip(f"no {', '.join(missing)} edition at {site_dir()} (run 'make html' first)")


class _Page(HTMLParser):
    """What these tests read from a page: <html lang>, head links, the switch, and
    the prose (text outside code, maths, scripts and the switch itself)."""

    SKIP = {"script", "style", "pre", "code", "kbd", "samp", "tt", "svg", "math", "title",
            "textarea", "mjx-container"}

    def __init__(self):
        super().__init__()
        self.lang, self.alternates, self.switch, self.canonical = None, {}, [], None
        self.og_url, self.h1, self.lang_spans = None, "", 0
        self.text, self._stack, self._in_switch, self._in_h1 = [], [], 0, False
        self.article, self._in_article = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "link" and attrs.get("rel") == "alternate" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        if tag == "meta" and attrs.get("property") == "og:url":
            self.og_url = attrs["content"]
        around = self._stack[-1][2] if self._stack else None     # the language around it
        if tag == "span" and attrs.get("lang") == "ja" and around != "en":
            self.lang_spans += 1
        if tag in VOID:
            return
        skip = (tag in self.SKIP or "math" in classes or "dlbook-language-switch" in classes
                or "highlight" in classes or bool(self._stack and self._stack[-1][1]))
        self._stack.append((tag, skip, attrs.get("lang") or around))
        if "dlbook-language-switch" in classes:
            self._in_switch = len(self._stack)
        if self._in_switch and tag == "a":
            self.switch.append(attrs)
        if tag == "h1":
            self._in_h1 = True
        if tag == "article" and not self._in_article:
            self._in_article = len(self._stack)

    def handle_endtag(self, tag):
        while self._stack:
            top = self._stack.pop()[0]
            if self._in_switch > len(self._stack):
                self._in_switch = 0
            if self._in_article > len(self._stack):
                self._in_article = 0
            if top == tag:
                break
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data
        if self._stack and not self._stack[-1][1]:
            self.text.append(data)
            if self._in_article:
                self.article.append(data)


def _read(edition, page, cache={}):  # noqa: B006 - a deliberate per-session cache
    key = (edition, page)
    if key not in cache:
        parser = _Page()
        parser.feed((edition_dir(edition) / page).read_text(encoding="utf8"))
        cache[key] = parser
    return cache[key]


def _switch_target(edition, page):
    """The file the page's language switch links to, relative to the other edition."""
    links = _read(edition, page).switch
    assert len(links) == 1, f"{EDITIONS[edition]}{page}: {len(links)} language links"
    link = links[0]
    other = OTHER[edition]
    assert link.get("hreflang") == other, link
    href = link["href"]
    assert not urlsplit(href).scheme, f"{page}: the switch link {href} is not relative"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(EDITIONS[edition] + page),
                                               unquote(urlsplit(href).path)))
    prefix = EDITIONS[other]
    assert target.startswith(prefix), f"{page}: {href} leaves the {other} edition"
    return target[len(prefix):]


def test_every_reader_page_has_a_japanese_twin_linked_both_ways():
    print(f"\n{len(READER_PAGES)} reader pages (API reference aside)")
    assert len(READER_PAGES) == 32
    for page in READER_PAGES:
        assert (edition_dir("en") / page).is_file(), f"no English {page}"
        assert (edition_dir("ja") / page).is_file(), f"no Japanese twin of {page}"
        assert _switch_target("en", page) == page
        assert _switch_target("ja", page) == page


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_links_to_its_twin(edition):
    """API pages, the index, search and [source] pages too: the switch lands on the
    same page of the other edition, and <head> names both editions' addresses."""
    pages = html_pages(include=("_modules",), edition=edition)
    assert set(pages) == set(html_pages(include=("_modules",), edition=OTHER[edition]))
    for page in pages:
        assert _switch_target(edition, page) == page
        parsed = _read(edition, page)
        assert set(parsed.alternates) == {"en", "ja", "x-default"}, (page, parsed.alternates)
        assert parsed.alternates[edition] == parsed.canonical, page
        assert parsed.alternates["x-default"] == parsed.alternates["en"]
        assert parsed.alternates["ja"].endswith("/ja/" + page), parsed.alternates


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_edition_declares_its_language(edition):
    for page in html_pages(edition=edition):
        parsed = _read(edition, page)
        assert parsed.lang == edition, f"{EDITIONS[edition]}{page}: <html lang={parsed.lang!r}>"
    if edition == "ja":
        # the whole page is Japanese: lang="ja" spans only inside English text (a
        # docstring quoting the notes)
        assert sum(_read("ja", p).lang_spans for p in html_pages(edition="ja")) == 0


def test_japanese_reader_pages_are_in_japanese():
    """Each twin's article (code and maths aside) is Japanese: at least twice the
    Japanese characters of the English article (which quotes the notes' terms)."""
    english_only = []
    for page in READER_PAGES:
        ja = sum(len(JAPANESE.findall(t)) for t in _read("ja", page).article)
        en = sum(len(JAPANESE.findall(t)) for t in _read("en", page).article)
        if ja == 0 or ja < 2 * en:
            english_only.append(f"{page}: {ja} Japanese characters (English edition {en})")
    assert not english_only, f"{len(english_only)} of {len(READER_PAGES)} Japanese pages " \
        "are not in Japanese:\n" + "\n".join(english_only)


def test_japanese_pages_carry_no_english_interface_words():
    """The words the build writes around the text are Japanese too: box kinds, the
    quiz answers' toggle, a hidden code cell's toggle, in-text citations."""
    fixed = ["Correction to the notes", "Clarification of the notes", "Confirmation quiz",
             "Show the answers", "Show code cell", "Hide code cell"]
    found = []
    for page in READER_PAGES:
        html = (edition_dir("ja") / page).read_text(encoding="utf8")
        found += [f"{page}: {word}" for word in fixed if word in html]
        found += [f"{page}: citation joined by 'and'" for _ in
                  re.findall(r"[A-Z][a-z]+ and [A-Z][a-z]+ \[<a", html)]
    assert not found, found
    html = (edition_dir("ja") / "part1/adam.html").read_text(encoding="utf8")
    assert "Kingma と Ba [" in html and "講義ノートの訂正：" in html


class _InterfaceAttributes(HTMLParser):
    """Attribute values a reader meets as interface words: tooltips (``title``), names a
    screen reader speaks (``aria-label``, ``alt``) and the search box's ``placeholder``.
    Links into the text (``a.reference``: glossary terms, citations, API names) are
    content, not interface, and so are ``<link>`` titles (the next page's title)."""

    NAMES = ("title", "aria-label", "alt", "placeholder")

    def __init__(self):
        super().__init__()
        self.values = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" or tag == "a" and "reference" in (attrs.get("class") or "").split():
            return
        self.values += [attrs[name] for name in self.NAMES if attrs.get(name)]


def test_japanese_pages_name_their_controls_in_japanese():
    """Permalinks, sidebar toggles, the colour-mode menu, the search box, the logo, hidden
    code cells: Sphinx, the themes and myst-nb write these in English unless the edition
    translates them (docs/locale/ja/LC_MESSAGES/sphinx.po, dlbook_editions)."""
    english = re.compile(r"[A-Za-z][A-Za-z '-]*(\.\.\.|…)?")      # "Search...", not "dlbook.nn"
    found = {}
    for page in html_pages(edition="ja"):
        parser = _InterfaceAttributes()
        parser.feed((edition_dir("ja") / page).read_text(encoding="utf8"))
        for value in parser.values:
            if english.fullmatch(value.strip()):
                found.setdefault(value, page)
    assert not found, f"English interface words on Japanese pages: {found}"


def test_each_edition_has_its_own_address():
    en = _read("en", "part1/activations.html")
    ja = _read("ja", "part1/activations.html")
    base = en.canonical[: -len("part1/activations.html")]
    assert ja.canonical == base + "ja/part1/activations.html"
    assert en.og_url == en.canonical and ja.og_url == ja.canonical
    html = (edition_dir("ja") / "part1/activations.html").read_text(encoding="utf8")
    assert '<meta property="og:locale" content="ja_JP" />' in html
    assert '<meta property="og:locale:alternate" content="en_US" />' in html
    for edition in EDITIONS:
        sitemap = (edition_dir(edition) / "sitemap.xml").read_text(encoding="utf8")
        locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert locs, f"empty {edition} sitemap"
        inside = [loc.startswith(base + "ja/") for loc in locs]
        assert all(inside) if edition == "ja" else not any(inside), locs[:5]


# Markup MyST did not render: a role (``{term}`x```), bold or code markers, or maths
# dollars, left in the text of a page (code, maths and scripts aside).
UNRENDERED = re.compile(r"\{[a-z][a-z:-]*\}|\*\*|`|\$")


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_unrendered_myst_markup(edition):
    """Translated text breaks MyST in ways the build does not report: emphasis next to
    Japanese punctuation, a role whose backticks were changed, a dollar left alone.
    (The API pages are docstrings, not translated; their ``**kwargs`` are names.)"""
    found = []
    for page in html_pages(edition=edition):
        if page.startswith("api/"):
            continue
        for text in _read(edition, page).text:
            for match in UNRENDERED.finditer(text):
                start = max(match.start() - 30, 0)
                found.append(f"{EDITIONS[edition]}{page}: {match.group()!r} in "
                             f"{text[start:match.end() + 30].strip()!r}")
    assert not found, f"{len(found)} unrendered markup:\n" + "\n".join(found[:40])


def test_japanese_edition_indexes_with_sphinx_japanese_splitter():
    language_data = (edition_dir("ja") / "_static" / "language_data.js").read_text(encoding="utf8")
    assert "var splitQuery" in language_data and '"UW4"' in language_data
    text = (edition_dir("ja") / "searchindex.js").read_text(encoding="utf8")
    terms = json.loads(text[text.index("(") + 1: text.rindex(")")])["terms"]
    assert "勾配" in terms and "消失" in terms
    assert "勾配消失" not in terms             # split by the segmenter, as a query is


def test_the_search_page_splits_a_query_as_the_index_was_split(reader_page):
    """The page's splitQuery (JavaScript) and Sphinx's DefaultSplitter agree."""
    from sphinx.search.ja import DefaultSplitter

    browser = reader_page("ja/search.html")
    texts = ["勾配消失", "勾配消失問題は深い層で起こる。", "バッチ正規化とAdamの学習率",
             "確認テスト（2）：ReLU関数の微分", "ドロップアウト 0.5", "畳み込み層のim2col"]
    splitter = DefaultSplitter({})
    for text in texts:
        expected = [w for w in splitter.split(text) if len(w) > 1]
        assert browser.execute_script("return splitQuery(arguments[0]);", text) == expected, text


def test_searching_the_japanese_edition(reader_page, server):
    """勾配消失 is looked up as 勾配 and 消失: every page found contains both."""
    browser = reader_page("ja/index.html")
    found = search_results(browser, server + "ja/", "勾配消失")
    summary = browser.execute_script(
        "return document.querySelector('#search-results .search-summary').textContent;")
    assert f"{len(found)} " in summary, summary        # the count, said in Japanese
    pages = sorted({urlsplit(h).path.lstrip("/").removeprefix("ja/") for h in found})
    assert "part1/vanishing-gradients.html" in pages, pages
    for page in pages:
        text = "".join(_read("ja", page).text) + _read("ja", page).h1
        assert "勾配" in text and "消失" in text, f"{page} found for 勾配消失"


def _switch_by_keyboard(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    link = browser.find_element(By.CSS_SELECTOR, "nav.dlbook-language-switch a")
    assert link.is_displayed(), "the language switch is not visible"
    # in the header's row of buttons, not above or below it
    offset = browser.execute_script(
        "const middle = (e) => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; };"
        "return Math.abs(middle(arguments[0]) -"
        " middle(document.querySelector('.article-header-buttons')));", link)
    assert offset < 8, f"the switch is {offset:.0f} px off the header's row of buttons"
    assert link.get_attribute("tabindex") in (None, "", "0")
    browser.execute_script("arguments[0].focus();", link)
    assert browser.switch_to.active_element == link
    link.send_keys(Keys.ENTER)
    browser.execute_script("return document.readyState")


@pytest.mark.parametrize("how", ["http", "file"])
def test_the_switch_works_both_ways(browser, server, how):
    base = server if how == "http" else site_dir().resolve().as_uri() + "/"
    page = "part1/batch-norm.html"
    browser.get(base + page)
    assert browser.execute_script("return document.documentElement.lang") == "en"
    _switch_by_keyboard(browser)
    assert browser.current_url == base + "ja/" + page
    assert browser.execute_script("return document.documentElement.lang") == "ja"
    _switch_by_keyboard(browser)
    assert browser.current_url == base + page
    assert browser.execute_script("return document.documentElement.lang") == "en"


def test_japanese_pages_use_a_japanese_font_and_code_stays_monospace(reader_page):
    browser = reader_page("ja/part1/activations.html")
    fonts = browser.execute_script(
        "return ['article p', 'h1', 'nav.bd-docs-nav a', 'div.highlight pre', 'code.literal']"
        ".map((s) => getComputedStyle(document.querySelector(s)).fontFamily);")
    for family in fonts[:3]:
        assert family.startswith('"Noto Sans CJK JP"'), fonts
    for family in fonts[3:]:
        assert "monospace" in family and "Noto Sans CJK" not in family, fonts


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("label, page", [
    ("figure", "part1/vanishing-gradients.html"),
    ("correction", "part1/activations.html"),
    ("quizzes", "quizzes.html"),
])
def test_screenshot_japanese_edition(reader_page, label, page, mode):
    browser = reader_page("ja/" + page)
    browser.execute_script("document.documentElement.dataset.theme = arguments[0];"
                           "document.documentElement.dataset.mode = arguments[0];", mode)
    selector = {"figure": "article img", "correction": "div.admonition.correction"}.get(label)
    if selector:
        assert browser.execute_script(
            "const e = document.querySelector(arguments[0]); if (e) e.scrollIntoView();"
            "return !!e;", selector), f"no {selector} on {page}"
    out = screenshot_dir()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"ja-{label}-{Path(page).stem}-{mode}.png"
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 10_000
