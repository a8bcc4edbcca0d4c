"""dlbook, PyTorch and a textbook im2col side by side, each in its own process.

A fourth measurement, ``products``, times only the three matrix products of each
convolution layer's im2col (``np.matmul`` on arrays of the layer's shapes, written into
arrays allocated once, in the order and layout :mod:`dlbook._engine.conv` uses): the
floor of the engine's im2col layer on NumPy's BLAS, however fast its copies.

One *measurement* is a fresh Python process that imports one library, sets its thread
count before anything loads, builds the work, warms it up and returns the median of
several timed repetitions.  BLAS and OpenMP worker threads keep spinning after a call
and would steal the other library's cores if two libraries shared a process; a fresh
process per measurement also starts every library from the same cold allocator.

The libraries take turns: round 1 runs dlbook, PyTorch, textbook, products; round 2
starts with PyTorch, and so on, so that a drift in the machine's load falls on all of
them alike.  The figure kept is the median of the rounds' medians; the spread (slowest
round / fastest round) of dlbook and PyTorch is kept too.

Two thread settings: ``1`` (one BLAS/OpenMP thread, timed by the process's CPU clock,
which counts only its own work and is the steadiest figure on a shared machine) and
``default`` (each library's own thread count, timed by the wall clock: what a user
sees).

    python benchmarks/compare.py            # prints JSON (several minutes)
    python benchmarks/compare.py --quick    # seconds: one round, one tiny layer, a few
                                            # LeNet steps, no GoogLeNet
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
LIBRARIES = ("dlbook", "torch", "textbook", "products")
# The works a measurement is limited to ("products" are a conv layer's products only);
# the others do every work asked.
ONLY_WORKS = {"products": ("conv",)}
# Five rounds: with default threads a fresh dlbook process can run up to twice as slow as
# the next one on a shared 2-core machine (the spreads run() keeps); a median of five holds.
ROUNDS = 5

# name, input shape (N, C, H, W), out_channels, kernel, stride, padding
CONV_LAYERS = [
    ("LeNet C1", (64, 1, 32, 32), 6, 5, 1, 0),
    ("LeNet C3", (64, 6, 14, 14), 16, 5, 1, 0),
    ("AlexNet conv1", (8, 3, 227, 227), 96, 11, 4, 0),
    ("AlexNet conv3", (8, 256, 13, 13), 384, 3, 1, 1),
    ("Inception 3x3", (8, 96, 28, 28), 128, 3, 1, 1),
    ("Inception 5x5", (8, 16, 28, 28), 32, 5, 1, 2),
]
QUICK_LAYERS = [("tiny", (2, 3, 9, 9), 4, 3, 2, 1)]


# -- inside a measurement process ----------------------------------------------
def _median(fn, repeats, warmup, clock):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def _conv_step(lib, shape, c_out, k, stride, pad, rng):
    """One convolution's forward + backward (input gradient included) in ``lib``."""
    import numpy as np

    x = rng.standard_normal(shape, dtype=np.float32)
    if lib == "dlbook":
        from dlbook.nn import Conv2d

        conv = Conv2d(shape[1], c_out, k, stride, pad, rng=0)
        dout = rng.standard_normal(conv(x).shape, dtype=np.float32)

        def step():
            conv.zero_grad()
            conv(x)
            conv.backward(dout)
    elif lib == "textbook":
        import textbook

        conv = textbook.Conv(shape[1], c_out, k, stride, pad, rng=0)
        dout = rng.standard_normal(conv.forward(x).shape, dtype=np.float32)

        def step():
            conv.forward(x)
            conv.backward(dout)
    elif lib == "products":
        step = _products_step(shape, c_out, k, stride, pad, rng)
    elif lib == "torch":
        import torch

        conv = torch.nn.Conv2d(shape[1], c_out, k, stride, pad)
        xt = torch.from_numpy(x).requires_grad_()
        dout = torch.from_numpy(
            rng.standard_normal(tuple(conv(xt).shape), dtype=np.float32))

        def step():
            conv.zero_grad()
            xt.grad = None
            conv(xt).backward(dout)
    else:
        raise ValueError(f"no such library: {lib!r}")
    return step


