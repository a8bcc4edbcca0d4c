"""Figures the pages draw more than once.  Needs matplotlib (the ``docs`` extra).

``import dlbook`` does not import this module, so NumPy stays the only runtime
dependency of the library itself.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from dlbook.diagnostics import shared_statistics
from dlbook.nn import BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm

#: The block the normalisation pictures show (N samples, C channels, H·W positions).
BLOCK = (4, 6, 1, 5)


def normalization_layers():
    """The four normalisations of notes Figs. 3–6, built for a :data:`BLOCK` input.

    Examples
    --------
    >>> from dlbook.plotting import normalization_layers
    >>> list(normalization_layers())
    ['Batch norm', 'Layer norm', 'Instance norm', 'Group norm (3 groups)']
    """
    _, c, h, w = BLOCK
    return {
        "Batch norm": BatchNorm2d(c, dtype=np.float64),
        "Layer norm": LayerNorm((c, h, w), dtype=np.float64),
        "Instance norm": InstanceNorm2d(c, dtype=np.float64),
        "Group norm (3 groups)": GroupNorm(3, c, dtype=np.float64),
    }


def draw_block(ax, mask, title, color="tab:orange"):
    """Draw an N × C × (H·W) block on a 3-D axis, the ``mask`` cells in ``color``."""
    n, c, hw = mask.shape
    # voxel axes: x = H*W positions, y = N samples, z = C channels (channel 0 on top)
    filled = np.ones((hw, n, c), dtype=bool)
    colors = np.empty(filled.shape, dtype=object)
    on = np.transpose(mask, (2, 0, 1))[:, :, ::-1]
    colors[on] = color
    colors[~on] = "#dde3ea"
    ax.voxels(filled, facecolors=colors, edgecolor="#4a4a4a", linewidth=0.4, alpha=0.95)
    ax.set_xlabel("H·W (positions)", labelpad=-8)
    ax.set_ylabel("N (samples)", labelpad=-8)
    ax.set_zlabel("C (channels)", labelpad=-8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_zticks([])
    ax.set_box_aspect((hw, n, c))
    ax.view_init(elev=22, azim=-60)
    ax.set_title(title, fontsize=11)


def normalization_blocks(names=None, ncols=4, size=3.4, index=(0, 2, 0, 2)):
    """One figure, one block per normalisation: the values that share ``x[index]``'s statistics.

    The highlighted cells are measured from the layers themselves with
    :func:`dlbook.diagnostics.shared_statistics`, not drawn by hand.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from dlbook.plotting import normalization_blocks
    >>> fig = normalization_blocks(["Batch norm", "Layer norm"])
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    n, c, h, w = BLOCK
    chosen = {k: v for k, v in normalization_layers().items() if names is None or k in names}
    nrows = -(-len(chosen) // ncols)
    fig = plt.figure(figsize=(size * min(ncols, len(chosen)), size * nrows))
    for i, (name, layer) in enumerate(chosen.items(), 1):
        ax = fig.add_subplot(nrows, min(ncols, len(chosen)), i, projection="3d")
        mask = shared_statistics(layer, BLOCK, index).reshape(n, c, h * w)
        draw_block(ax, mask, name)
    return fig
