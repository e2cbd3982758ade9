"""Monte-Carlo rollouts (SeqGAN): the reward of every prefix of a batch, batched.

For a batch of B generated sequences of width T and R rollouts, each prefix
of length t < T is completed R times by the rollout policy and the completed
sequences are judged by the discriminator; the reward of token t is the mean
probability of "real" over its R completions, and the last token's reward is
the judgement of the sequence itself.

The R * B completions of one prefix length run as one batch. The prefixes
are read once, one token further for each prefix length, with the recurrent
part of the generator only (no output layer); the output layer and sampling
run only for the positions being completed, and the discriminator computes
what the completions of one prefix share only once
(``CNNDiscriminator.completion_logits``). No Python loop runs over rollouts
or sequences.

For a class-conditional GAN, ``bos_id`` holds each sample's class begin id
(B,) and ``class_labels`` its class index (B,): the completions start from the
sample's class, and the reward is the discriminator's probability that the
completed text is real times its class head's probability of the requested
class, so that text that drifts to another style earns less.
"""

from __future__ import annotations

import torch
from torch import nn

from ..models._sequences import (
    StepSampler,
    begin_tokens,
    evaluation_mode,
    never_drawn_ids,
    output_width,
)

__all__ = ["class_probability", "rollout_rewards"]


def _realness(
    discriminator: nn.Module,
    sequences: torch.Tensor,
    labels: torch.Tensor | None = None,
    *,
    prefix: int = 0,
    n_rollouts: int = 1,
) -> torch.Tensor:
    """Probability of "real" per sequence, averaged over the discriminator's K judgements.

    With class ``labels``, times the class head's probability of each row's class.
    ``prefix`` and ``n_rollouts``: the rows are that many blocks of completions
    of the same prefixes, which a discriminator with ``completion_logits``
    reads once.
    """
    completion_logits = getattr(discriminator, "completion_logits", None)
    if prefix and completion_logits is not None:
        logits = completion_logits(sequences, shared=prefix, groups=n_rollouts)
    else:
        logits = discriminator(sequences)
    real = torch.sigmoid(logits.float()).mean(dim=1)
    if labels is None:
        return real
    return real * class_probability(discriminator, sequences, labels)


def class_probability(
    discriminator: nn.Module, sequences: torch.Tensor, labels: torch.Tensor
) -> torch.Tensor:
    """The class head's probability (n,) that each of ``sequences`` is of class ``labels``."""
    log_probs = torch.log_softmax(discriminator.class_logits(sequences).float(), dim=1)
    return log_probs.gather(1, labels.long().view(-1, 1)).squeeze(1).exp()


@torch.no_grad()
def rollout_rewards(
    rollout_policy: nn.Module,
    discriminator: nn.Module,
    samples: torch.Tensor,
    *,
    n_rollouts: int,
    bos_id: int | torch.Tensor,
    eos_id: int,
    pad_id: int,
    random_generator: torch.Generator | None,
    class_labels: torch.Tensor | None = None,
    never_draw: tuple[int, ...] | None = None,
) -> torch.Tensor:
    """Rewards of shape (B, T) for ``samples`` (B, T); 0 after a sequence has ended.

    The completions never draw the ids ``never_draw`` (default: see
    :func:`~sklearn_textgan.models.never_drawn_ids`). Both modules run in
    evaluation mode and are given back in the mode they came in.

    Examples
    --------
    With a stand-in discriminator that finds every text real with
    probability 0.5, every token earns 0.5, whatever the completions; padding
    after the end token (2) earns nothing:

    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator
    >>> from sklearn_textgan.training import rollout_rewards
    >>> class Unsure(torch.nn.Module):
    ...     def forward(self, sequences):
    ...         return torch.zeros(len(sequences), 1)  # logit 0: P(real) = 0.5
    >>> policy = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=4)
    >>> samples = torch.tensor([[5, 6, 2, 0], [7, 8, 9, 2]])
    >>> rewards = rollout_rewards(
    ...     policy, Unsure(), samples, n_rollouts=3, bos_id=1, eos_id=2, pad_id=0,
    ...     random_generator=torch.Generator().manual_seed(0),
    ... )
    >>> rewards
    tensor([[0.5000, 0.5000, 0.5000, 0.0000],
            [0.5000, 0.5000, 0.5000, 0.5000]])
    """
    with evaluation_mode(rollout_policy, discriminator):
        batch, width = samples.shape
        rewards = torch.zeros(batch, width, device=samples.device)
        rewards[:, -1] = _realness(discriminator, samples, class_labels)
        never = never_drawn_ids(
            never_draw, bos_id, pad_id, samples.device, output_width(rollout_policy)
        )
        if isinstance(bos_id, torch.Tensor):
            bos_id = bos_id.repeat(n_rollouts)
        repeated_labels = None if class_labels is None else class_labels.repeat(n_rollouts)
        if width > 1:
            # Position j of row b is a continuation of the prefix it follows; a prefix
            # that already holds the end token is complete and only padded.
            repeated = samples.repeat(n_rollouts, 1)  # (R * B, T), row r * B + b
            rows = repeated.shape[0]
            # The policy reads each prefix once: the state after the first p - 1
            # tokens is advanced by one token per prefix length, and every
            # completion starts from it (states are values: steps never modify them).
            state = rollout_policy.initial_state(rows, samples.device)
            tokens = begin_tokens(bos_id, rows, samples.device)
            # One sampler (and its logits buffer) serves every prefix length's completions.
            sampler = StepSampler(
                rollout_policy, rows, samples.device, never=never, random_generator=random_generator
            )
            for prefix in range(1, width):
                _, state = rollout_policy.step_features(tokens, state)
                tokens = repeated[:, prefix - 1]
                completed = _complete(sampler, repeated, prefix, state, tokens, eos_id, pad_id)
                realness = _realness(
                    discriminator, completed, repeated_labels, prefix=prefix, n_rollouts=n_rollouts
                )
                realness = realness.view(n_rollouts, batch)
                rewards[:, prefix - 1] = realness.mean(dim=0)
        ended_before = torch.cumsum(samples == eos_id, dim=1) - (samples == eos_id).long()
        return rewards.masked_fill((ended_before > 0) | (samples == pad_id), 0.0)


def _complete(
    sampler: StepSampler,
    sequences: torch.Tensor,
    prefix: int,
    state,
    tokens: torch.Tensor,
    eos_id: int,
    pad_id: int,
) -> torch.Tensor:
    """Keep the first ``prefix`` tokens of each row and draw the rest with ``sampler``.

    ``state`` is the policy's state after reading all but the last prefix
    token, ``tokens`` (rows,) that last token.
    """
    width = sequences.shape[1]
    out = sequences.clone()
    finished = (sequences[:, :prefix] == eos_id).any(dim=1)
    for position in range(prefix, width):
        tokens, state = sampler(tokens, state)
        out[:, position] = tokens.masked_fill(finished, pad_id)
        finished |= tokens == eos_id
    return out
