"""Turning a ``random_state`` argument into a numpy Generator."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_generator", "check_n_samples"]


def check_generator(
    random_state: None | int | np.random.Generator | np.random.RandomState,
) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``random_state``.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        None gives fresh operating-system entropy; an int seeds a new
        generator; a Generator is used as it is (and advanced); a legacy
        RandomState is advanced by one draw, which seeds a new generator.

    Returns
    -------
    generator : numpy.random.Generator

    Examples
    --------
    >>> from sklearn_textgan.datasets._random import check_generator
    >>> int(check_generator(0).integers(100)) == int(check_generator(0).integers(100))
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(int(random_state.randint(0, 2**31 - 1)))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative int, got {random_state}.")
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "random_state must be None, an int, a numpy.random.Generator or a "
        f"numpy.random.RandomState, got {type(random_state).__name__}."
    )


def check_n_samples(n_samples: object) -> int:
    """Return ``n_samples`` as an int after checking that it is a count."""
    if not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}.")
    if n_samples < 0:
        raise ValueError(f"n_samples must be non-negative, got {n_samples}.")
    return int(n_samples)