def column_shape(shape, k, stride, pad):
    """``(C*k*k, N*OH*OW)``: the im2col matrix of a layer with input ``shape`` (NCHW)."""
    n, c, h, w = shape
    oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    return c * k * k, n * oh * ow


def _products_step(shape, c_out, k, stride, pad, rng):
    """The three products of a convolution layer's im2col, and nothing else.

    ``W2 @ cols`` (forward), ``cols @ dU.T`` (weight gradient, transposed as the
    engine computes it) and ``W2.T @ dU`` (column gradient), float32, into arrays
    allocated once: ``W2`` is ``(C_out, C*k*k)``, ``cols`` ``(C*k*k, N*OH*OW)``.
    """
    import numpy as np

    kk, m = column_shape(shape, k, stride, pad)
    w2 = rng.standard_normal((c_out, kk), dtype=np.float32)
    cols = rng.standard_normal((kk, m), dtype=np.float32)
    du = rng.standard_normal((c_out, m), dtype=np.float32)
    u, dw, dcols = (np.empty((c_out, m), np.float32), np.empty((kk, c_out), np.float32),
                    np.empty((kk, m), np.float32))

    def step():
        np.matmul(w2, cols, out=u)
        np.matmul(cols, du.T, out=dw)
        np.matmul(w2.T, du, out=dcols)
    return step


def lenet_step(lib, batch, rng):
    """One LeNet-5 training step (forward, loss, backward, Adam) in ``lib``."""
    import numpy as np

    x = rng.random((batch, 1, 32, 32), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    if lib == "dlbook":
        from dlbook.models import LeNet5
        from dlbook.nn import SoftmaxCrossEntropy
        from dlbook.optim import Adam

        model, loss_fn = LeNet5(rng=0), SoftmaxCrossEntropy()
        model.c1.needs_input_grad = False   # as PyTorch: the images need no gradient
        opt = Adam(model.parameters(), lr=1e-3)

        def step():
            loss_fn(model(x), y)
            opt.zero_grad()
            model.backward(loss_fn.backward())
            opt.step()
    elif lib == "textbook":
        import textbook

        layers, opt = textbook.lenet5(), textbook.Adam()

        def step():
            textbook.train_step(layers, opt, x, y)
    elif lib == "torch":
        import torch

        sys.path.insert(0, str(ROOT / "docs" / "pytorch"))
        import torch_models

        model = torch_models.lenet5()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)

        def step():
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(xt), yt).backward()
            opt.step()
    else:
        raise ValueError(f"no such library: {lib!r}")
    return step


def _googlenet_step(lib, batch, rng):
    """One GoogLeNet training step (both auxiliary heads, Adam) in ``lib``."""
    import numpy as np

    x = rng.random((batch, 3, 224, 224), dtype=np.float32)
    y = rng.integers(0, 1000, batch)
    if lib == "dlbook":
        from dlbook.models import GoogLeNet, GoogLeNetLoss
        from dlbook.optim import Adam

        model, loss_and_grad = GoogLeNet(rng=0).train(), GoogLeNetLoss()
        model.conv1.conv.needs_input_grad = False
        opt = Adam(model.parameters(), lr=1e-3)

        def step():
            _, grads = loss_and_grad(model(x), y)
            opt.zero_grad()
            model.backward(grads)
            opt.step()
    elif lib == "torch":
        import torch

        sys.path.insert(0, str(ROOT / "docs" / "pytorch"))
        import torch_models

        model = torch_models.GoogLeNet(1000).train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)

        def step():
            opt.zero_grad()
            torch_models.googlenet_loss(model(xt), yt).backward()
            opt.step()
    else:
        raise ValueError(f"no such library: {lib!r}")
    return step


