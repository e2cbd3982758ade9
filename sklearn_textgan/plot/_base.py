"""What the plotting functions share: the lazy matplotlib import and input checks."""

from __future__ import annotations

from typing import Any

__all__ = ["new_axes", "pyplot"]


def pyplot(caller: str) -> Any:
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            f"{caller} needs matplotlib, an optional dependency: "
            'pip install matplotlib (or pip install "sklearn-textgan[plot]").'
        ) from error
    return plt


def new_axes(caller: str, nrows: int = 1, **kwargs: Any) -> Any:
    """A new figure with ``nrows`` stacked axes sharing their x axis; returns the axes."""
    plt = pyplot(caller)
    # Constrained layout keeps labels, legends and phase names inside the figure.
    _, axes = plt.subplots(
        nrows, 1, sharex=nrows > 1, squeeze=False, layout="constrained", **kwargs
    )
    return axes[:, 0]
