"""The Japanese edition's figures (docs/_ext/dlbook_figure_text.py, dlbook_figures.py).

Unit tests on tiny figures; no notebook is executed.
"""

import io
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import dlbook_figure_text as ft  # noqa: E402
import dlbook_figures  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIGURES_PO = ROOT / "docs" / "locale" / "ja" / "LC_MESSAGES" / "figures.po"


@pytest.fixture
def every_kind_of_text():
    """One figure with every kind of text the hook must see."""
    fig = plt.figure(figsize=(4, 3))
    ax = fig.add_subplot(1, 2, 1)
    image = ax.imshow(np.eye(3))
    ax.plot([0, 1], [0, 1], label="train")
    ax.set_title("Loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("$L$")
    ax.legend()
    ax.annotate("lowest test loss", (0.5, 0.5))
    ax.text(0, 0, "peak 0.61")
    fig.suptitle("Training loss")
    fig.colorbar(image, ax=ax).set_label("weight value")
    bars = fig.add_subplot(2, 2, 2)
    bars.bar(["relu", "sigmoid"], [1, 2])            # categorical axis
    ticks = fig.add_subplot(2, 2, 4, projection="3d")
    ticks.set_zlabel("C (channels)")
    ticks.set_xticks([0, 1], ["test", "0.5"])        # fixed word tick labels
    yield fig
    plt.close(fig)


def test_figure_texts_sees_every_text_but_tick_numbers(every_kind_of_text):
    fig = every_kind_of_text
    fig.canvas.draw()                                 # tick numbers now exist as Text
    texts = {get() for get, _ in ft.figure_texts(fig)}
    assert {"Loss", "epoch", "$L$", "train", "lowest test loss", "peak 0.61", "Training loss",
            "weight value", "relu", "sigmoid", "C (channels)", "test"} <= texts
    assert not {"0.0", "1.0", "2.0", "0", "1"} & texts


def test_translate_figure_in_place(every_kind_of_text):
    fig = every_kind_of_text
    catalogue = {"Loss": "損失", "epoch": "エポック", "train": "訓練", "lowest test loss": "テスト損失の最小値",
                 "peak 0.61": "ピーク 0.61", "Training loss": "訓練損失", "weight value": "重みの値",
                 "relu": "ReLU", "sigmoid": "シグモイド", "C (channels)": "C（チャンネル）",
                 "test": "テスト"}
    assert ft.translate_figure(fig, catalogue) == []
    texts = {get() for get, _ in ft.figure_texts(fig)}
    assert set(catalogue.values()) <= texts
    assert not (set(catalogue) - {"Loss", "relu"}) & texts
    bars, cube = fig.axes[2], fig.axes[3]
    assert [bars.xaxis.get_major_formatter()(v) for v in (0, 1)] == ["ReLU", "シグモイド"]
    assert [cube.xaxis.get_major_formatter()(v) for v in (0, 1)] == ["テスト", "0.5"]


def test_missing_translations_are_named(every_kind_of_text):
    missing = ft.translate_figure(every_kind_of_text, {"Loss": "損失"})
    assert {"epoch", "weight value", "train", "relu", "test", "C (channels)"} <= set(missing)
    assert "Loss" not in missing and "$L$" not in missing   # translated; no words


@pytest.fixture
def hook():
    """The hook as a kernel installs it (no IPython shell), undone afterwards."""
    from matplotlib.backend_bases import FigureCanvasBase

    original = FigureCanvasBase.print_figure
    family = matplotlib.rcParams["font.family"]
    yield lambda **kw: ft.install(**kw)
    FigureCanvasBase.print_figure = original
    matplotlib.rcParams["font.family"] = family


def test_render_translates_with_a_japanese_font(hook, tmp_path):
    po = tmp_path / "figures.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "epoch"\nmsgstr "エポック"\n\n#, fuzzy\nmsgid "loss"\nmsgstr "損失"\n',
                  encoding="utf-8")
    installed = hook(mode="translate", catalogue_path=str(po))
    assert installed.catalogue == {"epoch": "エポック"}           # fuzzy = untranslated
    fig, ax = plt.subplots()
    ax.set_xlabel("epoch")
    ax.set_title("$|w_1| \\leq t$ ≤ ‖∂L/∂W‖ ↗")       # IPAexGothic lacks "≤": DejaVu Sans has it
    fig.savefig(io.BytesIO(), format="png")           # no "Glyph missing"
    assert ax.get_xlabel() == "エポック"
    ax.set_ylabel("loss")
    with pytest.raises(ft.FigureTextError, match=r"'loss'.*make gettext"):
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def test_translated_suptitle_is_raised_english_is_not(hook, tmp_path):
    po = tmp_path / "figures.po"
    po.write_text('msgid "Loss"\nmsgstr "損失"\n', encoding="utf-8")
    for mode, raised in (("check", False), ("translate", True)):
        installed = hook(mode=mode, catalogue_path=str(po))
        fig = plt.figure()
        fig.suptitle("Loss")
        installed.prepare(fig)
        assert bool(fig._suptitle.get_position()[1] > 0.98) == raised
        plt.close(fig)


