"""Importing dlbook keeps freed memory in the process: a repeated step page-faults no more.

Page faults are counted, not timed: for the same allocations, with huge pages off, they
are the same on every run, whatever else the machine is doing.
"""

import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dlbook._engine import memory

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"

# Three arrays of 0.9 MiB, freed together, after a 1 MiB one has moved glibc's mmap
# threshold to 1 MiB (and its trim threshold to 2 MiB): the 2.7 MiB they free at the top
# of the heap is handed back to the kernel, and every step faults it in again.
STEP = textwrap.dedent("""
    import ctypes
    import resource
    import numpy as np
    import dlbook

    # 4 KiB pages whatever the machine's transparent-huge-page setting
    # (PR_SET_THP_DISABLE), so the counts below are the same everywhere.
    ctypes.CDLL(None).prctl(41, 1, 0, 0, 0)

    def faults():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    def step():
        arrays = [np.ones((1 << 18) * 9 // 10, np.float32) for _ in range(3)]
        del arrays

    first = np.ones(1 << 18, np.float32)
    del first
    for _ in range(3):
        step()
    before = faults()
    for _ in range(10):
        step()
    print((faults() - before) / 10)
""")


def python(code, **env):
    """What ``code`` prints, run by a fresh interpreter with ``env`` added."""
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                          cwd=Path(__file__).resolve().parent.parent,   # dlbook importable
                          capture_output=True, text=True, check=True)
    return done.stdout


def faults_per_step(**env):
    return float(python(STEP, **env))


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's")
def test_a_repeated_step_faults_its_memory_in_only_once():
    assert faults_per_step() < 10


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's")
def test_with_the_setting_off_the_same_step_faults_every_time():
    # The check above would fail without keep_freed_memory: glibc's own thresholds
    # hand the 2.7 MiB back every step (about 660 faults of 4 KiB).
    assert faults_per_step(DLBOOK_KEEP_FREED_MEMORY="0") > 300


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's")
def test_the_engine_reports_the_setting_applied():
    assert memory.APPLIED is (os.environ.get("DLBOOK_KEEP_FREED_MEMORY") != "0")


def test_the_setting_can_be_turned_off():
    assert memory.keep_freed_memory({"DLBOOK_KEEP_FREED_MEMORY": "0"}) is False


def test_without_the_setting_the_layers_keep_smaller_arrays():
    code = "from dlbook._engine import conv; print(conv.APPLIED, conv.KEEP_BYTES)"
    assert python(code, DLBOOK_KEEP_FREED_MEMORY="0").split() == ["False", str(8 << 20)]
