"""Divergence guard: a non-finite loss or gradient never reaches the weights.

Every optimizer step of every training loop goes through
:meth:`DivergenceGuard.step`. A step whose loss or gradient norm is not
finite is skipped (and counted). A run of skipped steps means the weights or
the learning rate are bad, not the batch: the guard then restores the last
good weights and optimizer state and lowers the learning rate. If that does
not help either, it raises :class:`TrainingDivergedError`, leaving the last
good weights in the module.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["DivergenceGuard", "TrainingDivergedError"]

# Consecutive skipped steps that count as divergence (one bad batch is noise;
# three in a row means the weights or the learning rate are the problem).
SKIPS_BEFORE_RESTORE = 3
# Restores, each followed by a lower learning rate, before giving up.
MAX_RESTORES = 3
# Factor applied to the learning rate at each restore: a rate that diverges is
# usually wrong by an order of magnitude, not by a factor of two.
LEARNING_RATE_FACTOR = 0.1


class TrainingDivergedError(RuntimeError):
    """Training kept producing non-finite losses or gradients and was stopped.

    The module it names holds the last good weights (those of the last epoch
    without a skipped step), so a fitted estimator stays usable.

    Attributes
    ----------
    module : str
        What diverged: ``"generator"`` or ``"discriminator"``.
    phase : str
        The training phase, e.g. ``"maximum-likelihood training"``.
    cause : str
        What was not finite at the last skipped step: ``"loss"`` or ``"gradient"``.

    Examples
    --------
    A :class:`DivergenceGuard` raises it when the loss stays non-finite even
    after restoring the last good weights and lowering the learning rate:

    >>> import torch
    >>> from sklearn_textgan.training import DivergenceGuard, TrainingDivergedError
    >>> layer = torch.nn.Linear(2, 1)
    >>> optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    >>> guard = DivergenceGuard("generator", "demo training", layer, optimizer, clip_norm=1.0)
    >>> try:
    ...     for _ in range(100):
    ...         _ = guard.step(torch.tensor(float("nan"), requires_grad=True))
    ... except TrainingDivergedError as error:
    ...     print(error.module, "|", error.phase, "|", error.cause)
    generator | demo training | loss
    >>> issubclass(TrainingDivergedError, RuntimeError)
    True
    """

    def __init__(self, message: str, *, module: str, phase: str, cause: str) -> None:
        super().__init__(message)
        self.module = module
        self.phase = phase
        self.cause = cause


class DivergenceGuard:
    """Optimizer steps that skip non-finite updates and recover from divergence.

    Parameters
    ----------
    name : str
        What is trained (``"generator"`` or ``"discriminator"``), for messages.
    phase : str
        The training phase, for messages.
    module : torch.nn.Module
        The module whose parameters ``optimizer`` updates.
    optimizer : torch.optim.Optimizer
        Its optimizer.
    clip_norm : float or None
        Largest gradient norm, or None for no clipping.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.training import DivergenceGuard
    >>> layer = torch.nn.Linear(2, 1)
    >>> optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    >>> guard = DivergenceGuard("model", "demo", layer, optimizer, clip_norm=1.0)
    >>> guard.step(layer(torch.ones(1, 2)).sum())
    True
    >>> guard.step(torch.tensor(float("nan"), requires_grad=True))
    False
    >>> guard.skipped_steps
    1
    """

    def __init__(
        self,
        name: str,
        phase: str,
        module: nn.Module,
        optimizer: torch.optim.Optimizer,
        *,
        clip_norm: float | None,
    ) -> None:
        self.name = name
        self.phase = phase
        self.module = module
        self.optimizer = optimizer
        self.clip_norm = clip_norm
        self.skipped_steps = 0  # in the current epoch
        self.consecutive = 0
        self.restores = 0
        self._snapshot: dict | None = None
        self._snapshot_is_current = False
        self.mark_good()

    # -------------------------------------------------------------- stepping

    def step(self, loss: torch.Tensor) -> bool:
        """Back-propagate ``loss`` and update the weights unless something is not finite.

        Returns True when the weights were updated, False when the step was skipped.
        """
        if not bool(torch.isfinite(loss.detach()).all()):
            self._skip("loss")
            return False
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        parameters = [p for p in self.module.parameters() if p.grad is not None]
        if self.clip_norm is not None:
            norm = nn.utils.clip_grad_norm_(parameters, self.clip_norm)
        else:
            norm = _total_norm(parameters)
        if not bool(torch.isfinite(norm)):
            # The gradients are dropped so that nothing non-finite lingers in .grad.
            self.optimizer.zero_grad(set_to_none=True)
            self._skip("gradient")
            return False
        self.optimizer.step()
        self.consecutive = 0
        self._snapshot_is_current = False
        return True

    def end_epoch(self) -> None:
        """Close an epoch: one without a skipped step becomes the new last good state."""
        if self.skipped_steps == 0:
            self.mark_good()
            # Recovered: later trouble gets the full number of restores again.
            self.restores = 0
        self.skipped_steps = 0

    def mark_good(self) -> None:
        """Remember the current weights and optimizer state as the last good ones."""
        if self._snapshot_is_current:
            return
        self._snapshot = {
            "module": {k: v.detach().clone() for k, v in self.module.state_dict().items()},
            "optimizer": copy.deepcopy(self.optimizer.state_dict()),
        }
        self._snapshot_is_current = True

    def restore(self) -> None:
        """Put the last good weights and optimizer state back (learning rates excepted)."""
        rates = [group["lr"] for group in self.optimizer.param_groups]
        self.module.load_state_dict(self._snapshot["module"])
        self.optimizer.load_state_dict(copy.deepcopy(self._snapshot["optimizer"]))
        # The learning rate only ever goes down: the snapshot's may be the one that diverged.
        for group, rate in zip(self.optimizer.param_groups, rates, strict=True):
            group["lr"] = min(group["lr"], rate)
        self._snapshot_is_current = True

    def _skip(self, cause: str) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        self.skipped_steps += 1
        self.consecutive += 1
        if self.consecutive < SKIPS_BEFORE_RESTORE:
            return
        self.restore()
        self.consecutive = 0
        if self.restores >= MAX_RESTORES:
            rate = self.optimizer.param_groups[0]["lr"]
            raise TrainingDivergedError(
                f"Training diverged: the {self.name}'s {cause} was not finite in "
                f"{SKIPS_BEFORE_RESTORE} consecutive steps of {self.phase}, even after "
                f"restoring its last good weights and lowering its learning rate "
                f"{MAX_RESTORES} times (to {rate:.3g}). The last good weights are kept. "
                "Try a smaller learning rate, gradient clipping (clip_norm) or a smaller "
                "model.",
                module=self.name,
                phase=self.phase,
                cause=cause,
            )
        self.restores += 1
        for group in self.optimizer.param_groups:
            group["lr"] *= LEARNING_RATE_FACTOR

    # --------------------------------------------------------- checkpoints

    def state_dict(self) -> dict:
        """Counters, and the last good state unless it is the current one."""
        return {
            "skipped_steps": self.skipped_steps,
            "consecutive": self.consecutive,
            "restores": self.restores,
            "snapshot": None if self._snapshot_is_current else self._snapshot,
        }

    def load_state_dict(self, state: dict) -> None:
        """Restore what :meth:`state_dict` gave, after the module and optimizer are restored."""
        self.skipped_steps = int(state["skipped_steps"])
        self.consecutive = int(state["consecutive"])
        self.restores = int(state["restores"])
        if state["snapshot"] is None:
            self._snapshot_is_current = False
            self.mark_good()
        else:
            self._snapshot = state["snapshot"]
            self._snapshot_is_current = False


def _total_norm(parameters: Sequence[nn.Parameter]) -> torch.Tensor:
    if not parameters:
        return torch.zeros(())
    norms = [torch.linalg.vector_norm(p.grad.detach()) for p in parameters]
    return torch.linalg.vector_norm(torch.stack(norms))
