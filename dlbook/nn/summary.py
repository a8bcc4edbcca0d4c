"""``Module.summary``: a layer table computed by running the model once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SummaryRow:
    """One line of a summary: a module, its output shape and its parameter count."""

    name: str
    kind: str
    output_shape: tuple
    num_parameters: int


class Summary:
    """The rows of :meth:`dlbook.nn.Module.summary` and their total.

    ``str(summary)`` is a fixed-width table; ``summary.rows`` the data behind it.
    """

    def __init__(self, model_name, input_shape, rows, total):
        self.model_name = model_name
        self.input_shape = tuple(input_shape)
        self.rows = rows
        self.total_parameters = total

    def row(self, name):
        """Return the row named ``name`` (e.g. ``"inception3a"``)."""
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"no row named {name!r}; rows are {[r.name for r in self.rows]}")

    def __str__(self):
        header = ("layer", "type", "output shape", "parameters")
        body = [
            (r.name, r.kind, " x ".join(str(d) for d in r.output_shape), f"{r.num_parameters:,}")
            for r in self.rows
        ]
        widths = [max(len(str(c)) for c in col) for col in zip(header, *body)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths[:-1]) + f"  {{:>{widths[-1]}}}"
        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        lines = [f"{self.model_name}, input {' x '.join(map(str, self.input_shape))}", rule,
                 fmt.format(*header), rule]
        lines += [fmt.format(*row) for row in body]
        lines += [rule, f"total parameters: {self.total_parameters:,}"]
        return "\n".join(lines)

    def __repr__(self):
        return str(self)


def _shape_of(out):
    if isinstance(out, tuple):
        return tuple(o.shape[1:] for o in out)
    return tuple(out.shape[1:])


def summarize(model, input_shape, depth=1):
    """Run one zero sample in evaluation mode and record every module's output."""
    log = []
    listed = {}
    for name, m in model.named_modules():
        level = name.count(".") + 1 if name else 0
        if level == depth or (0 < level < depth and not m._modules):
            listed[id(m)] = name
    for m in model.modules():
        object.__setattr__(m, "_summary_log", log)
    was_training = model.training
    dtype = next((p.data.dtype for p in model.parameters()), np.float32)
    try:
        model.eval()
        model(np.zeros((1, *input_shape), dtype=dtype))
    finally:
        for m in model.modules():
            object.__setattr__(m, "_summary_log", None)
        model.train(was_training)
    rows, seen = [], set()
    for m, out in log:
        if id(m) in listed and id(m) not in seen:
            seen.add(id(m))
            rows.append(SummaryRow(listed[id(m)], type(m).__name__, _shape_of(out),
                                   m.num_parameters()))
    return Summary(type(model).__name__, input_shape, rows, model.num_parameters())
