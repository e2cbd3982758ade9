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
    """Build the optimizer registered under ``name``."""
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        valid = ", ".join(repr(key) for key in sorted(OPTIMIZERS))
        raise ValueError(f"Unknown optimizer {name!r}; valid optimizers are {valid}.") from None
    return cls(parameters, lr=learning_rate, **kwargs)
