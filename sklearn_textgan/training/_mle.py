"""Maximum-likelihood training: the baseline, and the pretraining phase of every GAN."""

from __future__ import annotations

import copy
import math
import time

import torch
from torch import nn

from ..models import summed_nll
from ..models._sequences import evaluation_mode
from ._base import Algorithm, TrainingConfig, TrainingState, begin_ids, iter_batches
from ._checkpoint import take_resume
from ._guard import DivergenceGuard
from ._monitor import epoch_monitor
from ._optim import make_optimizer
from ._registry import register_algorithm

__all__ = ["MaximumLikelihood", "mean_nll", "train_mle"]


@torch.no_grad()
def mean_nll(
    generator: nn.Module,
    targets: torch.Tensor,
    config: TrainingConfig,
    labels: torch.Tensor | None = None,
) -> float:
    """Mean negative log-likelihood per token (end token included) of ``targets``.

    With class ``labels`` (a conditional generator), the likelihood of each
    text given its class.

    Examples
    --------
    A generator whose output layer is zero predicts every one of the 10 ids
    with probability 1/10, so its NLL is ``log(10)`` per token (the 5 tokens
    here: end tokens included, padding not):

    >>> import math
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator
    >>> from sklearn_textgan.training import TrainingConfig, mean_nll
    >>> generator = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=4)
    >>> with torch.no_grad():
    ...     _ = generator.output.weight.zero_(), generator.output.bias.zero_()
    >>> targets = torch.tensor([[5, 6, 2, 0], [7, 2, 0, 0]])  # tokens, end (2), padding (0)
    >>> round(mean_nll(generator, targets, TrainingConfig()), 4), round(math.log(10), 4)
    (2.3026, 2.3026)
    """
    total, count = 0.0, 0
    with evaluation_mode(generator):
        for start in range(0, len(targets), config.eval_batch_size):
            chunk = slice(start, start + config.eval_batch_size)
            loss, n_tokens = summed_nll(
                generator,
                targets[chunk],
                bos_id=begin_ids(generator, config, None if labels is None else labels[chunk]),
                pad_id=config.pad_id,
            )
            total += float(loss)
            count += n_tokens
    return total / max(1, count)


