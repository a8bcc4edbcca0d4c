"""Median wall-clock time of a callable, after a warm-up."""

import statistics
import time


def median_time(fn, repeat=7, warmup=2):
    """Run ``fn`` ``warmup`` times, then ``repeat`` times; return the median seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
