"""Validation and encoding of the class labels of a style-conditioned fit."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

__all__ = ["check_training_labels", "encode_labels"]

_MIXED_TYPES = (
    "The labels in y cannot be sorted (mixed types such as str and int?): use labels of one type."
)


def check_training_labels(y, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """``classes_`` (sorted, as ``LabelEncoder`` gives them) and the class index of each text.

    Raises ValueError for labels that are not one class per text (continuous,
    multi-output, wrong length, fewer than two classes).
    """
    if isinstance(y, str):
        raise ValueError("y must hold one label per text, got a single str.")
    if not hasattr(y, "__len__") and hasattr(y, "__iter__"):
        y = list(y)  # a generator or other one-pass iterable of labels
    try:
        values = np.asarray(y, dtype=object if _has_mixed_types(y) else None)
    except ValueError:  # numpy's "inhomogeneous shape": nested lists of several lengths
        raise ValueError(
            "y must hold one label per text (a 1-D array-like of str or int), got nested "
            "sequences of different lengths."
        ) from None
    if values.ndim != 1:
        raise ValueError(
            f"y must hold one label per text (a 1-D array-like of str or int), got shape "
            f"{values.shape}."
        )
    y = column_or_1d(values)
    if len(y) != n_samples:
        raise ValueError(
            f"y has {len(y)} labels but X has {n_samples} texts: give one label per text."
        )
    missing = [index for index, label in enumerate(y.tolist()) if _is_missing(label)]
    if missing:
        raise ValueError(
            f"y has missing labels (None or NaN), first at position {missing[0]}: "
            "give every text a class, or drop the unlabelled texts."
        )
    if len(y) == 0:
        raise ValueError("y is empty: give one label per text.")
    # Before scikit-learn's check, which takes str mixed with int for continuous values.
    if y.dtype == object and len({isinstance(label, str) for label in y.tolist()}) > 1:
        raise ValueError(_MIXED_TYPES)
    try:
        check_classification_targets(y)
    except TypeError:
        pass  # unsortable labels, named below
    except ValueError:
        raise ValueError(
            f"y holds continuous values such as {y[:1].tolist()[0]!r}: labels name classes "
            "(str or int); a style-conditioned model cannot learn from a number that varies "
            "continuously."
        ) from None
    try:
        classes, encoded = np.unique(y, return_inverse=True)
    except TypeError:
        raise ValueError(_MIXED_TYPES) from None
    if len(classes) < 2:
        raise ValueError(
            f"y has a single class ({classes[0]!r}): a style-conditioned model needs at "
            "least two; fit with y=None for an unconditional model."
        )
    return classes, encoded.astype(np.int64).reshape(-1)


def _is_missing(label: object) -> bool:
    return label is None or (isinstance(label, float) and label != label)  # NaN != NaN


def encode_labels(y, classes: np.ndarray, n_samples: int, *, allow_scalar: bool) -> np.ndarray:
    """The class index (n_samples,) of each label in ``y``; unknown labels are a ValueError.

    With ``allow_scalar``, one label (str, int, ...) stands for all ``n_samples``.
    """
    values = np.asarray(y, dtype=object if _has_mixed_types(y) else None)
    if values.ndim == 0:
        if not isinstance(values.item(), Hashable):
            raise TypeError(
                f"y must be a label or a list of labels, got {type(values.item()).__name__}."
            )
        if not allow_scalar:
            raise ValueError("y must be a 1-D array of labels, one per text, got a single label.")
        values = np.full(n_samples, values.item(), dtype=values.dtype)
    if values.ndim != 1:
        raise ValueError(f"y must be a single label or a 1-D array, got shape {values.shape}.")
    if len(values) != n_samples:
        raise ValueError(f"y has {len(values)} labels but {n_samples} are needed, one per text.")
    index = np.searchsorted(classes, values) if _comparable(values, classes) else None
    if index is not None:
        index = np.minimum(index, len(classes) - 1)
        known = classes[index] == values
    if index is None or not np.all(known):
        unknown = (
            list(dict.fromkeys(values.tolist()))
            if index is None
            else list(dict.fromkeys(values[~known].tolist()))
        )
        raise ValueError(
            f"Unknown label(s) {unknown[:5]!r}: this model knows the classes "
            f"{classes.tolist()!r} (classes_)."
        )
    return index.astype(np.int64)


def _has_mixed_types(y) -> bool:
    """Whether a list mixes str and other labels (numpy would silently make them all str)."""
    if isinstance(y, (list, tuple)) and y:
        kinds = {isinstance(value, str) for value in y}
        return len(kinds) > 1
    return False


def _comparable(values: np.ndarray, classes: np.ndarray) -> bool:
    """Whether ``values`` can be looked up in ``classes`` (a str label among ints cannot)."""
    is_text = [
        np.issubdtype(array.dtype, np.str_)
        or (array.dtype == object and all(isinstance(v, str) for v in array.tolist()))
        for array in (values, classes)
    ]
    if is_text[0] != is_text[1]:
        return False
    try:
        np.searchsorted(classes, values[:1])
    except TypeError:
        return False
    return True
