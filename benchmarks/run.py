"""`make bench`: dlbook's speed, against this machine's own matmul speed and against PyTorch.

Every number is the median of several repetitions after a warm-up, taken in the
same run as the baseline it is compared with (the machine is shared and noisy).
Results are printed and written to benchmarks/results.json (the Performance page
plots the committed copy).

Two settings are measured, because both matter and they disagree on a busy machine:

* ``wall``: wall clock with the BLAS library's default thread count (what a user
  running the library sees);
* ``single``: one BLAS thread, timed by CPU clock (``process_time``) in a child
  process.  It counts only this process's work, so the neighbours' load barely moves
  it; it is the number to compare across runs.  (The site build and the tests also
  run with one BLAS thread, see the Makefile.)

    python benchmarks/run.py            # everything but the site build
    python benchmarks/run.py --quick    # fewer repetitions, no GoogLeNet (about a minute)
    python benchmarks/run.py --site     # also time a clean `make html` and a rebuild

The comparison with PyTorch CPU and a textbook im2col (``compare.py``) needs the
``bench`` extra (``pip install -e '.[bench]'``); it is stored under ``compare``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

import compare  # noqa: E402
from conv_suite import median_times, run_conv_suite  # noqa: E402

TARGETS = {"conv_geomean_ratio": 1.5, "googlenet_peak_gb": 3.0,
           "site_clean_seconds": 240, "site_rebuild_seconds": 20,
           "lenet_throughput_ratio_to_torch": 0.8, "conv_geomean_ratio_to_torch": 1.0,
           "conv_layer_ratio_to_torch": 1.5}
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def load():
    """1-, 5- and 15-minute load averages (2 cores: above 2 means queueing)."""
    return [round(v, 2) for v in os.getloadavg()]


def matmul_gflops(n=1024, repeat=7, clock=time.perf_counter):
    """This machine's float32 square-matmul speed."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    (seconds,) = median_times([lambda: a @ b], repeat, clock=clock)
    return 2 * n ** 3 / seconds / 1e9


def lenet_throughput(batch=64, steps=30, clock=time.perf_counter):
    """Images per second of a LeNet-5 training step (forward, backward, Adam).

    The step is the comparison's own (``compare.lenet_step``): the first layer skips
    the images' gradient, as PyTorch does.
    """
    step = compare.lenet_step("dlbook", batch, np.random.default_rng(0))
    (seconds,) = median_times([step], steps, warmup=5, clock=clock)
    return {"batch": batch, "seconds_per_step": seconds, "images_per_second": batch / seconds}


def googlenet_step(batch=8, size=224):
    """Time and peak memory of a GoogLeNet forward+backward with auxiliary heads.

    Peak memory is NumPy's allocations as traced by ``tracemalloc`` over two steps
    (arrays are what grows with the batch); ``max_rss_gb`` is the whole process's
    resident-set high-water mark, interpreter and libraries included.
    """
    from dlbook.models import GoogLeNet, GoogLeNetLoss

    rng = np.random.default_rng(0)
    model = GoogLeNet(num_classes=1000, aux_logits=True, rng=0)
    loss_and_grad = GoogLeNetLoss()
    model.train()
    x = rng.random((batch, 3, size, size), dtype=np.float32)
    y = rng.integers(0, 1000, batch)

    def step():
        out = model(x)
        _, grads = loss_and_grad(out, y)
        model.backward(grads)
        model.zero_grad()

    # Traced from the first step on: the convolutions' scratch arrays, allocated then and
    # kept for later steps, count towards the peak.
    tracemalloc.start()
    step()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    wall = median_times([step], 3, warmup=0)
    cpu = median_times([step], 3, warmup=0, clock=time.process_time)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024   # Linux: KiB
    return {"batch": batch, "size": size, "seconds": wall[0], "cpu_seconds": cpu[0],
            "peak_bytes": peak, "peak_gb": peak / 1e9, "max_rss_gb": rss / 1e9}


