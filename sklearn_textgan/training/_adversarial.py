"""The adversarial phase shared by every GAN strategy.

Every GAN here runs: maximum-likelihood pretraining of the generator, then
pretraining of the discriminator on real versus generated text, then
``adversarial_epochs`` rounds of one generator update followed by
``d_steps`` discriminator updates. A strategy only says how the generator is
updated (policy gradient, Gumbel-softmax, ...) and, where needed, what the
discriminator sees.

Class-conditional GANs (``state.train_labels`` set): generated batches are
asked for classes (those of the real batch they are paired with, or labels
drawn with the training class frequencies), and the discriminator's class
head is trained by cross-entropy on real text with its true labels, beside
the realism loss (CatGAN-style). How the generator uses the class head is
up to each strategy. Unconditional fits take exactly the code paths (and
random draws) they always took.
"""

from __future__ import annotations

import time

import torch
from torch import nn
from torch.nn import functional as F

from ..models import sample_sequences
from ._base import Algorithm, TrainingState, begin_ids, iter_batches
from ._checkpoint import resume_stage, take_resume
from ._guard import DivergenceGuard
from ._losses import GANLoss, get_loss, gradient_penalty
from ._mle import mean_nll, train_mle
from ._monitor import epoch_monitor
from ._optim import make_optimizer

__all__ = ["AdversarialAlgorithm"]


