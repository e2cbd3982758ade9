"""Checks of the arguments of the metrics, at the public boundary.

Every public metric calls these first, so that a wrong argument fails with a
message naming it instead of deep inside numpy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral, Real

import numpy as np

from .._tokenizer import text_lengths
from .._validation import MIN_TEMPERATURE, check_random_state_argument

__all__ = [
    "check_average",
    "check_n_samples",
    "check_random_state_argument",
    "check_same_token_kind",
    "check_order",
    "check_orders",
    "check_temperature",
    "check_token_lists",
    "id_rows_to_token_lists",
    "reject_single_text",
]


def reject_single_text(X: object, name: str) -> None:
    """Raise when ``X`` is one str or bytes: iterating over it would give characters."""
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{name} must be a list of texts, got a single {type(X).__name__}; "
            f"wrap it in a list: [{name}]."
        )


def id_rows_to_token_lists(ids: np.ndarray) -> list[list]:
    """Rows of ids in the TextTokenizer layout, each cut at its first end or padding id."""
    return [row[:length].tolist() for row, length in zip(ids, text_lengths(ids), strict=True)]


def check_token_lists(X: object, *, name: str, allow_empty: bool = False) -> list[list]:
    """Return ``X`` as a list of token lists.

    Parameters
    ----------
    X : iterable of str or of token sequences
        A str element is split on whitespace; any other element must be a
        list, tuple or 1-D array of hashable tokens (str, int). A 2-D array
        is read row by row; a 2-D integer array is read as token ids in the
        layout of :meth:`~sklearn_textgan.TextTokenizer.transform` (what
        ``TextGAN.sample`` returns), each row cut at its first end or padding
        id.
    name : str
        Name of the argument, for error messages.
    allow_empty : bool, default=False
        Whether an empty collection is accepted.

    Returns
    -------
    token_lists : list of list
    """
    if X is None:
        raise TypeError(f"{name} must be a list of str or of token lists, got None.")
    reject_single_text(X, name)
    if isinstance(X, np.ndarray):
        if X.ndim not in (1, 2):
            raise TypeError(f"{name} must be 1-D (texts) or 2-D (token rows), got shape {X.shape}.")
        if X.ndim == 2 and np.issubdtype(X.dtype, np.integer):
            # Rows of ids as the estimator writes them: the end and padding ids are not text.
            return _non_empty(id_rows_to_token_lists(X), name, allow_empty)
        X = X.tolist()
    if not isinstance(X, Iterable):
        raise TypeError(f"{name} must be a list of str or of token lists, got {type(X).__name__}.")
    token_lists = []
    for index, item in enumerate(X):
        if isinstance(item, str):
            token_lists.append(item.split())
        elif isinstance(item, (list, tuple)):
            token_lists.append(list(item))
        elif isinstance(item, np.ndarray) and item.ndim == 1:
            token_lists.append(item.tolist())
        else:
            raise TypeError(
                f"{name} must contain str or token lists; element {index} is "
                f"{type(item).__name__} ({item!r:.50})."
            )
    return _non_empty(token_lists, name, allow_empty)


def _non_empty(token_lists: list[list], name: str, allow_empty: bool) -> list[list]:
    if not token_lists and not allow_empty:
        raise ValueError(f"{name} is empty: at least one text is required.")
    return token_lists


# Orders above this are refused: the work and memory grow with the order,
# and past the longest text every order only adds the smoothing constant.
MAX_ORDER = 100


def check_same_token_kind(
    hypotheses: list[list],
    references: list[list],
    *,
    names: tuple[str, str] = ("hypotheses", "references"),
) -> None:
    """Refuse word tokens on one side and id tokens on the other: nothing would ever match."""

    def kind(token_lists: list[list]) -> type | None:
        first = next((tokens[0] for tokens in token_lists if tokens), None)
        if isinstance(first, str):
            return str
        return int if isinstance(first, Integral | np.integer) else None

    kinds = kind(hypotheses), kind(references)
    if None not in kinds and kinds[0] is not kinds[1]:
        raise TypeError(
            f"{names[0]} hold {kinds[0].__name__} tokens and {names[1]} "
            f"{kinds[1].__name__} tokens: give both as text or both as token ids."
        )


def check_order(value: object, *, name: str = "max_n") -> int:
    """Return an n-gram order (an int from 1 to ``MAX_ORDER``)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}.")
    if not 1 <= value <= MAX_ORDER:
        raise ValueError(f"{name} must be from 1 to {MAX_ORDER}, got {value}.")
    return int(value)


def check_orders(value: object, *, name: str = "max_n") -> tuple[int, ...]:
    """Return a non-empty tuple of distinct n-gram orders, in the given order."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence | np.ndarray):
        raise TypeError(
            f"{name} must be a sequence of int such as (2, 3, 4, 5), got {type(value).__name__}."
        )
    orders = tuple(check_order(order, name=name) for order in value)
    if not orders:
        raise ValueError(f"{name} is empty: give at least one n-gram order.")
    if len(set(orders)) != len(orders):
        raise ValueError(f"{name} holds an order twice: {orders}.")
    return orders


def check_average(value: object) -> bool:
    """Return the ``average`` flag (a bool: a str such as "no" would read as true)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"average must be True or False, got {value!r}.")
    return bool(value)


def check_n_samples(value: object) -> int:
    """Return a number of samples (an int of at least 1)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"n_samples must be an int, got {type(value).__name__}.")
    if value < 1:
        raise ValueError(f"n_samples must be at least 1, got {value}.")
    return int(value)


def check_temperature(value: object, *, name: str = "temperature") -> float:
    """Return a sampling temperature (a finite float of at least ``MIN_TEMPERATURE``)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a float, got {type(value).__name__}.")
    if not (np.isfinite(value) and value >= MIN_TEMPERATURE):
        raise ValueError(
            f"{name} must be a finite number of at least {MIN_TEMPERATURE:g} (lower ones all "
            f"draw the most likely token), got {value}."
        )
    return float(value)
