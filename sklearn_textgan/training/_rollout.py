"""Monte-Carlo rollouts (SeqGAN): the reward of every prefix of a batch, batched.

For a batch of B generated sequences of width T and R rollouts, each prefix
of length t < T is completed R times by the rollout policy and the completed
sequences are judged by the discriminator; the reward of token t is the mean
probability of "real" over its R completions, and the last token's reward is
the judgement of the sequence itself.

The R * B completions of one prefix length run as one batch: the prefix is
read with the recurrent part of the generator only (no output layer), and
the output layer and sampling run only for the positions being completed.
No Python loop runs over rollouts or sequences.
"""

from __future__ import annotations

import torch
from torch import nn

from ..models._sequences import draw_tokens, logits_buffer, next_token_logits

__all__ = ["rollout_rewards"]


def _realness(discriminator: nn.Module, sequences: torch.Tensor) -> torch.Tensor:
    """Probability of "real" per sequence, averaged over the discriminator's K judgements."""
    return torch.sigmoid(discriminator(sequences).float()).mean(dim=1)


@torch.no_grad()
def rollout_rewards(
    rollout_policy: nn.Module,
    discriminator: nn.Module,
    samples: torch.Tensor,
    *,
    n_rollouts: int,
    bos_id: int,
    eos_id: int,
    pad_id: int,
    random_generator: torch.Generator | None,
) -> torch.Tensor:
    """Rewards of shape (B, T) for ``samples`` (B, T); 0 after a sequence has ended."""
    rollout_policy.eval()
    discriminator.eval()
    batch, width = samples.shape
    rewards = torch.zeros(batch, width, device=samples.device)
    rewards[:, -1] = _realness(discriminator, samples)
    if width > 1:
        # Position j of row b is a continuation of the prefix it follows; a prefix
        # that already holds the end token is complete and only padded.
        repeated = samples.repeat(n_rollouts, 1)  # (R * B, T), row r * B + b
        for prefix in range(1, width):
            completed = _complete(
                rollout_policy, repeated, prefix, bos_id, eos_id, pad_id, random_generator
            )
            realness = _realness(discriminator, completed).view(n_rollouts, batch)
            rewards[:, prefix - 1] = realness.mean(dim=0)
    ended_before = torch.cumsum(samples == eos_id, dim=1) - (samples == eos_id).long()
    return rewards.masked_fill((ended_before > 0) | (samples == pad_id), 0.0)


def _complete(
    policy: nn.Module,
    sequences: torch.Tensor,
    prefix: int,
    bos_id: int,
    eos_id: int,
    pad_id: int,
    random_generator: torch.Generator | None,
) -> torch.Tensor:
    """Keep the first ``prefix`` tokens of each row and sample the rest."""
    rows, width = sequences.shape
    out = sequences.clone()
    state = policy.initial_state(rows, sequences.device)
    tokens = torch.full((rows,), bos_id, dtype=torch.long, device=sequences.device)
    for position in range(prefix):
        _, state = policy.step_features(tokens, state)
        tokens = sequences[:, position]
    finished = (sequences[:, :prefix] == eos_id).any(dim=1)
    buffer = logits_buffer(policy, rows, sequences.device)
    for position in range(prefix, width):
        logits, state = next_token_logits(policy, tokens, state, buffer)
        tokens = draw_tokens(logits, 1.0, random_generator, in_place=buffer is not None)
        out[:, position] = tokens.masked_fill(finished, pad_id)
        finished |= tokens == eos_id
    return out