class AdversarialAlgorithm(Algorithm):
    """Base class of the GAN strategies; subclasses implement :meth:`generator_step`.

    Examples
    --------
    A strategy whose generator never learns still runs the whole schedule:
    maximum-likelihood pretraining, discriminator pretraining, then the
    adversarial epochs (one generator step and ``d_steps`` discriminator
    steps each):

    >>> class FrozenGenerator(AdversarialAlgorithm):
    ...     def generator_step(self, state, progress):
    ...         return {"generator_loss": 0.0}
    >>> import torch
    >>> from sklearn_textgan.models import CNNDiscriminator, LSTMGenerator
    >>> from sklearn_textgan.training import AdversarialAlgorithm, TrainingConfig, TrainingState
    >>> state = TrainingState(
    ...     generator=LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=4),
    ...     discriminator=CNNDiscriminator(
    ...         vocab_size=10, embedding_dim=4, max_length=3, filter_sizes=(2,), num_filters=(2,)
    ...     ),
    ...     device=torch.device("cpu"),
    ...     train=torch.tensor([[5, 6, 2, 0], [7, 8, 9, 2]]),  # tokens, end (2), padding (0)
    ...     valid=None,
    ...     shuffle_generator=torch.Generator().manual_seed(0),
    ...     random_generator=torch.Generator().manual_seed(0),
    ... )
    >>> config = TrainingConfig(
    ...     batch_size=2, pretrain_epochs=1, discriminator_pretrain_epochs=1,
    ...     adversarial_epochs=2, d_steps=1, n_rollouts=2,
    ... )
    >>> FrozenGenerator(config).fit(state)
    >>> state.history["phase"]
    ['mle', 'discriminator', 'adversarial', 'adversarial']
    >>> state.history["generator_loss"]
    [None, None, 0.0, 0.0]
    """

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
        # A resumed fit skips the phases that its checkpoint had already finished.
        stage = resume_stage(state)
        if config.pretrain_epochs and stage in (None, "mle"):
            train_mle(state, config, config.pretrain_epochs)
        self.generator_optimizer = make_optimizer(
            config.optimizer, state.generator.parameters(), config.adversarial_learning_rate
        )
        self.discriminator_optimizer = make_optimizer(
            config.optimizer, state.discriminator.parameters(), config.discriminator_learning_rate
        )
        self.generator_guard = DivergenceGuard(
            "generator",
            "adversarial training",
            state.generator,
            self.generator_optimizer,
            clip_norm=config.clip_norm,
        )
        self.discriminator_guard = DivergenceGuard(
            "discriminator",
            "adversarial training",
            state.discriminator,
            self.discriminator_optimizer,
            clip_norm=config.clip_norm,
        )
        self.start_adversarial(state)
        first = {"discriminator": 1, "adversarial": 1}
        for phase in ("discriminator", "adversarial"):
            resumed = take_resume(state, phase)
            if resumed is not None:
                done, loop = resumed
                self.load_loop_state(loop)
                first[phase] = done + 1
                if phase == "adversarial":
                    first["discriminator"] = config.discriminator_pretrain_epochs + 1
        for epoch in range(first["discriminator"], config.discriminator_pretrain_epochs + 1):
            self._pretrain_discriminator_epoch(state, epoch)
        for epoch in range(first["adversarial"], config.adversarial_epochs + 1):
            self._adversarial_epoch(state, epoch)

    def loop_state(self) -> dict:
        """What the adversarial loop keeps between epochs, for checkpoints."""
        return {
            "generator_optimizer": self.generator_optimizer.state_dict(),
            "discriminator_optimizer": self.discriminator_optimizer.state_dict(),
            "generator_guard": self.generator_guard.state_dict(),
            "discriminator_guard": self.discriminator_guard.state_dict(),
            "algorithm": self.algorithm_state(),
        }

    def load_loop_state(self, loop: dict) -> None:
        """Restore what :meth:`loop_state` gave (modules already restored)."""
        self.generator_optimizer.load_state_dict(loop["generator_optimizer"])
        self.discriminator_optimizer.load_state_dict(loop["discriminator_optimizer"])
        self.generator_guard.load_state_dict(loop["generator_guard"])
        self.discriminator_guard.load_state_dict(loop["discriminator_guard"])
        self.load_algorithm_state(loop["algorithm"])

    def algorithm_state(self) -> dict:
        """State a strategy learns besides the two modules, for checkpoints.

        By default every module and tensor attribute of the strategy (a SeqGAN
        rollout policy, a moving-average baseline, ...); a strategy that keeps
        other learned state overrides this and :meth:`load_algorithm_state`.
        """
        saved = {}
        for name, value in vars(self).items():
            if isinstance(value, nn.Module):
                saved[name] = {"module": value.state_dict()}
            elif isinstance(value, torch.Tensor):
                saved[name] = {"tensor": value}
        return saved

    def load_algorithm_state(self, saved: dict) -> None:
        """Restore what :meth:`algorithm_state` gave."""
        with torch.no_grad():
            for name, value in saved.items():
                if "module" in value:
                    getattr(self, name).load_state_dict(value["module"])
                else:
                    getattr(self, name).copy_(value["tensor"])

    def _end_epoch(self, state: TrainingState, record: dict, started: float, epochs: int) -> None:
        record["seconds"] = time.perf_counter() - started
        state.history.append(record)
        state.report_epoch(record, epochs)
        if state.checkpointer is not None:
            state.checkpointer.epoch_end(state, record["phase"], record["epoch"], self.loop_state)

    def _skipped_steps(self) -> int:
        """Steps skipped in this epoch by either guard; both start a new epoch."""
        skipped = self.generator_guard.skipped_steps + self.discriminator_guard.skipped_steps
        self.generator_guard.end_epoch()
        self.discriminator_guard.end_epoch()
        return skipped

    def _pretrain_discriminator_epoch(self, state: TrainingState, epoch: int) -> None:
        started = time.perf_counter()
        stats = []
        for batch in iter_batches(
            len(state.train), self.config.batch_size, state.shuffle_generator
        ):
            batch = batch.to(state.device)
            labels = None if state.train_labels is None else state.train_labels[batch]
            stats.append(
                self.discriminator_step(state, state.train[batch], progress=0.0, labels=labels)
            )
        record = {"phase": "discriminator", "epoch": epoch, **_mean(stats)}
        record["skipped_steps"] = self._skipped_steps()
        self._end_epoch(state, record, started, self.config.discriminator_pretrain_epochs)

    def _adversarial_epoch(self, state: TrainingState, epoch: int) -> None:
        started = time.perf_counter()
        progress = epoch / self.config.adversarial_epochs
        state.generator.train()
        generator_stats = self.generator_step(state, progress)
        discriminator_stats = []
        for _ in range(self.config.d_steps):
            real, labels = self.real_batch_with_labels(state)
            discriminator_stats.append(
                self.discriminator_step(state, real, progress, labels=labels)
            )
        discriminator_stats = _mean(discriminator_stats)
        record = {
            "phase": "adversarial",
            "epoch": epoch,
            "generator_loss": generator_stats.get("generator_loss"),
            **discriminator_stats,
            "temperature": generator_stats.get("temperature"),
            "valid_nll": None,
        }
        if state.valid is not None and len(state.valid):
            record["valid_nll"] = mean_nll(
                state.generator, state.valid, self.config, state.valid_labels
            )
        record.update(epoch_monitor(state, self.config))
        record["skipped_steps"] = self._skipped_steps()
        self._end_epoch(state, record, started, self.config.adversarial_epochs)

    # ------------------------------------------------------ shared pieces

    def start_adversarial(self, state: TrainingState) -> None:
        """Hook run once before the discriminator pretraining (e.g. copy a rollout policy)."""

    def generator_step(self, state: TrainingState, progress: float) -> dict:
        """One generator update; returns at least ``{"generator_loss": float}``."""
        raise NotImplementedError

    def real_batch(self, state: TrainingState) -> torch.Tensor:
        """A batch of training sequences drawn with the shuffling generator."""
        return self.real_batch_with_labels(state)[0]

    def real_batch_with_labels(
        self, state: TrainingState
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """A batch of training sequences and their class labels (None: unconditional).

        Texts and labels come from the same index draw, so they stay paired.
        """
        index = torch.randint(
            len(state.train), (self.config.batch_size,), generator=state.shuffle_generator
        ).to(state.device)
        labels = None if state.train_labels is None else state.train_labels[index]
        return state.train[index], labels

    def draw_labels(self, state: TrainingState, n: int) -> torch.Tensor | None:
        """Classes to ask the generator for, with the training class frequencies.

        None for an unconditional fit, which then draws no random numbers here.
        """
        if state.train_labels is None:
            return None
        index = torch.randint(len(state.train), (n,), generator=state.shuffle_generator)
        return state.train_labels[index.to(state.device)]

    def begin_ids(self, generator: nn.Module, labels: torch.Tensor | None) -> int | torch.Tensor:
        """Begin token(s) of a batch: ``bos_id``, or the class begin ids of ``labels``."""
        return begin_ids(generator, self.config, labels)

    @torch.no_grad()
    def generate(
        self, state: TrainingState, n: int, labels: torch.Tensor | None = None
    ) -> torch.Tensor:
        """``n`` generated sequences as ids, padded to the training width.

        With class ``labels`` (n,), row i is generated for class ``labels[i]``.
        """
        return sample_sequences(
            state.generator,
            n,
            max_steps=self.width,
            bos_id=self.begin_ids(state.generator, labels),
            eos_id=self.config.eos_id,
            pad_id=self.config.pad_id,
            random_generator=state.random_generator,
            device=state.device,
            never_draw=self.config.never_drawn,
        )

    def fake_batch(
        self,
        state: TrainingState,
        n: int,
        progress: float,
        labels: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """What the discriminator is shown as generated text (ids by default)."""
        return self.generate(state, n, labels)

    def discriminator_logits(self, discriminator: nn.Module, x: torch.Tensor) -> torch.Tensor:
        return discriminator(x)

    def discriminator_step(
        self,
        state: TrainingState,
        real: torch.Tensor,
        progress: float,
        labels: torch.Tensor | None = None,
    ) -> dict:
        """One discriminator update on ``real`` and as many generated sequences.

        With the class ``labels`` of ``real``, the generated sequences are asked
        for the same classes, and the class head's cross-entropy on ``real`` is
        added to the loss.
        """
        discriminator = state.discriminator
        discriminator.train()
        if labels is None:
            fake = self.fake_batch(state, len(real), progress)
        else:
            fake = self.fake_batch(state, len(real), progress, labels)
        real_logits = self.discriminator_logits(discriminator, real)
        fake_logits = self.discriminator_logits(discriminator, fake)
        loss = self.loss.discriminator(real_logits, fake_logits)
        class_accuracy = None
        if labels is not None:
            class_logits = discriminator.class_logits(real)
            loss = loss + F.cross_entropy(class_logits.float(), labels)
            class_accuracy = float((class_logits.argmax(dim=1) == labels).float().mean())
        if self.loss.gradient_penalty:
            loss = loss + gradient_penalty(
                discriminator,
                self.as_one_hot(real),
                self.as_one_hot(fake),
                state.random_generator,
            )
        self.discriminator_guard.step(loss)
        real_accuracy, fake_accuracy = self.loss.accuracy(real_logits, fake_logits)
        stats = {
            "discriminator_loss": float(loss.detach()),
            "d_real_accuracy": real_accuracy,
            "d_fake_accuracy": fake_accuracy,
        }
        if class_accuracy is not None:
            stats["d_class_accuracy"] = class_accuracy
        return stats

    def as_one_hot(self, x: torch.Tensor) -> torch.Tensor:
        if x.is_floating_point():
            return x.detach()
        return F.one_hot(x, self.vocab_size).float()

    def clip(self, module: nn.Module) -> None:
        if self.config.clip_norm is not None:
            nn.utils.clip_grad_norm_(module.parameters(), self.config.clip_norm)

    def update_generator(self, state: TrainingState, loss: torch.Tensor) -> None:
        """One generator update; skipped when the loss or its gradient is not finite."""
        self.generator_guard.step(loss)


def _mean(records: list[dict]) -> dict:
    keys = records[0].keys() if records else ()
    return {key: sum(r[key] for r in records) / len(records) for key in keys}
