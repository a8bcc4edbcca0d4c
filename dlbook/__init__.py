"""dlbook: the NumPy library behind the book.

Subpackages: :mod:`dlbook.functional`, :mod:`dlbook.nn`, :mod:`dlbook.init`,
:mod:`dlbook.optim`, :mod:`dlbook.gradcheck`, :mod:`dlbook.data`,
:mod:`dlbook.train`, :mod:`dlbook.models`, :mod:`dlbook.serialization`
(``dlbook.save`` and ``dlbook.load``).
"""

from dlbook import data, diagnostics, functional, gradcheck, init, models, nn, optim, regularization, train
from dlbook.serialization import load, save

__version__ = "0.1.0"
__all__ = ["data", "diagnostics", "functional", "gradcheck", "init", "models", "nn", "optim", "regularization", "train", "save", "load", "serialization", "__version__"]
