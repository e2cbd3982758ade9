"""Registry of generator architectures, so that callers look names up instead of branching."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ._lstm import LSTMGenerator

__all__ = ["GENERATORS", "build_generator"]

GENERATORS: dict[str, Callable[..., nn.Module]] = {
    "lstm": LSTMGenerator,
}


def build_generator(name: str, **kwargs) -> nn.Module:
    """Build the generator registered under ``name`` with ``kwargs``.

    PyTorch's layers draw their initial weights from the global random number
    generator; building them inside ``fork_rng`` leaves the caller's global
    state as it was. Callers then initialise the weights from their own
    generator (:func:`init_parameters`) or load a state dict.
    """
    try:
        factory = GENERATORS[name]
    except KeyError:
        valid = ", ".join(repr(key) for key in sorted(GENERATORS))
        raise ValueError(f"Unknown generator {name!r}; valid generators are {valid}.") from None
    with torch.random.fork_rng(devices=[]):
        return factory(**kwargs)
