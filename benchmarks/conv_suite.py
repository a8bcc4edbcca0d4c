"""Conv2d forward + backward time against the three bare matrix products it needs.

For each layer the baseline is ``np.matmul`` alone on the same shapes, float32:
forward ``W2 @ cols`` (C_out x K)(K x M), weight gradient ``dout2 @ cols.T`` and input
gradient ``W2.T @ dout2``, with ``K = C*kh*kw`` and ``M = N*OH*OW``.  The ratio
``conv / matmul`` is what im2col, col2im, padding and transposes cost on top.
``ratio_into`` compares with the same products written into preallocated arrays
(``out=``), the stricter baseline: plain ``np.matmul`` also pays for fresh outputs.

Run:  python benchmarks/conv_suite.py [--repeats 7] [--threads 1] [--clock cpu]

``--threads`` fixes the BLAS thread count (it must be set before NumPy loads).
``--clock cpu`` times with ``process_time`` instead of the wall clock; it is only
meaningful with one thread, and it is what to use on a machine shared with other jobs,
where wall-clock medians measure the neighbours as much as the code.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (default: the library's own choice)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args(argv)
    if args.clock == "cpu":
        if args.threads not in (None, 1):
            parser.error("--clock cpu needs --threads 1 (CPU time adds up all threads)")
        args.threads = 1
    if args.threads is not None:
        if "numpy" in sys.modules:
            parser.error("--threads must be set before numpy is imported")
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    return args


ARGS = parse(None) if __name__ == "__main__" else None

import numpy as np  # noqa: E402  (after the thread count is fixed)

from compare import CONV_LAYERS  # noqa: E402
from dlbook.nn import Conv2d  # noqa: E402

CLOCK = time.process_time if ARGS is not None and ARGS.clock == "cpu" else time.perf_counter

# The six layers, shared with the comparison against PyTorch (compare.py).
LAYERS = list(CONV_LAYERS)


def median_times(fns, repeats, warmup=2, clock=None):
    """Median time of each callable, the callables taking turns so that both see the
    same background load (on a shared machine the load drifts within seconds)."""
    clock = clock or CLOCK
    for _ in range(warmup):
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, bucket in zip(fns, times):
            t0 = clock()
            fn()
            bucket.append(clock() - t0)
    return [float(np.median(t)) for t in times]


def measure(shape, c_out, k, stride, padding, repeats, rng, clock=None):
    x = rng.standard_normal(shape, dtype=np.float32)
    conv = Conv2d(shape[1], c_out, k, stride, padding, rng=0)
    y = conv(x)
    dout = rng.standard_normal(y.shape, dtype=np.float32)

    def step():
        conv.zero_grad()
        conv(x)
        conv.backward(dout)

    kk = shape[1] * k * k
    m = y.shape[0] * y.shape[2] * y.shape[3]
    w2 = rng.standard_normal((c_out, kk), dtype=np.float32)
    cols = rng.standard_normal((kk, m), dtype=np.float32)
    dout2 = rng.standard_normal((c_out, m), dtype=np.float32)

    def matmuls():
        np.matmul(w2, cols)
        np.matmul(dout2, cols.T)
        np.matmul(w2.T, dout2)

    # The same products written into arrays allocated once: pure arithmetic, without the
    # page faults a fresh output of many megabytes costs (which the layer partly avoids).
    outs = (np.empty((c_out, m), np.float32), np.empty((c_out, kk), np.float32),
            np.empty((kk, m), np.float32))

    def matmuls_into():
        np.matmul(w2, cols, out=outs[0])
        np.matmul(dout2, cols.T, out=outs[1])
        np.matmul(w2.T, dout2, out=outs[2])

    # Each ratio compares two things timed in turn; the two comparisons run one after
    # the other, so the stricter one does not disturb the first (a third function in the
    # same loop changes what the allocator and the caches hold between the calls).
    t_conv, t_mm = median_times([step, matmuls], repeats, clock=clock)
    t_conv_into, t_into = median_times([step, matmuls_into], repeats, clock=clock)
    flops = 3 * 2.0 * c_out * kk * m
    return t_conv, t_mm, t_conv_into, t_into, flops


def run_conv_suite(repeats=7, seed=0, clock=None):
    """Measure every layer of the suite; return per-layer rows and the geometric mean.

    ``clock`` defaults to the one chosen on the command line (wall clock when imported).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for name, shape, c_out, k, stride, padding in LAYERS:
        t_conv, t_mm, t_conv_into, t_into, flops = measure(shape, c_out, k, stride, padding,
                                                           repeats, rng, clock)
        rows.append({"name": name, "conv_seconds": t_conv, "matmul_seconds": t_mm,
                     "ratio": t_conv / t_mm, "gflops": flops / t_conv / 1e9,
                     "matmul_gflops": flops / t_mm / 1e9,
                     "matmul_into_seconds": t_into, "ratio_into": t_conv_into / t_into})
    return {"layers": rows, "geomean_ratio": _geomean(r["ratio"] for r in rows),
            "geomean_ratio_into": _geomean(r["ratio_into"] for r in rows), "repeats": repeats}


def _geomean(values):
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main(args):
    print(f"clock: {args.clock}, BLAS threads: {args.threads or 'default'}, "
          f"median of {args.repeats} after 2 warm-up runs, float32")
    print(f"{'layer':<15} {'conv ms':>8} {'matmul ms':>9} {'ratio':>6} "
          f"{'conv GFLOP/s':>12} {'matmul GFLOP/s':>14} {'ratio, out=':>11}")
    suite = run_conv_suite(args.repeats)
    for r in suite["layers"]:
        print(f"{r['name']:<15} {r['conv_seconds'] * 1e3:8.2f} {r['matmul_seconds'] * 1e3:9.2f} "
              f"{r['ratio']:6.2f} {r['gflops']:12.1f} {r['matmul_gflops']:14.1f} "
              f"{r['ratio_into']:11.2f}")
    print(f"geometric mean ratio (conv fwd+bwd / three matmuls): {suite['geomean_ratio']:.2f}; "
          f"against matmuls into preallocated outputs: {suite['geomean_ratio_into']:.2f}")
    return suite["geomean_ratio"]


if __name__ == "__main__":
    main(ARGS)