def test_missing_glyph_is_an_error(hook):
    hook(mode="check")
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    fig, ax = plt.subplots()
    ax.set_title("勾配")
    with pytest.raises(UserWarning, match="Glyph .* missing"):
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def test_a_swallowed_render_error_fails_the_cell(hook):
    """IPython's display catches errors of the renderer; the cell must fail anyway."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        hook(shell=shell, mode="translate", catalogue_path=None)
        shell.run_cell("import io, matplotlib.pyplot as plt\nfig, ax = plt.subplots()")
        shown = shell.run_cell("x = 41 + 1\nx", store_history=False)
        assert shown.success and shown.result == 42        # the last value is still shown
        failed = shell.run_cell(
            "ax.set_title('Loss')\n"
            "try:\n    fig.savefig(io.BytesIO())\nexcept Exception:\n    pass  # as display() does\n")
        assert isinstance(failed.error_in_exec, ft.FigureTextError)
        assert "'Loss'" in str(failed.error_in_exec)
        # A figure left open for the backend to show after the cell fails the cell too.
        left_open = shell.run_cell("fig2, ax2 = plt.subplots(); ax2.set_xlabel('epoch')")
        assert isinstance(left_open.error_in_exec, ft.FigureTextError)
        assert shell.run_cell("plt.close('all')").success
    finally:
        shell.ast_transformers[:] = [t for t in shell.ast_transformers
                                     if not isinstance(t, ft._AppendCheck)]
        InteractiveShell.clear_instance()


def test_record_mode_reports_texts_with_words(hook, tmp_path):
    record = tmp_path / "figures.jsonl"
    hook(mode="record", record=str(record))
    fig, ax = plt.subplots()
    ax.set_title("Loss")
    ax.set_xlabel("$x$")
    os.environ["DLBOOK_FIGURES_PAGE"] = "part1/adam"
    try:
        fig.savefig(io.BytesIO(), format="png")
    finally:
        del os.environ["DLBOOK_FIGURES_PAGE"]
    plt.close(fig)
    assert record.read_text(encoding="utf-8") == '{"text": "Loss", "page": "part1/adam"}\n'
    assert ax.get_title() == "Loss"


def test_committed_catalogue_is_complete():
    """Every figure text has a translation that keeps its maths."""
    import re

    from babel.messages.pofile import read_po

    with open(FIGURES_PO, "rb") as handle:
        catalogue = read_po(handle)
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 300
    for m in messages:
        assert m.string and not m.fuzzy, m.id
        assert sorted(re.findall(r"\$.*?\$", m.id)) == sorted(re.findall(r"\$.*?\$", m.string)), m.id


# -- the notebook cache per language ----------------------------------------------------

@pytest.fixture
def sphinx_app(tmp_path):
    """Make a Sphinx app on a one-page source with this extension; the environment restored."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    (src / "locale" / "ja" / "LC_MESSAGES").mkdir(parents=True)
    (src / "index.md").write_text("# Index\n", encoding="utf-8")
    po = src / "locale" / "ja" / "LC_MESSAGES" / "figures.po"
    po.write_text('msgid "epoch"\nmsgstr "エポック"\n', encoding="utf-8")
    saved = dict(os.environ)

    def make(language, **overrides):
        config = {"extensions": ["myst_nb", "dlbook_figures"], "locale_dirs": ["locale"],
                  "nb_execution_cache_path": str(tmp_path / ".jupyter_cache"), **overrides}
        if language:
            config["language"] = language
        return Sphinx(str(src), None, str(tmp_path / "out" / str(language)),
                      str(tmp_path / "doctrees" / str(language)), "html",
                      confoverrides=config, status=None, warning=None)

    yield make, po
    os.environ.clear()
    os.environ.update(saved)


