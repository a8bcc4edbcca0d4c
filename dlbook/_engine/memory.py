"""Keep freed memory in the process, so a training step does not page-fault.

A training step frees and allocates the same arrays every step. glibc's ``malloc``
(Linux) hands blocks above its *mmap threshold* straight back to the kernel when they
are freed, and returns the top of its heap once more than the *trim threshold* lies free
there; both thresholds move with what the program has freed so far. Memory handed back
comes again as fresh pages, one page fault per 4 KiB on first touch. Depending on that
history a process settles into one of two regimes: measured on LeNet-5 training
(1 thread, batch 64), about 8 ms a step with no page faults, or about 14 ms with 2,575
faults a step.

:func:`keep_freed_memory` fixes both thresholds once, when the engine is imported: blocks
up to ``MMAP_THRESHOLD`` come from the heap and are reused, and the heap keeps up to
``TRIM_THRESHOLD`` of free memory. The price is that a process's memory stays at its
peak; the setting applies to the whole process. Set ``DLBOOK_KEEP_FREED_MEMORY=0``
before importing dlbook to keep glibc's own behaviour; where the C library is not glibc,
nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3

# 32 MiB is the ceiling glibc's own moving threshold never passes on 64-bit Linux;
# larger arrays (AlexNet conv1's columns) are kept by the layers' Workspace instead.
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 256 << 20


def keep_freed_memory(environ=os.environ):
    """Fix glibc's mmap and trim thresholds; ``True`` if they were set.

    ``False`` when ``DLBOOK_KEEP_FREED_MEMORY`` is ``"0"`` or the C library has no
    ``mallopt`` (not glibc).

    Examples
    --------
    >>> keep_freed_memory({"DLBOOK_KEEP_FREED_MEMORY": "0"})
    False
    """
    if environ.get("DLBOOK_KEEP_FREED_MEMORY", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
            and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