def layer_profile(model, x, y, loss_and_grad=None, repeat=3, clock=time.perf_counter):
    """Share of a training step spent in each kind of leaf layer, forward + backward.

    Leaf modules' ``forward``/``backward`` are wrapped with a timer for the duration;
    ``other`` is the rest of the step (loss, containers, concatenations).
    """
    from dlbook.nn import SoftmaxCrossEntropy

    totals = {}

    def timed(kind, fn):
        def wrapper(*args, **kwargs):
            start = clock()
            out = fn(*args, **kwargs)
            totals[kind] = totals.get(kind, 0.0) + clock() - start
            return out
        return wrapper

    leaves = [m for m in model.modules() if not m._modules]
    for m in leaves:
        kind = type(m).__name__
        object.__setattr__(m, "forward", timed(kind, m.forward))
        object.__setattr__(m, "backward", timed(kind, m.backward))
    loss_fn = SoftmaxCrossEntropy()
    if loss_and_grad is None:
        def loss_and_grad(out, labels):
            return loss_fn(out, labels), loss_fn.backward()
    model.train()
    wall = []
    try:
        for i in range(repeat + 1):
            if i == 1:
                totals.clear()
            start = clock()
            _, grads = loss_and_grad(model(x), y)
            model.backward(grads)
            model.zero_grad()
            if i:
                wall.append(clock() - start)
    finally:
        for m in leaves:
            del m.__dict__["forward"], m.__dict__["backward"]
    step = sum(wall) / repeat
    rows = sorted(((k, v / repeat) for k, v in totals.items()), key=lambda r: -r[1])
    rows.append(("other", step - sum(s for _, s in rows)))
    return {"step_seconds": step,
            "layers": [{"layer": k, "seconds": s, "share": s / step} for k, s in rows]}


def profiles(quick, clock=time.perf_counter):
    from dlbook.models import GoogLeNet, GoogLeNetLoss, LeNet5

    rng = np.random.default_rng(0)
    lenet = LeNet5(rng=0)
    lenet.c1.needs_input_grad = False       # as in lenet_throughput
    out = {"lenet": layer_profile(
        lenet, rng.random((64, 1, 32, 32), dtype=np.float32), rng.integers(0, 10, 64),
        repeat=10 if quick else 30, clock=clock)}
    if not quick:
        out["googlenet"] = layer_profile(
            GoogLeNet(rng=0), rng.random((8, 3, 224, 224), dtype=np.float32),
            rng.integers(0, 1000, 8), loss_and_grad=GoogLeNetLoss(), repeat=2, clock=clock)
    return out


def single_thread_part(quick):
    """Everything timed by CPU clock with one BLAS thread (run in a child process)."""
    clock = time.process_time
    repeats = 5 if quick else 9
    return {"matmul_gflops": matmul_gflops(clock=clock),
            "conv": run_conv_suite(repeats, clock=clock),
            "lenet": lenet_throughput(steps=20 if quick else 50, clock=clock),
            "profile": profiles(quick, clock=clock)}


