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
    """Class decorator that registers a training strategy under ``name``."""

    def decorator(cls: type[Algorithm]) -> type[Algorithm]:
        if name in ALGORITHMS:
            raise ValueError(f"An algorithm named {name!r} is already registered.")
        cls.name = name
        ALGORITHMS[name] = cls
        return cls

    return decorator


def get_algorithm(name: str) -> type[Algorithm]:
    """Return the strategy class registered under ``name``."""
    try:
        return ALGORITHMS[name]
    except KeyError:
        valid = ", ".join(repr(key) for key in sorted(ALGORITHMS))
        raise ValueError(f"Unknown algorithm {name!r}; valid algorithms are {valid}.") from None