def measure(lib, works, threads, quick):
    """Run in a fresh process: ``{name: median seconds}`` of ``works`` in ``lib``."""
    import numpy as np

    if lib == "torch":
        import torch

        if threads == "1":
            torch.set_num_threads(1)
    clock = time.process_time if threads == "1" else time.perf_counter
    rng = np.random.default_rng(0)
    out = {}
    if "conv" in works:
        for name, shape, c_out, k, stride, pad in (QUICK_LAYERS if quick else CONV_LAYERS):
            step = _conv_step(lib, shape, c_out, k, stride, pad, rng)
            out[name] = _median(step, 2 if quick else 9, 1 if quick else 2, clock)
    if "lenet" in works:
        out["LeNet-5"] = _median(lenet_step(lib, 64, rng), 3 if quick else 40,
                                 1 if quick else 5, clock)
    if "googlenet" in works:
        out["GoogLeNet"] = _median(_googlenet_step(lib, 8, rng), 3, 1, clock)
    return out


# -- the parent: processes, rounds, medians ------------------------------------------
def run_child(lib, works, threads, quick):
    env = dict(os.environ)
    for var in THREAD_VARS:
        if threads == "1":
            env[var] = "1"
        else:
            env.pop(var, None)
    cmd = [sys.executable, __file__, "--child", lib, ",".join(works), threads]
    cmd += ["--quick"] if quick else []
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True,
                          cwd=str(ROOT))
    return json.loads(done.stdout)


def measure_rounds(works, libs, threads, quick, rounds=ROUNDS):
    """``{lib: [{name: seconds}, ...]}``: one fresh process per library and round, the
    libraries taking turns in an order that rotates from round to round."""
    per_round = {lib: [] for lib in libs}
    for r in range(rounds):
        order = libs[r % len(libs):] + libs[:r % len(libs)]
        for lib in order:
            its_works = [w for w in works if w in ONLY_WORKS.get(lib, works)]
            per_round[lib].append(run_child(lib, its_works, threads, quick))
    return per_round


def medians(per_round):
    """``{lib: {name: seconds}}``: the median over the rounds."""
    return {lib: {name: statistics.median(rnd[name] for rnd in rounds_) for name in rounds_[0]}
            for lib, rounds_ in per_round.items()}


def spreads(per_round):
    """``{lib: {name: slowest / fastest round}}``: how far one process can be from another."""
    return {lib: {name: max(rnd[name] for rnd in rounds_) / min(rnd[name] for rnd in rounds_)
                  for name in rounds_[0]}
            for lib, rounds_ in per_round.items()}


def compare(works, libs, threads, quick, rounds=ROUNDS):
    """``{lib: {name: seconds}}``: median over ``rounds`` rounds, libraries alternating."""
    return medians(measure_rounds(works, libs, threads, quick, rounds))


def geomean(values):
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values))


