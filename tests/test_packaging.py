"""What the installed distribution declares and ships (run by `make test-min` against a
regular, non-editable install of the wheel)."""

from importlib import metadata, resources

import dlbook


def test_version_has_one_source():
    assert metadata.version("dlbook") == dlbook.__version__


def test_licence_is_spdx_mit_with_the_licence_files():
    meta = metadata.metadata("dlbook")
    assert meta["License-Expression"] == "MIT"
    files = meta.get_all("License-File")
    assert "LICENSE" in files
    assert "dlbook/data/DIGITS-LICENSE.md" in files


def test_digits_attribution_travels_with_the_data():
    data = resources.files("dlbook.data")
    assert data.joinpath("digits.npz").is_file()
    attribution = data.joinpath("DIGITS-LICENSE.md").read_text(encoding="utf8")
    assert "CC BY 4.0" in attribution
    assert "Alpaydin" in attribution and "Kaynak" in attribution


def test_extras_for_plotting_and_tests():
    requires = metadata.requires("dlbook")
    assert any(r.startswith("matplotlib") and 'extra == "plot"' in r for r in requires)
    assert any(r.startswith("pyyaml") and 'extra == "test"' in r for r in requires)
