"""MaliGAN (Che et al., 2017): maximum-likelihood augmented with discriminator weights."""

from __future__ import annotations

import torch

from ..models import token_log_probs
from ._adversarial import AdversarialAlgorithm
from ._base import TrainingState
from ._registry import register_algorithm
from ._rollout import class_probability

__all__ = ["MaliGAN"]


@register_algorithm("maligan")
class MaliGAN(AdversarialAlgorithm):
    """Weight each generated sequence by D/(1-D), normalised over the batch.

    With an optimal discriminator, D/(1-D) = p_data/p_generator, so the
    normalised weights are importance weights that turn the generator's own
    samples into an estimate of the maximum-likelihood gradient; subtracting
    their mean (1/B) is the paper's variance-reducing baseline.

    Class-conditional: the batch is generated for classes drawn with the
    training class frequencies and each weight is multiplied by the class
    head's probability of the requested class.

    Examples
    --------
    Used through ``TextGAN(algorithm="maligan")``:

    >>> from sklearn_textgan.training import MaliGAN, get_algorithm
    >>> get_algorithm("maligan") is MaliGAN
    True
    >>> MaliGAN.default_generator, MaliGAN.default_discriminator
    ('lstm', 'cnn')
    """

    def generator_step(self, state: TrainingState, progress: float) -> dict:
        config = self.config
        labels = self.draw_labels(state, config.batch_size)
        samples = self.generate(state, config.batch_size, labels)
        with torch.no_grad():
            state.discriminator.eval()
            # log(D / (1 - D)) is the logit itself; a softmax over the batch normalises
            # the weights without overflow.
            logits = state.discriminator(samples).float().mean(dim=1)
            if labels is not None:
                logits = logits + class_probability(state.discriminator, samples, labels).log()
            weights = torch.softmax(logits, dim=0)
            advantages = weights - 1.0 / len(samples)
        state.generator.train()
        log_probs = token_log_probs(
            state.generator,
            samples,
            bos_id=self.begin_ids(state.generator, labels),
            pad_id=config.pad_id,
        ).sum(dim=1)
        loss = -(advantages * log_probs).sum()
        self.update_generator(state, loss)
        return {"generator_loss": float(loss.detach())}
