# dlbook — `make html` builds the site, `make test` runs every test.
# Each target creates .venv and installs the project into it on first use.

PYTHON    ?= python3
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed-stamp
BUILDDIR  ?= _build
# Two editions from one source: English at $(BUILDDIR)/html, Japanese at $(BUILDDIR)/html/ja
# (`-D language=ja`, texts from docs/locale/ja).  Each edition keeps its own doctrees
# (the same folders Read the Docs uses: _build/doctrees/<language>) and its own
# notebook-execution cache, so each is rebuilt incrementally on its own.
SPHINX    := $(PY) -m sphinx -c .
STRICT    := -W --keep-going -n
EDITIONS  := en ja
OUT_en    := $(BUILDDIR)/html
OUT_ja    := $(BUILDDIR)/html/ja
PORT      ?= 8000
# Notebook kernels start "python" from PATH: make it the project's.
export PATH := $(abspath $(VENV))/bin:$(PATH)
# The book's matrices are small: one BLAS thread per process beats threads that fight
# over two cores (measured 30x on a loaded machine). conf.py sets the same defaults for
# a bare sphinx-build; `make bench` keeps the library's default.
THREADED  := html html-en html-ja doctest doctest-en doctest-ja test-unit test-min test-site
$(THREADED): export OPENBLAS_NUM_THREADS := 1
$(THREADED): export OMP_NUM_THREADS := 1
# The lowest declared versions (pyproject's ">=" floors), in a venv of their own.
MIN_VENV  := .venv-min
MIN_STAMP := $(MIN_VENV)/.installed-stamp
# Each build folder keeps its own notebook-execution cache; the Japanese edition's is
# next to it (docs/_ext/dlbook_figures.py: the cache keys on code only, and that
# edition's figures are drawn in Japanese).
export DLBOOK_JUPYTER_CACHE := $(abspath $(BUILDDIR))/.jupyter_cache

.PHONY: help html html-en html-ja doctest doctest-en doctest-ja test test-unit test-min test-site serve bench clean venv constraints gettext

help:
	@echo "make html     build the site: English at $(BUILDDIR)/html, Japanese at $(BUILDDIR)/html/ja (every page executed)"
	@echo "make test     unit tests + docstring examples, page doctests, strict site build, browser checks"
	@echo "make doctest  run every {doctest} block of every page, in both editions"
	@echo "make test-min the unit tests against the lowest versions pyproject.toml declares"
	@echo "make gettext  refresh the translation catalogues docs/locale/ja/LC_MESSAGES/*.po"
	@echo "make constraints  write docs/constraints.txt (the docs build's exact versions) from .venv"
	@echo "make serve    serve $(BUILDDIR)/html on http://localhost:$(PORT)"
	@echo "make bench    speed measurements and the site build time, written to benchmarks/results.json"

venv: $(STAMP)

# The docs build's versions are pinned (docs/constraints.txt, the same file Read the
# Docs installs with), so a local build is the hosted build.
$(STAMP): pyproject.toml docs/constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check \
	    --constraint docs/constraints.txt -e '.[docs,test,bench]'
	touch $(STAMP)

# The two editions build side by side (one process each, on two cores); each one's
# output is printed when it has finished.
html: $(STAMP)
	@$(MAKE) --no-print-directory -j2 --output-sync=target html-en html-ja
	@echo "Site built: open $(BUILDDIR)/html/index.html (日本語: $(BUILDDIR)/html/ja/index.html) or run 'make serve'"

# viewcode rewrites a source page (_modules/) only when its module is newer than the
# page, so a page template change would leave stale ones: they are written afresh each
# build (about a second).
html-en html-ja: html-%: $(STAMP)
	rm -rf $(OUT_$*)/_modules
	$(SPHINX) -b html -d $(BUILDDIR)/doctrees/$* \
	    -D language=$* $(STRICT) docs $(OUT_$*)