def test_japanese_edition_never_shares_the_english_cache(sphinx_app, tmp_path):
    make, po = sphinx_app
    english = make(None).config.nb_execution_cache_path
    assert os.environ["DLBOOK_FIGURES"] == "check"
    japanese = make("ja").config.nb_execution_cache_path
    assert english == str(tmp_path / ".jupyter_cache")
    assert japanese.startswith(english + "-ja-")
    assert os.environ["DLBOOK_FIGURES"] == "translate"
    assert os.environ["DLBOOK_FIGURES_CATALOGUE"] == str(po)
    # A new translation gives a new cache: old figures are not served with old words.
    po.write_text('msgid "epoch"\nmsgstr "エポック数"\n', encoding="utf-8")
    assert make("ja").config.nb_execution_cache_path not in (english, japanese)
    # The kernels are told to install the hook.
    startup = Path(os.environ["IPYTHONDIR"]) / "profile_default" / "startup"
    assert "dlbook_figure_text.install(get_ipython())" in "".join(
        p.read_text(encoding="utf-8") for p in startup.glob("*.py"))


def test_record_mode_reads_every_page(monkeypatch):
    """An unchanged page is still executed, or its texts would drop out of figures.po."""
    class Env:
        found_docs = {"index", "part1/adam", "part1/rmsprop"}

    docnames = ["part1/adam"]                     # what an incremental build would read
    monkeypatch.setenv("DLBOOK_FIGURES", "translate")
    dlbook_figures._read_every_page(None, Env(), docnames)
    assert docnames == ["part1/adam"]
    monkeypatch.setenv("DLBOOK_FIGURES", "record")
    dlbook_figures._read_every_page(None, Env(), docnames)
    assert docnames == ["index", "part1/adam", "part1/rmsprop"]


def test_an_empty_recording_never_reaches_the_catalogue(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from sphinx.errors import ExtensionError

    record = tmp_path / "figures.jsonl"
    record.write_text("", encoding="utf-8")
    monkeypatch.setenv("DLBOOK_FIGURES", "record")
    monkeypatch.setenv("DLBOOK_FIGURES_RECORD", str(record))
    app = SimpleNamespace(outdir=str(tmp_path), config=SimpleNamespace(release="0"))
    with pytest.raises(ExtensionError, match="no figure text"):
        dlbook_figures._build_finished(app, None)


def test_a_glyph_missing_from_a_social_card_is_an_error():
    """The Sphinx process draws the social cards: setup makes a missing glyph fail there."""

    class App:                                  # all that setup() uses of Sphinx's app
        def connect(self, *args, **kwargs):
            pass

    import warnings

    with warnings.catch_warnings():
        warnings.resetwarnings()                # as in sphinx-build, not under pytest's filters
        dlbook_figures.setup(App())
        fig = plt.figure(figsize=(2, 1))
        fig.text(0.1, 0.5, "勾配", family="DejaVu Sans")   # a font without kana or kanji
        with pytest.raises(UserWarning, match="missing from"):
            fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
