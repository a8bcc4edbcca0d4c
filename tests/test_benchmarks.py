"""The benchmark code runs, and the committed results hold what the Performance page reads."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import compare  # noqa: E402
import conv_suite  # noqa: E402

PAGE_KEYS = {"conv": {"geomean_ratio_to_torch", "textbook_geomean_ratio_to_torch"},
             "layer": {"name", "dlbook_seconds", "torch_seconds", "textbook_seconds",
                       "products_seconds", "products_ratio_to_torch", "dlbook_spread",
                       "torch_spread", "ratio_to_torch", "textbook_ratio_to_torch"},
             "lenet": {"dlbook_images_per_second", "torch_images_per_second",
                       "textbook_images_per_second", "throughput_ratio_to_torch",
                       "textbook_throughput_ratio_to_torch", "dlbook_spread", "torch_spread"},
             "googlenet": {"dlbook_seconds", "torch_seconds", "time_ratio_to_torch"}}


def check_comparison(part, layer_names, googlenet):
    assert PAGE_KEYS["conv"] <= part["conv"].keys()
    assert [r["name"] for r in part["conv"]["layers"]] == layer_names
    for row in part["conv"]["layers"]:
        assert PAGE_KEYS["layer"] <= row.keys()
        assert all(row[k] > 0 for k in PAGE_KEYS["layer"] - {"name"})
    assert PAGE_KEYS["lenet"] <= part["lenet"].keys()
    assert all(v > 0 for v in part["lenet"].values())
    if googlenet:
        assert PAGE_KEYS["googlenet"] <= part["googlenet"].keys()


def test_comparison_with_pytorch_runs_in_quick_mode():
    """One round of one tiny layer and a few LeNet steps per library and thread setting."""
    res = compare.run(quick=True, log=lambda text: None)
    assert res["rounds"] == 1 and res["libraries"] == ["dlbook", "torch", "textbook", "products"]
    for threads in ("1", "default"):
        check_comparison(res[f"threads_{threads}"], ["tiny"], googlenet=False)


@pytest.mark.parametrize("layer", compare.CONV_LAYERS + compare.QUICK_LAYERS,
                         ids=lambda layer: layer[0])
def test_products_alone_have_the_engines_column_matrix(layer):
    """The "products" baseline multiplies matrices of the shape the layer's engine builds."""
    import numpy as np

    from dlbook.nn import Conv2d

    _, shape, c_out, k, stride, pad = layer
    small = (1,) + shape[1:]                       # one image: the same rows, fewer columns
    conv = Conv2d(shape[1], c_out, k, stride, pad, rng=0)
    conv(np.zeros(small, np.float32))
    cols = conv._cache[1]
    assert cols.shape == compare.column_shape(small, k, stride, pad)


def test_conv_suite_measures_both_baselines_on_a_tiny_layer(monkeypatch):
    monkeypatch.setattr(conv_suite, "LAYERS", [("tiny", (2, 3, 9, 9), 4, 3, 2, 1)])
    suite = conv_suite.run_conv_suite(repeats=1)
    (row,) = suite["layers"]
    for key in ("conv_seconds", "matmul_seconds", "matmul_into_seconds", "ratio",
                "ratio_into", "gflops", "matmul_gflops"):
        assert row[key] > 0, key
    assert suite["geomean_ratio"] == pytest.approx(row["ratio"])
    assert suite["geomean_ratio_into"] == pytest.approx(row["ratio_into"])


def test_committed_results_have_every_number_the_performance_page_shows():
    res = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf8"))
    assert not res["quick"]
    for part in (res, res["single"]):
        assert [r["name"] for r in part["conv"]["layers"]] == [l[0] for l in conv_suite.LAYERS]
        assert {"geomean_ratio", "geomean_ratio_into"} <= part["conv"].keys()
        assert part["lenet"]["images_per_second"] > 0 and part["matmul_gflops"] > 0
    assert {"lenet", "googlenet"} <= res["single"]["profile"].keys()
    assert {"googlenet", "site", "load_before", "load_after"} <= res.keys()
    assert res["site"]["page_execution_seconds"]
    comparison = res["compare"]
    assert comparison["rounds"] == compare.ROUNDS
    for threads in ("1", "default"):
        check_comparison(comparison[f"threads_{threads}"], [l[0] for l in compare.CONV_LAYERS],
                         googlenet=True)