# The doctest builder shares each edition's doctrees with the html builder.  Its output
# folder sits beside the html one (_build/doctest-en next to _build/html): myst-nb writes
# the executed notebooks next to the output folder, and the html build offers them for
# download from _build/jupyter_execute when it does not read the pages again.
doctest: $(STAMP)
	@$(MAKE) --no-print-directory -j2 --output-sync=target doctest-en doctest-ja

doctest-en doctest-ja: doctest-%: $(STAMP)
	$(SPHINX) -b doctest -d $(BUILDDIR)/doctrees/$* \
	    -D language=$* $(STRICT) docs $(BUILDDIR)/doctest-$*

test-unit: $(STAMP)
	$(PY) -m pytest -n 2 --ignore=tests/site

# PyTorch comparisons (tests/pytorch) need torch, and the docs machinery's tests
# (tests/docs: extensions, catalogues, figures) need Sphinx; neither has a floor here:
# they run in test-unit only. The site tests need a built site: they run in test-site.
$(MIN_STAMP): pyproject.toml .ci/floors.py
	rm -rf $(MIN_VENV)
	$(PYTHON) -m venv $(MIN_VENV)
	$(PY) .ci/floors.py > $(MIN_VENV)/floors.txt
	$(MIN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	    --constraint $(MIN_VENV)/floors.txt '.[test]'
	touch $(MIN_STAMP)

test-min: $(STAMP) $(MIN_STAMP)
	$(MIN_VENV)/bin/python -m pip list --format=freeze | grep -iE '^(numpy|matplotlib|pytest|hypothesis|pyyaml)=='
	$(MIN_VENV)/bin/python -m pytest -n 2 --ignore=tests/site --ignore=tests/pytorch --ignore=tests/docs

# Catalogue templates come from the sources alone (no notebook is executed), except
# figures.pot: the figures' texts, which only running the pages tells (every notebook is
# executed once, uncached, with the kernel hook recording: about 3 minutes on 2 cores;
# docs/_ext/dlbook_figures.py).  sphinx-intl
# then merges them into the committed .po files (a changed message becomes fuzzy).
gettext: $(STAMP)
	DLBOOK_NB_EXECUTION=off $(PY) -m sphinx -c . -d $(BUILDDIR)/doctrees-gettext -b gettext $(STRICT) docs $(BUILDDIR)/gettext
	DLBOOK_FIGURES=record $(PY) -m sphinx -c . -d $(BUILDDIR)/doctrees-figures -b dummy -q docs $(BUILDDIR)/figures
	cp $(BUILDDIR)/figures/figures.pot $(BUILDDIR)/gettext/figures.pot
	$(PY) docs/_ext/dlbook_gettext.py --carry-numbers $(BUILDDIR)/gettext docs/locale
	$(VENV)/bin/sphinx-intl update -p $(BUILDDIR)/gettext -d docs/locale -l ja -w 0
	$(PY) docs/_ext/dlbook_gettext.py docs/locale

constraints: $(STAMP)
	$(PY) .ci/constraints.py > docs/constraints.txt

# Browser checks of the built site, both editions (Debian's chromium + chromium-driver;
# nothing is downloaded).  Two workers, each with its own browser: the page checks,
# the axe slices and the Read the Docs builds of the two editions spread over them.
# "-p no:doctest" cannot be used: pyproject's doctest options would then be unknown.
test-site: $(STAMP)
	DLBOOK_SITE_DIR=$(abspath $(BUILDDIR))/html DLBOOK_SCREENSHOT_DIR=$(abspath $(BUILDDIR))/screenshots \
	SE_OFFLINE=true $(PY) -m pytest -n 2 tests/site --durations=10

test: test-unit test-min doctest html test-site

serve: $(STAMP)
	$(PY) -m http.server --directory $(BUILDDIR)/html $(PORT)

# The Performance page reads every number from results.json, the site build's included;
# `make bench BENCH_ARGS=` skips the (about 2 min, both editions) site build, `BENCH_ARGS=--quick` more.
BENCH_ARGS ?= --site
bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(BUILDDIR) $(MIN_VENV)
