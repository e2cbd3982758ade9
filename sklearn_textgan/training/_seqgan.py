"""SeqGAN (Yu et al., 2017): policy gradient with Monte-Carlo rollout rewards."""

from __future__ import annotations

import copy

import torch

from ..models import token_log_probs
from ._adversarial import AdversarialAlgorithm
from ._base import TrainingState
from ._registry import register_algorithm
from ._rollout import rollout_rewards

__all__ = ["SeqGAN"]

# Weight of the old rollout parameters at each update, as in the paper's code.
ROLLOUT_UPDATE_RATE = 0.8


@register_algorithm("seqgan")
class SeqGAN(AdversarialAlgorithm):
    """REINFORCE on the generator with rewards from rollouts judged by the discriminator.

    The reward of token t is the discriminator's mean probability of "real"
    over ``n_rollouts`` completions of the prefix ending at t by a rollout
    policy, a slowly moving copy of the generator.

    Class-conditional: each batch is generated for classes drawn with the
    training class frequencies, its rollouts continue from the same class,
    and the reward is P(real) times the class head's probability of the
    requested class.

    Examples
    --------
    Used through ``TextGAN(algorithm="seqgan")``; the registry maps the name
    to this strategy, whose defaults fill the parameters left unset:

    >>> from sklearn_textgan.training import SeqGAN, get_algorithm
    >>> get_algorithm("seqgan") is SeqGAN
    True
    >>> SeqGAN.default_generator, SeqGAN.default_discriminator, SeqGAN.default_loss
    ('lstm', 'cnn', 'non_saturating')
    """

    def start_adversarial(self, state: TrainingState) -> None:
        self.rollout_policy = copy.deepcopy(state.generator)
        for parameter in self.rollout_policy.parameters():
            parameter.requires_grad_(False)

    def generator_step(self, state: TrainingState, progress: float) -> dict:
        config = self.config
        labels = self.draw_labels(state, config.batch_size)
        samples = self.generate(state, config.batch_size, labels)
        rewards = rollout_rewards(
            self.rollout_policy,
            state.discriminator,
            samples,
            n_rollouts=config.n_rollouts,
            bos_id=self.begin_ids(self.rollout_policy, labels),
            eos_id=config.eos_id,
            pad_id=config.pad_id,
            random_generator=state.random_generator,
            class_labels=labels,
            never_draw=config.never_drawn,
        )
        state.generator.train()
        log_probs = token_log_probs(
            state.generator,
            samples,
            bos_id=self.begin_ids(state.generator, labels),
            pad_id=config.pad_id,
        )
        n_tokens = (samples != config.pad_id).sum().clamp(min=1)
        loss = -(log_probs * rewards).sum() / n_tokens
        self.update_generator(state, loss)
        self._update_rollout_policy(state)
        return {"generator_loss": float(loss.detach()), "mean_reward": float(rewards.mean())}

    @torch.no_grad()
    def _update_rollout_policy(self, state: TrainingState) -> None:
        for old, new in zip(
            self.rollout_policy.parameters(), state.generator.parameters(), strict=True
        ):
            old.mul_(ROLLOUT_UPDATE_RATE).add_(new, alpha=1.0 - ROLLOUT_UPDATE_RATE)
