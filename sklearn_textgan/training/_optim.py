"""Optimizers by name."""

from __future__ import annotations

from collections.abc import Iterable

import torch

__all__ = ["OPTIMIZERS", "make_optimizer"]

OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
}


def make_optimizer(
    name: str, parameters: Iterable[torch.nn.Parameter], learning_rate: float, **kwargs
) -> torch.optim.Optimizer:
    """Build the optimizer registered under ``name``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.training import make_optimizer
    >>> layer = torch.nn.Linear(2, 1)
    >>> optimizer = make_optimizer("adamw", layer.parameters(), 0.01, weight_decay=0.1)
    >>> group = optimizer.param_groups[0]
    >>> type(optimizer).__name__, group["lr"], group["weight_decay"]
    ('AdamW', 0.01, 0.1)
    >>> make_optimizer("sgd", layer.parameters(), 0.01)
    Traceback (most recent call last):
        ...
    ValueError: Unknown optimizer 'sgd'; valid optimizers are 'adam', 'adamw'.
    """
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        valid = ", ".join(repr(key) for key in sorted(OPTIMIZERS))
        raise ValueError(f"Unknown optimizer {name!r}; valid optimizers are {valid}.") from None
    return cls(parameters, lr=learning_rate, **kwargs)
