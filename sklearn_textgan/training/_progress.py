"""Verbose progress: a bar per training phase with tqdm, else one line per epoch."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, Any

from ._history import progress_line

__all__ = ["EpochProgress"]

# Shown beside a bar, in this order, when an epoch's record has them.
_BAR_FIELDS = (
    ("train_loss", "loss"),
    ("generator_loss", "g"),
    ("discriminator_loss", "d"),
    ("valid_nll", "valid"),
    ("distinct_2", "dist2"),
)


def _tqdm() -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is an optional extra
        return None
    return tqdm


class EpochProgress:
    """Where the training loops report each finished epoch.

    Parameters
    ----------
    verbose : int
        0 is silent. 1 shows a progress bar per phase (maximum likelihood,
        discriminator pretraining, adversarial) with the latest losses when
        ``tqdm`` is installed, and one line per epoch otherwise. 2 or more
        always prints one line per epoch (handy in log files).
    log : callable, default=print
        Where lines go.
    stream : file-like, default=sys.stderr
        Where bars are drawn.

    Examples
    --------
    >>> from sklearn_textgan.training import EpochProgress
    >>> progress = EpochProgress(verbose=2)
    >>> progress({"phase": "mle", "epoch": 1, "train_loss": 4.2, "seconds": 0.5}, 3)
    [mle] epoch   1/3  train_loss 4.2000  0.5s
    >>> progress.close()
    """

    def __init__(
        self,
        verbose: int,
        log: Callable[[str], None] = print,
        stream: IO[str] | None = None,
    ) -> None:
        self.verbose = verbose
        self.log = log
        self.stream = stream
        self._tqdm = _tqdm() if verbose == 1 else None
        self._bar = None
        self._phase = None

    def __call__(self, record: dict, epochs: int) -> None:
        """Report the finished epoch ``record`` of a phase of ``epochs`` epochs."""
        if not self.verbose:
            return
        if self._tqdm is None:
            self.log(progress_line(record, epochs))
            return
        if self._bar is None or record["phase"] != self._phase:
            self.close()
            self._phase = record["phase"]
            self._bar = self._tqdm(
                total=epochs,
                desc=self._phase,
                unit="epoch",
                file=self.stream or sys.stderr,
                leave=True,
            )
        shown = {
            label: f"{record[key]:.4g}"
            for key, label in _BAR_FIELDS
            if isinstance(record.get(key), float | int)
        }
        self._bar.set_postfix(shown, refresh=False)
        self._bar.update(1)

    def message(self, text: str) -> None:
        """A line that is not an epoch (e.g. early stopping), printed above any bar."""
        if not self.verbose:
            return
        if self._bar is not None:
            self._bar.write(text, file=self.stream or sys.stderr)
        else:
            self.log(text)

    def close(self) -> None:
        """Close the current bar, if any (a finished or interrupted phase)."""
        if self._bar is not None:
            self._bar.close()
        self._bar = None
        self._phase = None
