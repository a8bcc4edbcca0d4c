"""What Read the Docs would publish: its build steps, run here as .readthedocs.yaml says,
for the English project and for its Japanese translation project (language ``ja``).

The html and htmlzip steps of ``build.jobs.build`` run word for word (through bash, with
Read the Docs' environment variables) into a scratch output folder; the install step is
not run (it is ``pip install`` with docs/constraints.txt; the test below checks that this
environment has exactly those versions).  The doctrees go to
``_build/doctrees/<language>`` as on Read the Docs, shared with ``make html``, so the
pages are not read again; notebooks come from each edition's execution cache
(docs/_ext/dlbook_figures.py keeps one per language).  Takes
about a minute per edition (every page is written again).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from built_site import ROOT

yaml = pytest.importorskip("yaml")

CONFIG = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf8"))
SITE = "https://dlbook.example.org/"


def test_config_uses_build_jobs_so_apt_packages_apply():
    build = CONFIG["build"]
    assert "commands" not in build, "build.commands would make Read the Docs ignore apt_packages"
    assert "fonts-noto-cjk" in build["apt_packages"]
    assert "htmlzip" in CONFIG["formats"]
    html = " ".join(build["jobs"]["build"]["html"])
    assert "-D language=$READTHEDOCS_LANGUAGE" in html
    assert "--constraint docs/constraints.txt" in " ".join(build["jobs"]["install"])


def test_this_environment_has_the_pinned_docs_versions():
    """`make venv` installs with docs/constraints.txt, as Read the Docs does."""
    if not (Path(sys.prefix) / ".installed-stamp").is_file():
        pytest.skip("not the venv made by `make venv`")
    wrong = []
    for line in (ROOT / "docs" / "constraints.txt").read_text(encoding="utf8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                installed = None
            if installed != version:
                wrong.append(f"{name}: pinned {version}, installed {installed}")
    assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="module", params=["en", "ja"])
def published(request, tmp_path_factory):
    """Run the html and htmlzip steps of one project (the English one or its Japanese
    translation); return the language, the output folder and the time taken."""
    language = request.param
    out = tmp_path_factory.mktemp(f"readthedocs-{language}")
    # Read the Docs serves a translation project under the parent project's domain.
    env = {**os.environ,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "READTHEDOCS": "True", "READTHEDOCS_OUTPUT": str(out),
           "READTHEDOCS_LANGUAGE": language,
           "READTHEDOCS_PROJECT": "dlbook" if language == "en" else "dlbook-ja",
           "READTHEDOCS_VERSION": "latest",
           "READTHEDOCS_CANONICAL_URL": f"{SITE}{language}/latest/"}
    for threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(threads, None)               # conf.py must set them itself
    start = time.monotonic()
    for step in ("html", "htmlzip"):
        for command in CONFIG["build"]["jobs"]["build"][step]:
            done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env,
                                  capture_output=True, text=True)
            assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return language, out, time.monotonic() - start


def test_readthedocs_build_publishes_the_site_and_its_offline_copy(published):
    language, out, seconds = published
    html = out / "html"
    canonical = f"{SITE}{language}/latest/"
    print(f"\nRead the Docs html + htmlzip steps ({language}): {seconds:.0f} s")
    assert (html / "index.html").is_file()
    assert not list(html.rglob(".doctrees")), "doctrees would be published"
    assert not list(html.rglob("*.pickle")), "pickles would be published"
    assert (html / ".nojekyll").is_file()
    page = (html / "part1" / "activations.html").read_text(encoding="utf8")
    assert f'<link rel="canonical" href="{canonical}part1/activations.html"' in page
    assert f'<meta property="og:url" content="{canonical}part1/activations.html"' in page
    sitemap = (html / "sitemap.xml").read_text(encoding="utf8")
    assert f"<loc>{canonical}part1/activations.html</loc>" in sitemap
    pages = [p for p in html.rglob("*.html")
             if not any(part.startswith("_") for part in p.relative_to(html).parts)
             and p.name not in ("search.html", "genindex.html", "py-modindex.html")]
    assert sitemap.count("<loc>") == len(pages), "the sitemap must list every page of the book"
    assert not re.search(r"localhost", sitemap + page)
    assert f'<html lang="{language}"' in page

    zips = list((out / "htmlzip").glob("*.zip"))
    project = "dlbook" if language == "en" else "dlbook-ja"
    assert [z.name for z in zips] == [f"{project}-latest.zip"]
    with zipfile.ZipFile(zips[0]) as archive:
        names = set(archive.namelist())
    assert "html/index.html" in names
    assert "html/_static/mathjax/tex-chtml.js" in names
    assert "html/searchindex.js" in names
    assert not any(".doctrees" in n for n in names)


def test_the_hosted_switch_links_to_the_other_project(published):
    """/en/latest/x.html links to /ja/latest/x.html and back, relative to the page."""
    language, out, _ = published
    other = {"en": "ja", "ja": "en"}[language]
    page = (out / "html" / "part1" / "activations.html").read_text(encoding="utf8")
    switch = re.search(r'<nav class="dlbook-language-switch".*?</nav>', page, re.S).group(0)
    assert f'href="../../../{other}/latest/part1/activations.html"' in switch
    assert f'hreflang="{other}"' in switch
    for lang in ("en", "ja"):
        assert (f'<link rel="alternate" hreflang="{lang}" '
                f'href="{SITE}{lang}/latest/part1/activations.html"') in page


def test_a_bare_sphinx_build_pins_blas_threads():
    """conf.py sets one BLAS/OpenMP thread unless the caller chose otherwise."""
    code = ("import runpy, os; runpy.run_path('conf.py');"
            "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "1"]
