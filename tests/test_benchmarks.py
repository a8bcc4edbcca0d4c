"""The benchmark code runs, and the committed results hold what the Performance page reads."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import conv_suite  # noqa: E402


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
