"""Registry of training algorithms ("mle", and the adversarial ones).

Adding an algorithm means writing one strategy class and decorating it with
``@register_algorithm("name")``; the estimator only ever looks names up here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._base import Algorithm

__all__ = ["ALGORITHMS", "get_algorithm", "register_algorithm"]

ALGORITHMS: dict[str, type[Algorithm]] = {}


def register_algorithm(name: str):
    """Class decorator that registers a training strategy under ``name``.

    Examples
    --------
    >>> from sklearn_textgan.training import (
    ...     ALGORITHMS, Algorithm, get_algorithm, register_algorithm,
    ... )
    >>> @register_algorithm("untrained")
    ... class Untrained(Algorithm):  # keeps the generator as initialised
    ...     def fit(self, state):
    ...         pass
    >>> get_algorithm("untrained") is Untrained, Untrained.name
    (True, 'untrained')
    >>> register_algorithm("untrained")(Untrained)
    Traceback (most recent call last):
        ...
    ValueError: An algorithm named 'untrained' is already registered.
    >>> del ALGORITHMS["untrained"]  # leave the registry as it was
    """

    def decorator(cls: type[Algorithm]) -> type[Algorithm]:
        if name in ALGORITHMS:
            raise ValueError(f"An algorithm named {name!r} is already registered.")
        cls.name = name
        ALGORITHMS[name] = cls
        return cls

    return decorator


def get_algorithm(name: str) -> type[Algorithm]:
    """Return the strategy class registered under ``name``.

    Examples
    --------
    >>> from sklearn_textgan.training import TrainingConfig, get_algorithm
    >>> strategy = get_algorithm("seqgan")(TrainingConfig())
    >>> type(strategy).__name__, strategy.default_discriminator
    ('SeqGAN', 'cnn')
    >>> get_algorithm("gan")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: Unknown algorithm 'gan'; valid algorithms are 'dense', 'maligan', 'mle', ...
    """
    try:
        return ALGORITHMS[name]
    except KeyError:
        valid = ", ".join(repr(key) for key in sorted(ALGORITHMS))
        raise ValueError(f"Unknown algorithm {name!r}; valid algorithms are {valid}.") from None
