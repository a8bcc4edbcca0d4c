"""Block pictures of the normalisation layers (notes Figs. 3-6), drawn from the layers.

The highlighted cells are not drawn by hand: they are the values whose output changes
when one input value changes, i.e. the values that share that value's mean and
variance in the layer's own forward pass.
"""

import matplotlib.pyplot as plt
import numpy as np

from dlbook.nn import BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm

N, C, H, W = 4, 6, 1, 5          # H * W = 5 positions, drawn along one axis


def layers():
    """The four layers of the comparison, built for an (N, C, H, W) input."""
    return {
        "Batch norm": BatchNorm2d(C, dtype=np.float64),
        "Layer norm": LayerNorm((C, H, W), dtype=np.float64),
        "Instance norm": InstanceNorm2d(C, dtype=np.float64),
        "Group norm (3 groups)": GroupNorm(3, C, dtype=np.float64),
    }


def shared_statistics(layer, index=(0, 2, 0, 2)):
    """Boolean (N, C, H*W) mask of the values normalised together with ``x[index]``."""
    x = np.random.default_rng(0).standard_normal((N, C, H, W))
    bumped = x.copy()
    bumped[index] += 1.0
    changed = np.abs(layer(bumped) - layer(x)) > 1e-12
    return changed.reshape(N, C, H * W)


def draw_block(ax, mask, title, color="tab:orange"):
    """Draw the N x C x (H*W) block on a 3-D axis, ``mask`` cells in ``color``."""
    # voxel axes: x = H*W positions, y = N samples, z = C channels (channel 0 on top)
    filled = np.ones((H * W, N, C), dtype=bool)
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
    ax.set_box_aspect((H * W, N, C))
    ax.view_init(elev=22, azim=-60)
    ax.set_title(title, fontsize=11)


def compare(names=None, ncols=4, size=3.4, index=(0, 2, 0, 2)):
    """One figure, one block per normalisation, all drawn by :func:`draw_block`."""
    chosen = {k: v for k, v in layers().items() if names is None or k in names}
    nrows = -(-len(chosen) // ncols)
    fig = plt.figure(figsize=(size * min(ncols, len(chosen)), size * nrows))
    for i, (name, layer) in enumerate(chosen.items(), 1):
        ax = fig.add_subplot(nrows, min(ncols, len(chosen)), i, projection="3d")
        draw_block(ax, shared_statistics(layer, index), name)
    return fig
