"""Keep freed memory in the process, so a training step does not page-fault.

A training step frees and allocates the same arrays every step. glibc's ``malloc``
(Linux) hands blocks above its *mmap threshold* straight back to the kernel when they
are freed, and returns the top of its heap once more than the *trim threshold* lies free
there; both thresholds move with what the program has freed so far. Memory handed back
comes again as fresh pages, a page fault per page on first touch. Depending on that
history the same step can fault thousands of times or not at all: LeNet-5 training
(1 thread, batch 64) took 2,575 faults and 15.5 ms a step in one process and 125 faults
and 8.6 ms in another whose environment had one more variable.

:func:`keep_freed_memory` fixes both thresholds once, when the engine is imported:
blocks under ``MMAP_THRESHOLD`` come from the heap and are reused, and the heap keeps up
to ``TRIM_THRESHOLD`` of freed memory instead of returning it to the system. The
setting applies to the whole process. Set ``DLBOOK_KEEP_FREED_MEMORY=0`` before
importing dlbook to keep glibc's own behaviour; where the C library is not glibc,
nothing changes.
"""

from __future__ import annotations

import ctypes
import os

# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3

# 32 MiB is the ceiling glibc's own moving threshold never passes on 64-bit Linux;
# larger arrays (AlexNet conv1's columns) are kept by the layers' Workspace instead.
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 256 << 20


def keep_freed_memory(environ=os.environ):
    """Fix glibc's mmap and trim thresholds; ``True`` if both were set.

    ``False``, and nothing changed, when ``DLBOOK_KEEP_FREED_MEMORY`` is ``"0"`` or
    the C library is not glibc.

    Examples
    --------
    >>> keep_freed_memory({"DLBOOK_KEEP_FREED_MEMORY": "0"})
    False
    """
    if environ.get("DLBOOK_KEEP_FREED_MEMORY", "1") == "0":
        return False
    try:
        os.confstr("CS_GNU_LIBC_VERSION")      # raises where the C library is not glibc
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError, ValueError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    # The trim threshold only once the mmap threshold took (64-bit glibc accepts both).
    return (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
            and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)


# Whether the thresholds were fixed: the layers' Workspace keeps more arrays if not.
APPLIED = keep_freed_memory()
