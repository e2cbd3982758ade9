"""Validation of raw-text input at the public boundary.

Every public method that takes texts calls :func:`check_texts` first, so that a
bad argument fails here with a message naming the problem instead of deep
inside numpy or torch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Set

import numpy as np
from sklearn.utils import check_random_state

__all__ = [
    "MIN_TEMPERATURE",
    "check_ids_fit_in_memory",
    "check_random_state_argument",
    "check_texts",
    "is_token_id_array",
]


def check_path(path: object) -> None:
    """Raise TypeError unless ``path`` is a str or path-like object, ValueError if it is empty.

    Examples
    --------
    >>> from sklearn_textgan._validation import check_path
    >>> check_path("model.textgan")
    >>> check_path(None)
    Traceback (most recent call last):
    ...
    TypeError: path must be a str or path-like object, got NoneType.
    >>> check_path("")
    Traceback (most recent call last):
    ...
    ValueError: path is empty: give a file name.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like object, got {type(path).__name__}.")
    if not os.fspath(path):
        # An empty name would be taken for the working folder's parent by dirname(abspath()).
        raise ValueError("path is empty: give a file name.")


def is_token_id_array(X: object) -> bool:
    """Return True when ``X`` is a 2-D array of integer token ids."""
    return isinstance(X, np.ndarray) and X.ndim == 2 and np.issubdtype(X.dtype, np.integer)


# The lowest sampling temperature accepted. Below it 1 / temperature times a
# logit can leave float32's range, and sampling is greedy long before that.
MIN_TEMPERATURE = 1e-6


def check_texts(X: object, *, name: str = "X", allow_empty: bool = False) -> list[str]:
    """Check that ``X`` is a collection of str and return it as a list.

    Parameters
    ----------
    X : list, tuple, 1-D ndarray, pandas Series or iterable of str
        The texts. A bare ``str`` is rejected, because iterating over it would
        silently treat each character as a document.
    name : str, default="X"
        Name of the argument, used in error messages.
    allow_empty : bool, default=False
        Whether an empty collection is accepted.

    Returns
    -------
    texts : list of str

    Raises
    ------
    TypeError
        If ``X`` is a str, bytes, None, not iterable, a 2-D array, or holds an
        element that is not a str.
    ValueError
        If ``X`` is empty and ``allow_empty`` is False.

    Examples
    --------
    >>> from sklearn_textgan._validation import check_texts
    >>> check_texts(("a cat", "a dog"))
    ['a cat', 'a dog']
    """
    if X is None:
        raise TypeError(f"{name} must be a list of str, got None.")
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{name} must be a list of str, got a single {type(X).__name__}. "
            f"Wrap it in a list: [{name}]."
        )
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise TypeError(f"{name} must be a 1-D collection of str, got an array of shape {X.shape}.")
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) not in (1,) and not isinstance(X, np.ndarray):
        raise TypeError(f"{name} must be a 1-D collection of str, got {type(X).__name__}.")
    if not isinstance(X, Iterable):
        raise TypeError(f"{name} must be a list of str, got {type(X).__name__}.")
    if isinstance(X, Mapping | Set):
        # A dict iterates over its keys, a set in an order that changes between runs.
        raise TypeError(
            f"{name} must be an ordered collection of str such as a list, got {type(X).__name__}."
        )
    texts = list(X)
    if not texts and not allow_empty:
        raise ValueError(f"{name} is empty: at least one text is required.")
    for index, text in enumerate(texts):
        if isinstance(text, np.str_):
            continue
        if not isinstance(text, str):
            raise TypeError(
                f"{name} must contain only str; element {index} is "
                f"{type(text).__name__} ({text!r:.50})."
            )
    # np.str_ is a str subclass; plain str keeps pickles and JSON simple.
    return [str(text) for text in texts]


def check_random_state_argument(value: object) -> object:
    """Return ``random_state`` once it is known to seed numpy, or name it in the error."""
    try:
        check_random_state(value)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"random_state must be None, an int in [0, 2**32 - 1] or a RandomState, got {value!r}."
        ) from error
    return value


def physical_memory_bytes() -> int | None:
    """This machine's physical memory in bytes, or None where the system does not say."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):  # no sysconf (Windows), or no such name
        return None


# Training holds four float32 copies of every parameter: the weights, their
# gradients and the two moment estimates of Adam (or AdamW).
_BYTES_PER_TRAINED_PARAMETER = 4 * 4


def check_parameters_fit_in_memory(
    n_parameters: int, memory: int | None, *, what: str, where: str
) -> None:
    """Raise a ValueError when training ``n_parameters`` float32 parameters exceeds ``memory``.

    Such a model would otherwise fail inside PyTorch's allocator, naming
    bytes but not the setting that asked for them. ``memory`` None (unknown)
    checks nothing.

    Examples
    --------
    >>> from sklearn_textgan._validation import check_parameters_fit_in_memory
    >>> check_parameters_fit_in_memory(10**6, 2**34, what="the generator", where="the CPU")
    >>> check_parameters_fit_in_memory(10**10, 2**34, what="the generator", where="the CPU")
    Traceback (most recent call last):
    ...
    ValueError: the generator would have 10,000,000,000 parameters: training them needs 149 GiB ...
    """
    needed = int(n_parameters) * _BYTES_PER_TRAINED_PARAMETER
    if memory is not None and needed > memory:
        raise ValueError(
            f"{what} would have {n_parameters:,} parameters: training them needs "
            f"{needed / 2**30:,.0f} GiB (float32 weights, gradients and the optimizer's two "
            f"moments), more than the {memory / 2**30:,.0f} GiB of {where}. Choose smaller sizes."
        )


def check_ids_fit_in_memory(n_rows: int, width: int, *, what: str, advice: str) -> None:
    """Raise a ValueError when an int64 (n_rows, width) id array exceeds the machine's memory.

    Such a request would otherwise end in numpy's MemoryError, or in a
    sampling loop that runs until the memory is gone.

    Examples
    --------
    >>> from sklearn_textgan._validation import check_ids_fit_in_memory
    >>> check_ids_fit_in_memory(1000, 21, what="sample(1000)", advice="ask for fewer texts")
    >>> check_ids_fit_in_memory(10**12, 21, what="sample(10**12)", advice="ask for fewer texts")
    Traceback (most recent call last):
    ...
    ValueError: sample(10**12) needs 156,462 GiB of token ids ...
    """
    memory = physical_memory_bytes()
    needed = int(n_rows) * int(width) * np.dtype(np.int64).itemsize
    if memory is not None and needed > memory:
        raise ValueError(
            f"{what} needs {needed / 2**30:,.0f} GiB of token ids ({n_rows:,} rows of "
            f"{width:,} int64 ids), more than this machine's {memory / 2**30:,.0f} GiB of "
            f"memory: {advice}."
        )