def train_mle(
    state: TrainingState, config: TrainingConfig, epochs: int, phase: str = "mle"
) -> None:
    """Teacher-forced maximum-likelihood training of ``state.generator``.

    With a validation set, the learning rate is halved when the validation NLL
    stops improving, training stops after ``n_iter_no_change`` epochs without
    improvement, and the weights of the best epoch are restored at the end
    (also when training is interrupted or diverges). Steps with a non-finite
    loss or gradient are skipped (see :class:`DivergenceGuard`). A resumed fit
    (``state.resume`` written in this phase) continues after the epoch reached.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator, init_parameters
    >>> from sklearn_textgan.training import TrainingConfig, TrainingState, mean_nll, train_mle
    >>> generator = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=4)
    >>> init_parameters(generator, torch.Generator().manual_seed(0))
    >>> state = TrainingState(
    ...     generator=generator,
    ...     device=torch.device("cpu"),
    ...     train=torch.tensor([[5, 6, 2, 0], [7, 8, 9, 2], [5, 6, 7, 2]]),
    ...     valid=torch.tensor([[5, 6, 2, 0]]),
    ...     shuffle_generator=torch.Generator().manual_seed(0),
    ...     random_generator=torch.Generator().manual_seed(0),
    ... )
    >>> config = TrainingConfig(batch_size=2, learning_rate=0.05)
    >>> before = mean_nll(generator, state.train, config)
    >>> train_mle(state, config, epochs=5)
    >>> mean_nll(generator, state.train, config) < before
    True
    >>> state.history["epoch"], state.history[-1]["phase"]
    ([1, 2, 3, 4, 5], 'mle')
    >>> all(nll is not None for nll in state.history["valid_nll"])  # a validation set given
    True
    """
    generator = state.generator
    optimizer = make_optimizer(config.optimizer, generator.parameters(), config.learning_rate)
    guard = DivergenceGuard(
        "generator", "maximum-likelihood training", generator, optimizer, clip_norm=config.clip_norm
    )
    has_valid = state.valid is not None and len(state.valid) > 0
    patience = config.n_iter_no_change
    scheduler = None
    if has_valid:
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode="min", factor=0.5, patience=max(1, (patience or 4) // 2)
        )
    best_nll, best_weights, epochs_without_improvement = math.inf, None, 0
    first_epoch, stopped = 1, False
    resumed = take_resume(state, phase)
    if resumed is not None:
        done, loop = resumed
        optimizer.load_state_dict(loop["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(loop["scheduler"])
        guard.load_state_dict(loop["guard"])
        best_nll, best_weights = loop["best_nll"], loop["best_weights"]
        epochs_without_improvement, stopped = loop["epochs_without_improvement"], loop["stopped"]
        first_epoch = done + 1

    def loop_state() -> dict:
        return {
            "optimizer": optimizer.state_dict(),
            "scheduler": None if scheduler is None else scheduler.state_dict(),
            "guard": guard.state_dict(),
            "best_nll": best_nll,
            "best_weights": best_weights,
            "epochs_without_improvement": epochs_without_improvement,
            "stopped": stopped,
        }

    try:
        for epoch in range(first_epoch, epochs + 1):
            if stopped:
                break
            started = time.perf_counter()
            generator.train()
            total, count = 0.0, 0
            batches = iter_batches(len(state.train), config.batch_size, state.shuffle_generator)
            for batch in batches:
                batch = batch.to(state.device)
                labels = None if state.train_labels is None else state.train_labels[batch]
                loss_sum, n_tokens = summed_nll(
                    generator,
                    state.train[batch],
                    bos_id=begin_ids(generator, config, labels),
                    pad_id=config.pad_id,
                )
                if guard.step(loss_sum / max(1, n_tokens)):
                    total += float(loss_sum.detach())
                    count += n_tokens
            record = {
                "phase": phase,
                "epoch": epoch,
                # NaN, not 0, when every step was skipped: nothing was learned.
                "train_loss": total / count if count else math.nan,
                "valid_nll": None,
                **epoch_monitor(state, config),
                "learning_rate": optimizer.param_groups[0]["lr"],
                "skipped_steps": guard.skipped_steps,
            }
            guard.end_epoch()
            if has_valid:
                valid_nll = mean_nll(generator, state.valid, config, state.valid_labels)
                record["valid_nll"] = valid_nll
                scheduler.step(valid_nll)
                if valid_nll < best_nll - 1e-4:
                    best_nll, epochs_without_improvement = valid_nll, 0
                    best_weights = copy.deepcopy(generator.state_dict())
                else:
                    epochs_without_improvement += 1
                    stopped = patience is not None and epochs_without_improvement >= patience
            record["seconds"] = time.perf_counter() - started
            state.history.append(record)
            state.report_epoch(record, epochs)
            if state.checkpointer is not None:
                state.checkpointer.epoch_end(state, phase, epoch, loop_state)
            if stopped:
                state.log(f"[{phase}] no improvement in {patience} epochs: stopping early")
    finally:
        # Interrupted or diverged too: the best epoch is the most useful model to keep.
        if best_weights is not None:
            generator.load_state_dict(best_weights)


@register_algorithm("mle")
class MaximumLikelihood(Algorithm):
    """Maximum-likelihood (teacher-forced) training: the baseline every GAN is judged against.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator
    >>> from sklearn_textgan.training import (
    ...     MaximumLikelihood, TrainingConfig, TrainingState, get_algorithm,
    ... )
    >>> get_algorithm("mle") is MaximumLikelihood
    True
    >>> state = TrainingState(
    ...     generator=LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=4),
    ...     device=torch.device("cpu"),
    ...     train=torch.tensor([[5, 6, 2, 0], [7, 8, 9, 2]]),
    ...     valid=None,
    ...     shuffle_generator=torch.Generator().manual_seed(0),
    ...     random_generator=torch.Generator().manual_seed(0),
    ... )
    >>> MaximumLikelihood(TrainingConfig(batch_size=2, pretrain_epochs=2)).fit(state)
    >>> state.history["phase"], state.history["epoch"]
    (['mle', 'mle'], [1, 2])
    """

    def fit(self, state: TrainingState) -> None:
        train_mle(state, self.config, self.config.pretrain_epochs)
