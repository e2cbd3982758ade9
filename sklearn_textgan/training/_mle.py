"""Maximum-likelihood training: the baseline, and the pretraining phase of every GAN."""

from __future__ import annotations

import copy
import math
import time

import torch
from torch import nn

from ..models import summed_nll
from ._base import Algorithm, TrainingConfig, TrainingState, iter_batches
from ._history import progress_line
from ._optim import make_optimizer
from ._registry import register_algorithm

__all__ = ["MaximumLikelihood", "mean_nll", "train_mle"]


@torch.no_grad()
def mean_nll(generator: nn.Module, targets: torch.Tensor, config: TrainingConfig) -> float:
    """Mean negative log-likelihood per token (end token included) of ``targets``."""
    was_training = generator.training
    generator.eval()
    total, count = 0.0, 0
    for start in range(0, len(targets), config.eval_batch_size):
        loss, n_tokens = summed_nll(
            generator,
            targets[start : start + config.eval_batch_size],
            bos_id=config.bos_id,
            pad_id=config.pad_id,
        )
        total += float(loss)
        count += n_tokens
    generator.train(was_training)
    return total / max(1, count)


def train_mle(
    state: TrainingState, config: TrainingConfig, epochs: int, phase: str = "mle"
) -> None:
    """Teacher-forced maximum-likelihood training of ``state.generator``.

    With a validation set, the learning rate is halved when the validation NLL
    stops improving, training stops after ``n_iter_no_change`` epochs without
    improvement, and the weights of the best epoch are restored at the end.
    """
    generator = state.generator
    optimizer = make_optimizer(config.optimizer, generator.parameters(), config.learning_rate)
    has_valid = state.valid is not None and len(state.valid) > 0
    patience = config.n_iter_no_change
    scheduler = None
    if has_valid:
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode="min", factor=0.5, patience=max(1, (patience or 4) // 2)
        )
    best_nll, best_weights, epochs_without_improvement = math.inf, None, 0

    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        generator.train()
        total, count = 0.0, 0
        for batch in iter_batches(len(state.train), config.batch_size, state.shuffle_generator):
            loss_sum, n_tokens = summed_nll(
                generator,
                state.train[batch.to(state.device)],
                bos_id=config.bos_id,
                pad_id=config.pad_id,
            )
            loss = loss_sum / max(1, n_tokens)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.clip_norm is not None:
                nn.utils.clip_grad_norm_(generator.parameters(), config.clip_norm)
            optimizer.step()
            total += float(loss_sum.detach())
            count += n_tokens
        record = {
            "phase": phase,
            "epoch": epoch,
            "train_loss": total / max(1, count),
            "valid_nll": None,
            "learning_rate": optimizer.param_groups[0]["lr"],
        }
        stop = False
        if has_valid:
            valid_nll = mean_nll(generator, state.valid, config)
            record["valid_nll"] = valid_nll
            scheduler.step(valid_nll)
            if valid_nll < best_nll - 1e-4:
                best_nll, epochs_without_improvement = valid_nll, 0
                best_weights = copy.deepcopy(generator.state_dict())
            else:
                epochs_without_improvement += 1
                stop = patience is not None and epochs_without_improvement >= patience
        record["seconds"] = time.perf_counter() - started
        state.history.append(record)
        state.log(progress_line(record, epochs))
        if stop:
            state.log(f"[{phase}] no improvement in {patience} epochs: stopping early")
            break
    if best_weights is not None:
        generator.load_state_dict(best_weights)


@register_algorithm("mle")
class MaximumLikelihood(Algorithm):
    """Maximum-likelihood (teacher-forced) training: the baseline every GAN is judged against."""

    def fit(self, state: TrainingState) -> None:
        train_mle(state, self.config, self.config.pretrain_epochs)
