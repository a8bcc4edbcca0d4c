"""Japanese search in the Japanese edition: the query is split as the pages were.

Sphinx indexes a Japanese page with its ``ja`` splitter (``DefaultSplitter`` of
``sphinx.search.ja``, a TinySegmenter model: 勾配消失問題 becomes 勾配 / 消失 / 問題),
but its search page splits a query only at spaces and punctuation, so 勾配消失 is
looked up as one word that the index does not have.  This search language keeps
Sphinx's splitter for the index and gives the search page the same splitter in
JavaScript: the model's tables are read from ``DefaultSplitter`` when the site is
built (nothing is copied into this file), and the scoring below follows
``DefaultSplitter.split`` feature by feature.  A query then finds the pages that
have every one of its words, as an English query does.
"""

from __future__ import annotations

import json

from markupsafe import Markup
from sphinx.search.ja import DefaultSplitter, SearchJapanese

# The scoring of DefaultSplitter.split: (table, the parts of the window whose
# concatenation is looked up).  w1..w6 are the characters around the candidate
# boundary (before w4), c1..c6 their character types, p1..p3 the last three
# decisions ("B" boundary, "O" none, "U" unknown).  UQ1 is used twice, as in Sphinx.
FEATURES = [
    ("UP1", "p1"), ("UP2", "p2"), ("UP3", "p3"), ("BP1", "p1 p2"), ("BP2", "p2 p3"),
    ("UW1", "w1"), ("UW2", "w2"), ("UW3", "w3"), ("UW4", "w4"), ("UW5", "w5"), ("UW6", "w6"),
    ("BW1", "w2 w3"), ("BW2", "w3 w4"), ("BW3", "w4 w5"),
    ("TW1", "w1 w2 w3"), ("TW2", "w2 w3 w4"), ("TW3", "w3 w4 w5"), ("TW4", "w4 w5 w6"),
    ("UC1", "c1"), ("UC2", "c2"), ("UC3", "c3"), ("UC4", "c4"), ("UC5", "c5"), ("UC6", "c6"),
    ("BC1", "c2 c3"), ("BC2", "c3 c4"), ("BC3", "c4 c5"),
    ("TC1", "c1 c2 c3"), ("TC2", "c2 c3 c4"), ("TC3", "c3 c4 c5"), ("TC4", "c4 c5 c6"),
    ("UQ1", "p1 c1"), ("UQ2", "p2 c2"), ("UQ1", "p3 c3"),
    ("BQ1", "p2 c2 c3"), ("BQ2", "p2 c3 c4"), ("BQ3", "p3 c2 c3"), ("BQ4", "p3 c3 c4"),
    ("TQ1", "p2 c1 c2 c3"), ("TQ2", "p2 c2 c3 c4"), ("TQ3", "p3 c1 c2 c3"),
    ("TQ4", "p3 c2 c3 c4"),
]


def segmenter_model(splitter=None):
    """The splitter's tables, bias and character classes, as plain data.

    >>> model = segmenter_model()
    >>> model["bias"] < 0, len(model["classes"]), "UW4" in model["tables"]
    (True, 6, True)
    """
    splitter = splitter or DefaultSplitter({})
    names = {table for table, _ in FEATURES}
    return {
        "bias": splitter.BIAS__,
        "tables": {name: getattr(splitter, f"{name}__") for name in sorted(names)},
        "classes": [[pattern.pattern, kind] for pattern, kind in splitter.patterns_.items()],
    }


# Written without <, > and & (Sphinx's template would escape them in the page) and
# without arrow functions for the same reason.
_JS = """
var splitQuery = (function () {
  var model = %(model)s;
  var classes = model.classes.map(function (c) { return [new RegExp(c[0], "u"), c[1]]; });
  var features = %(features)s;
  function kind(ch) {
    var found = classes.find(function (c) { return c[0].test(ch); });
    return found ? found[1] : "O";
  }
  function segment(text) {
    var chars = Array.from(text);
    if (chars.length === 0) return [];
    var seg = ["B3", "B2", "B1"].concat(chars, ["E1", "E2", "E3"]);
    var types = ["O", "O", "O"].concat(chars.map(kind), ["O", "O", "O"]);
    var words = [], word = seg[3], p = {p1: "U", p2: "U", p3: "U"};
    for (var i = 4; i !== seg.length - 3; i++) {
      var v = {p1: p.p1, p2: p.p2, p3: p.p3};
      for (var k = 1; k !== 7; k++) { v["w" + k] = seg[i + k - 4]; v["c" + k] = types[i + k - 4]; }
      var score = model.bias;
      features.forEach(function (f) {
        var key = f[1].split(" ").map(function (part) { return v[part]; }).join("");
        score += model.tables[f[0]][key] || 0;
      });
      var boundary = Math.sign(score) === 1;
      if (boundary) { words.push(word.trim()); word = ""; }
      p = {p1: p.p2, p2: p.p3, p3: boundary ? "B" : "O"};
      word += seg[i];
    }
    words.push(word.trim());
    return words;
  }
  // Sphinx's Japanese search indexes words of two or more characters only.
  return function (query) {
    return segment(query).filter(function (w) { return Math.min(w.length, 2) === 2; });
  };
})();
"""


def splitter_js(model=None):
    """The search page's ``splitQuery``, from the splitter's model."""
    model = model or segmenter_model()
    code = _JS % {"model": json.dumps(model, ensure_ascii=False, separators=(",", ":")),
                  "features": json.dumps(FEATURES, separators=(",", ":"))}
    for character in "<>&":
        assert character not in code, f"{character!r} would be escaped in language_data.js"
    return Markup(code)        # inserted into the template as it is


class SearchJapaneseQuerySplit(SearchJapanese):
    """Sphinx's Japanese search, with the query split as the index was."""

    js_splitter_code = splitter_js()


def setup(app):
    app.add_search_language(SearchJapaneseQuerySplit)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
