"""Complete networks: an MLP for the Part 1 experiments, LeNet-5, AlexNet and GoogLeNet."""

from dlbook.models.mlp import MLP

__all__ = ["MLP"]
