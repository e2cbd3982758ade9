"""Registries of generator and discriminator architectures.

Callers look names up here instead of branching on them. Each architecture
takes the keyword arguments it needs from a shared pool (vocabulary size,
widths, depth, dropout, ...), so the estimator can pass one set of settings
to whichever architecture the user named.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import torch
from torch import nn

from ._discriminators import CNNDiscriminator, LSTMDiscriminator, TransformerDiscriminator
from ._lstm import LSTMGenerator
from ._relational import RelationalMemoryGenerator
from ._transformer import TransformerGenerator

__all__ = [
    "DISCRIMINATORS",
    "GENERATORS",
    "accepted_arguments",
    "build_discriminator",
    "build_generator",
    "count_parameters",
]

GENERATORS: dict[str, Callable[..., nn.Module]] = {
    "lstm": LSTMGenerator,
    "rmc": RelationalMemoryGenerator,
    "transformer": TransformerGenerator,
}

DISCRIMINATORS: dict[str, Callable[..., nn.Module]] = {
    "cnn": CNNDiscriminator,
    "lstm": LSTMDiscriminator,
    "transformer": TransformerDiscriminator,
}


def accepted_arguments(factory: Callable[..., nn.Module], settings: dict) -> dict:
    """The subset of ``settings`` that ``factory`` takes as keyword arguments.

    Examples
    --------
    >>> from sklearn_textgan.models import LSTMGenerator, accepted_arguments
    >>> accepted_arguments(LSTMGenerator, {"vocab_size": 10, "hidden_dim": 8, "mem_slots": 2})
    {'vocab_size': 10, 'hidden_dim': 8}
    """
    parameters = inspect.signature(factory).parameters
    return {key: value for key, value in settings.items() if key in parameters}


def _build(kind: str, registry: dict, name: str, settings: dict) -> nn.Module:
    try:
        factory = registry[name]
    except KeyError:
        valid = ", ".join(repr(key) for key in sorted(registry))
        raise ValueError(f"Unknown {kind} {name!r}; valid {kind}s are {valid}.") from None
    # PyTorch's layers draw their initial weights from the global random number
    # generator; building them inside fork_rng leaves the caller's global state
    # as it was. Callers then initialise the weights from their own generator
    # (init_parameters) or load a state dict.
    with torch.random.fork_rng(devices=[]):
        return factory(**accepted_arguments(factory, settings))


def build_generator(name: str, **settings) -> nn.Module:
    """Build the generator registered under ``name`` from the ``settings`` it accepts.

    Examples
    --------
    Settings the architecture does not take (``mem_slots`` for an LSTM) are
    ignored, so one set of settings serves every architecture:

    >>> from sklearn_textgan.models import build_generator
    >>> generator = build_generator("lstm", vocab_size=10, hidden_dim=8, mem_slots=2)
    >>> type(generator).__name__, generator.hidden_dim
    ('LSTMGenerator', 8)
    """
    return _build("generator", GENERATORS, name, settings)


def build_discriminator(name: str, **settings) -> nn.Module:
    """Build the discriminator registered under ``name`` from the ``settings`` it accepts.

    A ``discriminator_embedding_dim`` setting, when not None, replaces
    ``embedding_dim`` for the discriminator (RelGAN's is wider than its
    generator's); a ``discriminator_dropout`` setting, when not None, replaces
    ``dropout`` (the published CNN discriminators drop a quarter of their
    features, their generators nothing).

    Examples
    --------
    >>> from sklearn_textgan.models import build_discriminator
    >>> discriminator = build_discriminator(
    ...     "cnn", vocab_size=10, embedding_dim=4, discriminator_embedding_dim=8,
    ...     max_length=5, filter_sizes=(2,), num_filters=(3,),
    ... )
    >>> discriminator.embedding.weight.shape  # (representations, vocabulary, width)
    torch.Size([1, 10, 8])
    """
    replaced = []
    for own, shared in (
        ("discriminator_embedding_dim", "embedding_dim"),
        ("discriminator_dropout", "dropout"),
    ):
        value = settings.pop(own, None)
        if value is not None:
            settings[shared] = value
            replaced.append((own, shared))
    try:
        return _build("discriminator", DISCRIMINATORS, name, settings)
    except ValueError as error:
        # The module checks its own argument names; the user set the discriminator's.
        message = str(error)
        for own, shared in replaced:
            message = re.sub(rf"\b{shared}\b", own, message)
        if message == str(error):
            raise
        raise ValueError(message) from None


def count_parameters(build: Callable[..., nn.Module], name: str, **settings) -> int:
    """Number of parameters ``build(name, **settings)`` would have, allocating none.

    The module is built on PyTorch's meta device (shapes without memory). A
    deep stack is counted from one and two layers: every layer past the
    first has the same size, so ``num_layers=10**8`` is counted at once
    rather than built layer by layer.

    Examples
    --------
    >>> from sklearn_textgan.models import build_generator, count_parameters
    >>> settings = dict(vocab_size=10, embedding_dim=4, hidden_dim=8)
    >>> count_parameters(build_generator, "lstm", **settings) == sum(
    ...     p.numel() for p in build_generator("lstm", **settings).parameters()
    ... )
    True
    >>> count_parameters(build_generator, "lstm", **settings, num_layers=10**9)
    576000000002
    """

    def counted(**changes) -> int:
        with torch.device("meta"):
            module = build(name, **{**settings, **changes})
        return sum(parameter.numel() for parameter in module.parameters())

    depth = settings.get("num_layers", 1)
    if depth <= 2:
        return counted()
    one, two = counted(num_layers=1), counted(num_layers=2)
    return one + (depth - 1) * (two - one)