def run_single_thread_child(quick):
    env = dict(os.environ, **{var: "1" for var in THREAD_VARS})
    cmd = [sys.executable, __file__, "--part", "single"] + (["--quick"] if quick else [])
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def site_build_times():
    """Seconds for a clean `make html` and for a rebuild after editing one page's prose.

    The edited page is this benchmark's own (docs/performance.md); the edit is undone
    afterwards.  Notebook outputs come from the execution cache on the rebuild.
    """
    build = ROOT / "_build" / "bench-site"
    subprocess.run(["rm", "-rf", str(build)], check=True)
    cmd = ["make", "-C", str(ROOT), "html", f"BUILDDIR={build}"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    clean = time.perf_counter() - start
    page = ROOT / "docs" / "performance.md"
    original = page.read_text(encoding="utf8")
    marker = "## Why im2col"
    try:
        page.write_text(original.replace(marker, f"Edited.\n\n{marker}", 1), encoding="utf8")
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        rebuild = time.perf_counter() - start
    finally:
        page.write_text(original, encoding="utf8")
    return {"clean_seconds": clean, "one_page_rebuild_seconds": rebuild,
            "page_execution_seconds": page_execution_times(build / ".jupyter_cache")}


def page_execution_times(cache):
    """Seconds each page's notebook took to execute, from myst-nb's jupyter-cache."""
    import sqlite3

    db = sqlite3.connect(str(cache / "global.db"))
    try:
        rows = db.execute("SELECT uri, data FROM nbcache").fetchall()
    finally:
        db.close()
    times = {}
    for uri, data in rows:
        page = Path(uri).relative_to(ROOT / "docs").as_posix()
        times[page] = round(json.loads(data or "{}").get("execution_seconds", float("nan")), 2)
    return dict(sorted(times.items(), key=lambda item: -item[1]))


def print_conv(title, conv, matmul):
    print(f"\n{title}  (float32 matmul 1024^3: {matmul:.1f} GFLOP/s)")
    print(f"  {'layer':16s} {'conv ms':>8s} {'matmul ms':>9s} {'ratio':>6s} "
          f"{'conv GFLOP/s':>12s} {'matmul GFLOP/s':>14s} {'ratio vs out=':>13s}")
    for r in conv["layers"]:
        print(f"  {r['name']:16s} {r['conv_seconds'] * 1e3:8.2f} {r['matmul_seconds'] * 1e3:9.2f} "
              f"{r['ratio']:6.2f} {r['gflops']:12.1f} {r['matmul_gflops']:14.1f} "
              f"{r['ratio_into']:13.2f}")
    verdict = "met" if conv["geomean_ratio"] <= TARGETS["conv_geomean_ratio"] else "NOT met"
    print(f"  {'geometric mean':16s} {'':8s} {'':9s} {conv['geomean_ratio']:6.2f}   "
          f"(target <= 1.5: {verdict}){'':16s}{conv['geomean_ratio_into']:6.2f}")


def print_profile(name, prof):
    print(f"\n{name}: {prof['step_seconds'] * 1e3:.1f} ms per step")
    for row in prof["layers"]:
        print(f"  {row['layer']:20s} {row['seconds'] * 1e3:8.1f} ms  {100 * row['share']:5.1f}%")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", action="store_true", help="also time the site build")
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions and no GoogLeNet (for a quick look)")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--part", choices=("single",), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part == "single":
        print(json.dumps(single_thread_part(args.quick)))
        return

    results = {"machine": {"python": platform.python_version(), "numpy": np.__version__,
                           "processor": platform.machine(), "cores": os.cpu_count(),
                           "blas_threads": {v: os.environ.get(v, "default")
                                            for v in THREAD_VARS}},
               "date": time.strftime("%Y-%m-%d %H:%M"), "quick": args.quick,
               "targets": TARGETS, "load_before": load()}
    print(f"load average {results['load_before']} on {os.cpu_count()} cores")

    single = run_single_thread_child(args.quick)
    results["single"] = single
    results["load_after_single"] = load()
    print_conv("Conv2d forward+backward / the same three matmuls -- 1 BLAS thread, CPU clock",
               single["conv"], single["matmul_gflops"])

    results["matmul_gflops"] = matmul_gflops()
    results["conv"] = run_conv_suite(5 if args.quick else 9)
    print_conv("Conv2d forward+backward / the same three matmuls -- default threads, wall clock",
               results["conv"], results["matmul_gflops"])

    results["lenet"] = lenet_throughput(steps=20 if args.quick else 50)
    print("\nLeNet-5 training step, batch 64, 32x32, Adam (against PyTorch: see the comparison):")
    print(f"  1 BLAS thread, CPU clock:      {single['lenet']['images_per_second']:6.0f} images/s")
    print(f"  default threads, wall clock:   {results['lenet']['images_per_second']:6.0f} images/s")

    results["profile"] = profiles(args.quick)
    print_profile("LeNet-5 step profile (1 BLAS thread, CPU clock)", single["profile"]["lenet"])
    if not args.quick:
        print_profile("GoogLeNet step profile, batch 8 (1 BLAS thread, CPU clock)",
                      single["profile"]["googlenet"])
        results["googlenet"] = googlenet_step()
        g = results["googlenet"]
        print(f"\nGoogLeNet forward+backward, batch 8 at 224x224 with auxiliary heads: "
              f"{g['seconds']:.2f} s wall ({g['cpu_seconds']:.2f} s CPU), peak NumPy memory "
              f"{g['peak_gb']:.2f} GB (target < 3 GB), process max RSS {g['max_rss_gb']:.2f} GB")

    print("\ndlbook, PyTorch and a textbook im2col, each in its own process, "
          f"{1 if args.quick else compare.ROUNDS} alternating round(s), medians:")
    results["compare"] = compare.run(args.quick)

    if args.site:
        # The site's Performance page reads results.json: give the build this run's numbers.
        results["load_after"] = load()
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf8")
        results["site"] = site_build_times()
        s = results["site"]
        print(f"\nsite (both editions): clean `make html` {s['clean_seconds']:.0f} s "
              f"(target < {TARGETS['site_clean_seconds']}), rebuild after a prose edit "
              f"{s['one_page_rebuild_seconds']:.0f} s (target < {TARGETS['site_rebuild_seconds']})")
        pages = s["page_execution_seconds"]
        print(f"  notebook execution: {sum(pages.values()):.0f} s over {len(pages)} pages; "
              "slowest: " + ", ".join(f"{p} {t:.1f} s" for p, t in list(pages.items())[:5]))

    results["load_after"] = load()
    print(f"\nload average at the end {results['load_after']}")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
