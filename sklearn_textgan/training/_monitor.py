"""Cheap per-epoch figures of the generator's samples, so that collapse shows in the history.

Two figures from the same few samples: distinct-2 (a generator writing
fewer and fewer different texts) and the mean length (a generator that
learns to end its texts early, or never to end them).
"""

from __future__ import annotations

import torch
from torch import nn

from ..models import class_begin_ids, end_unended, sample_sequences
from ._base import TrainingConfig, TrainingState

__all__ = [
    "DIVERSITY_SAMPLES",
    "distinct_2",
    "epoch_monitor",
    "mean_length",
    "monitor_samples",
]

# Enough samples for distinct-2 to move visibly when the generator collapses,
# few enough to cost a small fraction of an epoch.
DIVERSITY_SAMPLES = 64


def _token_mask(sequences: torch.Tensor, *, eos_id: int, pad_id: int) -> torch.Tensor:
    """True at the tokens of each row: before its end token, padding left out."""
    tokens = (sequences != eos_id) & (sequences != pad_id)
    # A token after the end token is padding here, but be safe with unended rows.
    return tokens & (torch.cumsum(sequences == eos_id, dim=1) == 0)


def mean_length(sequences: torch.Tensor, *, eos_id: int, pad_id: int) -> float:
    """Mean number of tokens before the end token in the rows of ``sequences``.

    ``sequences`` is laid out as for :func:`distinct_2`; a row that never ends
    counts all its tokens.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.training import mean_length
    >>> mean_length(torch.tensor([[4, 5, 4, 5, 2], [4, 5, 2, 0, 0]]), eos_id=2, pad_id=0)
    3.0
    """
    if not len(sequences):
        return 0.0
    tokens = _token_mask(sequences, eos_id=eos_id, pad_id=pad_id)
    return float(tokens.sum()) / len(sequences)


def distinct_2(sequences: torch.Tensor, *, eos_id: int, pad_id: int) -> float:
    """Distinct bigrams over all bigrams of the tokens of ``sequences`` (before the end token).

    ``sequences`` is an (n, time) id tensor as written by the samplers: tokens,
    one end token, padding. Returns 0.0 when there is no bigram at all (every
    sequence has fewer than two tokens), which is collapse as well.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.training import distinct_2
    >>> distinct_2(torch.tensor([[4, 5, 4, 5, 2], [4, 5, 2, 0, 0]]), eos_id=2, pad_id=0)
    0.5
    """
    tokens = _token_mask(sequences, eos_id=eos_id, pad_id=pad_id)
    valid = tokens[:, :-1] & tokens[:, 1:]
    total = int(valid.sum())
    if total == 0:
        return 0.0
    vocabulary = int(sequences.max()) + 1
    pairs = sequences[:, :-1] * vocabulary + sequences[:, 1:]
    return int(torch.unique(pairs[valid]).numel()) / total


def monitor_samples(
    generator: nn.Module,
    *,
    width: int,
    seed: int,
    bos_id: int | torch.Tensor,
    eos_id: int,
    pad_id: int,
    device: torch.device,
    never_draw: tuple[int, ...] | None = None,
) -> torch.Tensor:
    """:data:`DIVERSITY_SAMPLES` id sequences drawn with a random generator of their own.

    ``never_draw``: the ids sampling never draws (see
    :func:`~sklearn_textgan.models.never_drawn_ids`).

    A fresh ``torch.Generator`` seeded with ``seed`` is used, so the training
    random streams are untouched (reproducibility holds) and every epoch is
    judged on the same random numbers (less noise between epochs).

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import build_generator
    >>> from sklearn_textgan.training import distinct_2, monitor_samples
    >>> generator = build_generator("lstm", vocab_size=20, embedding_dim=4, hidden_dim=8)
    >>> samples = monitor_samples(generator, width=6, seed=0, bos_id=1, eos_id=2, pad_id=0,
    ...                           device=torch.device("cpu"))
    >>> samples.shape
    torch.Size([64, 6])
    >>> 0.0 <= distinct_2(samples, eos_id=2, pad_id=0) <= 1.0
    True
    """
    random_generator = torch.Generator(device=device).manual_seed(int(seed))
    return sample_sequences(
        generator,
        DIVERSITY_SAMPLES,
        max_steps=width,
        bos_id=bos_id,
        eos_id=eos_id,
        pad_id=pad_id,
        random_generator=random_generator,
        device=device,
        never_draw=never_draw,
    )


def epoch_monitor(state: TrainingState, config: TrainingConfig) -> dict:
    """``distinct_2`` and ``mean_length`` of ``state.generator``'s samples now.

    Both are None when the fit is not monitored (``state.monitor_seed`` None).
    Both figures come from the same :data:`DIVERSITY_SAMPLES` samples.
    """
    if state.monitor_seed is None:
        return {"distinct_2": None, "mean_length": None}
    bos_id = config.bos_id
    if state.conditional:
        # Every class in turn: the figures then watch all classes for collapse.
        classes = torch.arange(DIVERSITY_SAMPLES, device=state.device)
        bos_id = class_begin_ids(state.generator, classes % state.generator.num_classes)
    samples = monitor_samples(
        state.generator,
        width=state.train.shape[1],
        seed=state.monitor_seed,
        bos_id=bos_id,
        eos_id=config.eos_id,
        pad_id=config.pad_id,
        device=state.device,
        never_draw=config.never_drawn,
    )
    # As TextGAN.sample returns them: a row unended at the last column is cut
    # there (otherwise it would count one token more than a text may have).
    samples = end_unended(samples, eos_id=config.eos_id)
    ids = {"eos_id": config.eos_id, "pad_id": config.pad_id}
    return {"distinct_2": distinct_2(samples, **ids), "mean_length": mean_length(samples, **ids)}
