"""Training history: one record (a dict) per epoch, readable as a table."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["History", "progress_line"]

# Columns shown by verbose training, in order: (record key, label, format).
_PROGRESS_COLUMNS = (
    ("train_loss", "train_loss", ".4f"),
    ("generator_loss", "g_loss", ".4f"),
    ("discriminator_loss", "d_loss", ".4f"),
    ("d_real_accuracy", "d_acc_real", ".4f"),
    ("d_fake_accuracy", "d_acc_fake", ".4f"),
    ("temperature", "beta", ".4f"),
    ("valid_nll", "valid_nll", ".4f"),
    ("distinct_2", "distinct_2", ".3f"),
    ("mean_length", "length", ".1f"),
    ("learning_rate", "lr", ".2e"),
    ("skipped_steps", "skipped", "d"),
)
# Shown only when non-zero: a column of zeros on every line would be noise.
_SHOWN_WHEN_NONZERO = frozenset({"skipped_steps"})


def progress_line(record: dict, epochs: int) -> str:
    """One line of verbose output for an epoch record; absent or None values are left out.

    Examples
    --------
    >>> from sklearn_textgan.training import progress_line
    >>> record = {"phase": "mle", "epoch": 2, "train_loss": 3.25, "distinct_2": 0.5,
    ...           "skipped_steps": 0, "seconds": 1.5}
    >>> progress_line(record, 10)
    '[mle] epoch   2/10  train_loss 3.2500  distinct_2 0.500  1.5s'
    """
    parts = [f"[{record['phase']}] epoch {record['epoch']:>3}/{epochs}"]
    for key, label, spec in _PROGRESS_COLUMNS:
        value = record.get(key)
        if value is None or (key in _SHOWN_WHEN_NONZERO and not value):
            continue
        parts.append(f"{label} {value:{spec}}")
    parts.append(f"{record['seconds']:.1f}s")
    return "  ".join(parts)


class History(list):
    """A list of per-epoch records that also reads like a table.

    ``history[i]`` is the i-th record (a dict); ``history["train_loss"]`` and
    ``history[:, "train_loss"]`` are that column as a list, ``None`` where an
    epoch has no such value (for example a validation loss when there is no
    validation set).

    Examples
    --------
    >>> from sklearn_textgan.training import History
    >>> history = History(
    ...     [{"epoch": 1, "train_loss": 2.5}, {"epoch": 2, "train_loss": 1.25, "valid_nll": 1.5}]
    ... )
    >>> history["train_loss"]
    [2.5, 1.25]
    >>> history["valid_nll"]  # None where an epoch has no such value
    [None, 1.5]
    >>> history[1:, "epoch"]
    [2]
    >>> history.columns
    ['epoch', 'train_loss', 'valid_nll']
    >>> print(history)
    epoch  train_loss  valid_nll
        1      2.5000          -
        2      1.2500     1.5000
    """

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return [record.get(key) for record in self]
        if isinstance(key, tuple) and len(key) == 2 and isinstance(key[1], str):
            rows = list.__getitem__(self, key[0])
            rows = rows if isinstance(rows, list) else [rows]
            return [record.get(key[1]) for record in rows]
        return list.__getitem__(self, key)

    @property
    def columns(self) -> list[str]:
        """Keys that occur in any record, in order of first appearance."""
        seen: dict[str, None] = {}
        for record in self:
            seen.update(dict.fromkeys(record))
        return list(seen)

    def to_string(self) -> str:
        """Format the records as an aligned text table."""
        columns = self.columns
        cells = [[_format(record.get(column)) for column in columns] for record in self]
        widths = [
            max([len(column)] + [len(row[i]) for row in cells]) for i, column in enumerate(columns)
        ]
        lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
        lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"History({list.__repr__(self)})"

    def __str__(self) -> str:
        return self.to_string()


def _format(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isfinite(value) and value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
            return f"{value:.3e}"
        return f"{value:.4f}"
    return str(value)
