"""Dense per-token rewards from a recurrent discriminator (after ScratchGAN)."""

from __future__ import annotations

import torch
from torch import nn

from ..models import token_log_probs
from ._adversarial import AdversarialAlgorithm
from ._base import TrainingState
from ._registry import register_algorithm

__all__ = ["DenseReward"]

# ScratchGAN's published settings: discount of future rewards and the decay of
# the moving-average baseline.
DISCOUNT = 0.23
BASELINE_DECAY = 0.08


def discounted_returns(rewards: torch.Tensor, mask: torch.Tensor, discount: float) -> torch.Tensor:
    """R_t = r_t + discount * R_{t+1} over the valid positions of each row."""
    returns = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[:, 0])
    for t in range(rewards.shape[1] - 1, -1, -1):
        running = (rewards[:, t] + discount * running) * mask[:, t]
        returns[:, t] = running
    return returns


@register_algorithm("dense")
class DenseReward(AdversarialAlgorithm):
    """REINFORCE with a reward at every token, no rollouts.

    The discriminator judges every prefix (``token_logits``); token t earns
    r_t = 2 * sigmoid(D_t) - 1, returns are discounted, and a moving average
    of the returns at each position is the baseline. The discriminator is
    trained per position too. Works from scratch (``pretrain_epochs=0``).

    Class-conditional: the batch is generated for classes drawn with the
    training class frequencies and the rewards stay realism-only (the class
    head judges whole texts, not prefixes); the class comes from the
    conditional generator, pretrained by maximum likelihood on each class.

    Examples
    --------
    It needs a discriminator that judges every prefix, and no pretraining:

    >>> import torch
    >>> from sklearn_textgan.models import LSTMDiscriminator, LSTMGenerator
    >>> from sklearn_textgan.training import DenseReward, TrainingConfig, TrainingState
    >>> state = TrainingState(
    ...     generator=LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=4),
    ...     discriminator=LSTMDiscriminator(vocab_size=10, embedding_dim=4, hidden_dim=4),
    ...     device=torch.device("cpu"),
    ...     train=torch.tensor([[5, 6, 2, 0], [7, 8, 9, 2]]),  # tokens, end (2), padding (0)
    ...     valid=None,
    ...     shuffle_generator=torch.Generator().manual_seed(0),
    ...     random_generator=torch.Generator().manual_seed(0),
    ... )
    >>> DenseReward.check_components(state.generator, state.discriminator)  # per token: fine
    >>> config = TrainingConfig(
    ...     batch_size=2, pretrain_epochs=0, discriminator_pretrain_epochs=0,
    ...     adversarial_epochs=2, d_steps=1,
    ... )
    >>> DenseReward(config).fit(state)
    >>> state.history["phase"]
    ['adversarial', 'adversarial']
    """

    default_discriminator = "lstm"

    @classmethod
    def check_components(cls, generator: nn.Module, discriminator: nn.Module | None) -> None:
        if discriminator is not None and not getattr(discriminator, "per_token", False):
            raise ValueError(
                "algorithm='dense' needs a discriminator that judges every prefix "
                "(discriminator='lstm' or 'transformer'), not "
                f"{type(discriminator).__name__}."
            )

    def start_adversarial(self, state: TrainingState) -> None:
        self.baseline = torch.zeros(self.width, device=state.device)

    def discriminator_logits(self, discriminator: nn.Module, x: torch.Tensor) -> torch.Tensor:
        return discriminator.token_logits(x)

    def generator_step(self, state: TrainingState, progress: float) -> dict:
        config = self.config
        labels = self.draw_labels(state, config.batch_size)
        samples = self.generate(state, config.batch_size, labels)
        mask = (samples != config.pad_id).float()
        with torch.no_grad():
            state.discriminator.eval()
            rewards = 2.0 * torch.sigmoid(state.discriminator.token_logits(samples).float()) - 1.0
            returns = discounted_returns(rewards * mask, mask, DISCOUNT)
            counts = mask.sum(dim=0)
            position_means = (returns.sum(dim=0) / counts.clamp(min=1)).where(
                counts > 0, self.baseline
            )
            advantages = (returns - self.baseline) * mask
            self.baseline.lerp_(position_means, BASELINE_DECAY)
        state.generator.train()
        log_probs = token_log_probs(
            state.generator,
            samples,
            bos_id=self.begin_ids(state.generator, labels),
            pad_id=config.pad_id,
        )
        loss = -(log_probs * advantages).sum() / mask.sum().clamp(min=1)
        self.update_generator(state, loss)
        return {"generator_loss": float(loss.detach()), "mean_reward": float(rewards.mean())}