def run(quick=False, log=print):
    """Every comparison in both thread settings, as the dict stored in results.json."""
    rounds = 1 if quick else ROUNDS
    results = {"rounds": rounds, "libraries": list(LIBRARIES),
               "torch_version": _torch_version()}
    for threads in ("1", "default"):
        part = {}
        per_round = measure_rounds(("conv", "lenet"), list(LIBRARIES), threads, quick, rounds)
        both, spread = medians(per_round), spreads(per_round)
        trainers = [lib for lib in LIBRARIES if "lenet" in ONLY_WORKS.get(lib, ("lenet",))]
        lenet = {lib: {"LeNet-5": both[lib].pop("LeNet-5")} for lib in trainers}
        conv = both
        layers = list(conv["dlbook"])
        part["conv"] = {"layers": [
            {"name": name, **{f"{lib}_seconds": conv[lib][name] for lib in LIBRARIES},
             "ratio_to_torch": conv["dlbook"][name] / conv["torch"][name],
             "textbook_ratio_to_torch": conv["textbook"][name] / conv["torch"][name],
             "products_ratio_to_torch": conv["products"][name] / conv["torch"][name],
             "dlbook_spread": spread["dlbook"][name], "torch_spread": spread["torch"][name]}
            for name in layers]}
        part["conv"]["geomean_ratio_to_torch"] = geomean(
            r["ratio_to_torch"] for r in part["conv"]["layers"])
        part["conv"]["textbook_geomean_ratio_to_torch"] = geomean(
            r["textbook_ratio_to_torch"] for r in part["conv"]["layers"])
        part["lenet"] = {f"{lib}_images_per_second": 64 / lenet[lib]["LeNet-5"]
                         for lib in trainers}
        part["lenet"].update({f"{lib}_spread": spread[lib]["LeNet-5"] for lib in trainers})
        part["lenet"]["throughput_ratio_to_torch"] = (
            lenet["torch"]["LeNet-5"] / lenet["dlbook"]["LeNet-5"])
        part["lenet"]["textbook_throughput_ratio_to_torch"] = (
            lenet["torch"]["LeNet-5"] / lenet["textbook"]["LeNet-5"])
        if not quick:
            g = compare(("googlenet",), ["dlbook", "torch"], threads, quick, rounds)
            part["googlenet"] = {"dlbook_seconds": g["dlbook"]["GoogLeNet"],
                                 "torch_seconds": g["torch"]["GoogLeNet"],
                                 "time_ratio_to_torch": g["dlbook"]["GoogLeNet"]
                                 / g["torch"]["GoogLeNet"]}
        results[f"threads_{threads}"] = part
        log(summary(threads, part))
    return results


def _torch_version():
    done = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"],
                          check=True, capture_output=True, text=True)
    return done.stdout.strip()


def summary(threads, part):
    clock = "CPU clock" if threads == "1" else "wall clock"
    lines = [f"\n{threads} thread(s), {clock}: ms per forward+backward "
             f"(dlbook / PyTorch / textbook im2col / products alone), dlbook/PyTorch "
             f"and products/PyTorch time ratios"]
    for r in part["conv"]["layers"]:
        lines.append(f"  {r['name']:14s} {r['dlbook_seconds'] * 1e3:8.2f} "
                     f"{r['torch_seconds'] * 1e3:8.2f} {r['textbook_seconds'] * 1e3:8.2f}"
                     f" {r['products_seconds'] * 1e3:8.2f}"
                     f"   {r['ratio_to_torch']:5.2f} {r['products_ratio_to_torch']:5.2f}")
    lines.append(f"  geometric mean ratio {part['conv']['geomean_ratio_to_torch']:.2f} "
                 f"(textbook {part['conv']['textbook_geomean_ratio_to_torch']:.2f})")
    le = part["lenet"]
    lines.append(f"  LeNet-5 training, images/s: dlbook {le['dlbook_images_per_second']:.0f}, "
                 f"PyTorch {le['torch_images_per_second']:.0f}, textbook "
                 f"{le['textbook_images_per_second']:.0f}; dlbook/PyTorch "
                 f"{le['throughput_ratio_to_torch']:.2f}")
    if "googlenet" in part:
        g = part["googlenet"]
        lines.append(f"  GoogLeNet training step: dlbook {g['dlbook_seconds']:.2f} s, PyTorch "
                     f"{g['torch_seconds']:.2f} s; time ratio {g['time_ratio_to_torch']:.2f}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("LIB", "WORK", "THREADS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        sys.path.insert(0, str(HERE))
        lib, works, threads = args.child
        print(json.dumps(measure(lib, works.split(","), threads, args.quick)))
        return
    print(json.dumps(run(args.quick, log=lambda text: print(text, file=sys.stderr)),
                     indent=2))


if __name__ == "__main__":
    main()
