"""The adversarial phase shared by every GAN strategy.

Every GAN here runs: maximum-likelihood pretraining of the generator, then
pretraining of the discriminator on real versus generated text, then
``adversarial_epochs`` rounds of one generator update followed by
``d_steps`` discriminator updates. A strategy only says how the generator is
updated (policy gradient, Gumbel-softmax, ...) and, where needed, what the
discriminator sees.
"""

from __future__ import annotations

import time

import torch
from torch import nn
from torch.nn import functional as F

from ..models import sample_sequences
from ._base import Algorithm, TrainingState, iter_batches
from ._history import progress_line
from ._losses import GANLoss, get_loss, gradient_penalty
from ._mle import mean_nll, train_mle
from ._optim import make_optimizer

__all__ = ["AdversarialAlgorithm"]


class AdversarialAlgorithm(Algorithm):
    """Base class of the GAN strategies; subclasses implement :meth:`generator_step`."""

    default_discriminator = "cnn"
    default_loss = "non_saturating"

    # ------------------------------------------------------------- phases

    def fit(self, state: TrainingState) -> None:
        config = self.config
        if state.discriminator is None:
            raise ValueError(f"algorithm={self.name!r} needs a discriminator.")
        self.loss: GANLoss = get_loss(config.loss or self.default_loss)
        self.width = state.train.shape[1]
        self.vocab_size = state.generator.output.out_features
        if config.pretrain_epochs:
            train_mle(state, config, config.pretrain_epochs)
        self.generator_optimizer = make_optimizer(
            config.optimizer, state.generator.parameters(), config.adversarial_learning_rate
        )
        self.discriminator_optimizer = make_optimizer(
            config.optimizer, state.discriminator.parameters(), config.discriminator_learning_rate
        )
        self.start_adversarial(state)
        for epoch in range(1, config.discriminator_pretrain_epochs + 1):
            self._pretrain_discriminator_epoch(state, epoch)
        for epoch in range(1, config.adversarial_epochs + 1):
            self._adversarial_epoch(state, epoch)

    def _pretrain_discriminator_epoch(self, state: TrainingState, epoch: int) -> None:
        started = time.perf_counter()
        stats = [
            self.discriminator_step(state, state.train[batch.to(state.device)], progress=0.0)
            for batch in iter_batches(
                len(state.train), self.config.batch_size, state.shuffle_generator
            )
        ]
        record = {"phase": "discriminator", "epoch": epoch, **_mean(stats)}
        record["seconds"] = time.perf_counter() - started
        state.history.append(record)
        state.log(progress_line(record, self.config.discriminator_pretrain_epochs))

    def _adversarial_epoch(self, state: TrainingState, epoch: int) -> None:
        started = time.perf_counter()
        progress = epoch / self.config.adversarial_epochs
        state.generator.train()
        generator_stats = self.generator_step(state, progress)
        discriminator_stats = _mean(
            [
                self.discriminator_step(state, self.real_batch(state), progress)
                for _ in range(self.config.d_steps)
            ]
        )
        record = {
            "phase": "adversarial",
            "epoch": epoch,
            "generator_loss": generator_stats.get("generator_loss"),
            **discriminator_stats,
            "temperature": generator_stats.get("temperature"),
            "valid_nll": None,
        }
        if state.valid is not None and len(state.valid):
            record["valid_nll"] = mean_nll(state.generator, state.valid, self.config)
        record["seconds"] = time.perf_counter() - started
        state.history.append(record)
        state.log(progress_line(record, self.config.adversarial_epochs))

    # ------------------------------------------------------ shared pieces

    def start_adversarial(self, state: TrainingState) -> None:
        """Hook run once before the discriminator pretraining (e.g. copy a rollout policy)."""

    def generator_step(self, state: TrainingState, progress: float) -> dict:
        """One generator update; returns at least ``{"generator_loss": float}``."""
        raise NotImplementedError

    def real_batch(self, state: TrainingState) -> torch.Tensor:
        """A batch of training sequences drawn with the shuffling generator."""
        index = torch.randint(
            len(state.train), (self.config.batch_size,), generator=state.shuffle_generator
        )
        return state.train[index.to(state.device)]

    @torch.no_grad()
    def generate(self, state: TrainingState, n: int) -> torch.Tensor:
        """``n`` generated sequences as ids, padded to the training width."""
        return sample_sequences(
            state.generator,
            n,
            max_steps=self.width,
            bos_id=self.config.bos_id,
            eos_id=self.config.eos_id,
            pad_id=self.config.pad_id,
            random_generator=state.random_generator,
            device=state.device,
        )

    def fake_batch(self, state: TrainingState, n: int, progress: float) -> torch.Tensor:
        """What the discriminator is shown as generated text (ids by default)."""
        return self.generate(state, n)

    def discriminator_logits(self, discriminator: nn.Module, x: torch.Tensor) -> torch.Tensor:
        return discriminator(x)

    def discriminator_step(self, state: TrainingState, real: torch.Tensor, progress: float) -> dict:
        """One discriminator update on ``real`` and as many generated sequences."""
        discriminator = state.discriminator
        discriminator.train()
        fake = self.fake_batch(state, len(real), progress)
        real_logits = self.discriminator_logits(discriminator, real)
        fake_logits = self.discriminator_logits(discriminator, fake)
        loss = self.loss.discriminator(real_logits, fake_logits)
        if self.loss.gradient_penalty:
            loss = loss + gradient_penalty(
                discriminator,
                self.as_one_hot(real),
                self.as_one_hot(fake),
                state.random_generator,
            )
        self.discriminator_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.clip(discriminator)
        self.discriminator_optimizer.step()
        real_accuracy, fake_accuracy = self.loss.accuracy(real_logits, fake_logits)
        return {
            "discriminator_loss": float(loss.detach()),
            "d_real_accuracy": real_accuracy,
            "d_fake_accuracy": fake_accuracy,
        }

    def as_one_hot(self, x: torch.Tensor) -> torch.Tensor:
        if x.is_floating_point():
            return x.detach()
        return F.one_hot(x, self.vocab_size).float()

    def clip(self, module: nn.Module) -> None:
        if self.config.clip_norm is not None:
            nn.utils.clip_grad_norm_(module.parameters(), self.config.clip_norm)

    def update_generator(self, state: TrainingState, loss: torch.Tensor) -> None:
        self.generator_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.clip(state.generator)
        self.generator_optimizer.step()


def _mean(records: list[dict]) -> dict:
    keys = records[0].keys() if records else ()
    return {key: sum(r[key] for r in records) / len(records) for key in keys}
