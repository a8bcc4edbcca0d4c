"""The two-edition machinery of the site (docs/_ext/dlbook_editions.py and
dlbook_search_ja.py) without building the site: addresses, relative links, the
Japanese query splitter's model."""

from __future__ import annotations

import pytest

import dlbook_editions
import dlbook_search_ja


@pytest.mark.parametrize("environ, en, ja", [
    ({}, "http://localhost:8000/", "http://localhost:8000/ja/"),
    ({"DLBOOK_SITE_URL": "https://u.github.io/dlbook/"},
     "https://u.github.io/dlbook/", "https://u.github.io/dlbook/ja/"),
    # Read the Docs, a custom domain, the English project's build
    ({"READTHEDOCS_CANONICAL_URL": "https://book.example/en/stable/", "READTHEDOCS_LANGUAGE": "en"},
     "https://book.example/en/stable/", "https://book.example/ja/stable/"),
    # a project slug that contains the language code is not mistaken for it
    ({"READTHEDOCS_CANONICAL_URL": "https://en.example/en/latest/", "READTHEDOCS_LANGUAGE": "en"},
     "https://en.example/en/latest/", "https://en.example/ja/latest/"),
])
def test_edition_addresses(environ, en, ja):
    for language in ("en", "ja"):
        if "READTHEDOCS_LANGUAGE" in environ and environ["READTHEDOCS_LANGUAGE"] != language:
            continue
        assert dlbook_editions.edition_bases(language, environ) == {"en": en, "ja": ja}


def test_a_hosted_build_without_a_language_path_links_nowhere_else():
    bases = dlbook_editions.edition_bases(
        "en", {"READTHEDOCS_CANONICAL_URL": "https://x.example/", "READTHEDOCS_LANGUAGE": "en"})
    assert bases == {"en": "https://x.example/", "ja": None}


@pytest.mark.parametrize("here, there, link", [
    ("http://h/index.html", "http://h/ja/index.html", "ja/index.html"),
    ("http://h/ja/part2/lenet.html", "http://h/part2/lenet.html", "../../part2/lenet.html"),
    ("https://h/en/latest/_modules/dlbook/nn.html", "https://h/ja/latest/_modules/dlbook/nn.html",
     "../../../../ja/latest/_modules/dlbook/nn.html"),
])
def test_relative_links(here, there, link):
    assert dlbook_editions.relative_link(here, there) == link


def test_the_query_splitter_script_survives_the_template():
    code = str(dlbook_search_ja.splitter_js())
    assert "var splitQuery" in code and not set("<>&") & set(code)
    tables = dlbook_search_ja.segmenter_model()["tables"]
    assert {name for name, _ in dlbook_search_ja.FEATURES} == set(tables)


def test_the_sitemap_lists_each_page_with_its_twins():
    bases = {"en": "https://h/", "ja": "https://h/ja/"}
    xml = dlbook_editions.sitemap(["index.html", "part1/adam.html"], "en", bases)
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.fromstring(xml).findall("s:url", ns)
    assert [u.find("s:loc", ns).text for u in urls] == ["https://h/index.html",
                                                        "https://h/part1/adam.html"]
    links = {a.get("hreflang"): a.get("href") for a in urls[1].findall("x:link", ns)}
    assert links == {"en": "https://h/part1/adam.html", "ja": "https://h/ja/part1/adam.html",
                     "x-default": "https://h/part1/adam.html"}


def test_a_sitemap_with_no_other_edition_known_has_no_alternates():
    xml = dlbook_editions.sitemap(["index.html"], "ja", {"en": None, "ja": "https://h/ja/"})
    assert "<loc>https://h/ja/index.html</loc>" in xml and "hreflang" not in xml
