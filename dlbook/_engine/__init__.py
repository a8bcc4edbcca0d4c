"""The engine: the fast convolution and pooling kernels the layers run by default.

Private.  Each function here computes exactly what a lesson function of
:mod:`dlbook.functional` computes (``tests/test_fast_paths.py`` proves it on a grid of
shapes); what differs is *how*, and the Performance page explains each trick:

- :mod:`~dlbook._engine.phases`: stride phases, shared by convolution and pooling;
- :mod:`~dlbook._engine.conv`: batch-last im2col/col2im, the 1x1 path, kept workspaces;
- :mod:`~dlbook._engine.pooling`: pooling over flat phase-split buffers;
- :mod:`~dlbook._engine.memory`: freed memory stays in the process (set on import).

Nothing here checks arguments: the layers in :mod:`dlbook.nn` do, once, before calling in.
"""

from dlbook._engine import memory  # noqa: F401 (importing it fixes the allocator's thresholds)
