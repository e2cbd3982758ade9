"""Randomness that goes through an explicit ``torch.Generator``.

PyTorch's built-in dropout and parameter initialisers draw from the global
random number generator, which would make two estimators fitted in the same
process depend on each other. These helpers take the generator explicitly.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["SeededDropout", "init_parameters", "set_random_generator"]


class SeededDropout(nn.Module):
    """Inverted dropout whose mask is drawn from ``self.generator``.

    The generator is not part of the state dict; the training code assigns it
    with :func:`set_random_generator` before training. Without one, the global
    generator is used, as :class:`torch.nn.Dropout` does.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import SeededDropout
    >>> def dropped(seed):
    ...     dropout = SeededDropout(0.5)
    ...     dropout.generator = torch.Generator().manual_seed(seed)
    ...     return dropout(torch.ones(1000))
    >>> sorted(set(dropped(0).tolist()))  # dropped, or scaled by 1 / (1 - p)
    [0.0, 2.0]
    >>> torch.equal(dropped(0), dropped(0))  # the same seed, the same mask
    True
    >>> SeededDropout(0.5).eval()(torch.ones(3))  # the identity outside training
    tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.0) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {p}.")
        self.p = float(p)
        self.generator: torch.Generator | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = torch.empty_like(x).bernoulli_(1.0 - self.p, generator=self.generator)
        return x * keep / (1.0 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def set_random_generator(module: nn.Module, generator: torch.Generator | None) -> None:
    """Give every random submodule of ``module`` the same ``generator``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator, set_random_generator
    >>> module = LSTMGenerator(vocab_size=10, dropout=0.1)
    >>> generator = torch.Generator().manual_seed(0)
    >>> set_random_generator(module, generator)
    >>> module.dropout.generator is generator
    True
    """
    for submodule in module.modules():
        if hasattr(submodule, "generator") and not isinstance(submodule, torch.Generator):
            submodule.generator = generator


def init_parameters(module: nn.Module, generator: torch.Generator) -> None:
    """Initialise all parameters of ``module`` reproducibly from ``generator``.

    Matrices get PyTorch's default recurrent/linear scheme, uniform in
    ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]``; embeddings and other vectors get the
    same bound from their last dimension; biases start at zero; normalisation
    layers start as the identity (scale 1, shift 0). A submodule whose
    parameters start from another distribution defines
    ``init_random_parameters(generator)``, and one that needs fixed values
    ``reset_special_parameters()``; both are called after the default scheme.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator, init_parameters
    >>> first, second = LSTMGenerator(vocab_size=10), LSTMGenerator(vocab_size=10)
    >>> init_parameters(first, torch.Generator().manual_seed(0))
    >>> init_parameters(second, torch.Generator().manual_seed(0))
    >>> all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters()))
    True
    >>> bool((first.output.bias == 0).all())  # biases start at zero
    True
    """
    with torch.no_grad():
        for submodule in module.modules():
            is_norm = isinstance(
                submodule, (nn.LayerNorm, nn.GroupNorm, nn.modules.batchnorm._NormBase)
            )
            for name, parameter in submodule.named_parameters(recurse=False):
                if is_norm:
                    parameter.fill_(1.0 if name == "weight" else 0.0)
                elif name.startswith("bias"):
                    parameter.zero_()
                else:
                    fan_in = parameter.shape[-1] if parameter.dim() > 1 else parameter.shape[0]
                    bound = 1.0 / math.sqrt(max(1, fan_in))
                    parameter.uniform_(-bound, bound, generator=generator)
        for submodule in module.modules():
            draw = getattr(submodule, "init_random_parameters", None)
            if callable(draw):
                draw(generator)
        for submodule in module.modules():
            reset = getattr(submodule, "reset_special_parameters", None)
            if callable(reset):
                reset()
