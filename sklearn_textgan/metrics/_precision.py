"""From clipped n-gram matches and lengths to BLEU, exactly as NLTK's ``sentence_bleu``.

NLTK's ``sentence_bleu(references, hypothesis, weights=(1/N,) * N,
smoothing_function=SmoothingFunction().method1)``, which Texygen and RelGAN
averaged over hypotheses, computes for n = 1..N

- ``p_n = matches_n / max(1, ngrams_n)``, where ``matches_n`` clips each
  n-gram's count by its largest count in any one reference, and ``p_n =
  0.1 / max(1, ngrams_n)`` when ``matches_n`` is 0 (smoothing method 1; a
  hypothesis shorter than n therefore gets ``p_n = 0.1``);
- the brevity penalty ``1`` if the hypothesis is longer than the closest
  reference length (ties go to the shorter reference), else
  ``exp(1 - r / h)``, and ``0`` for an empty hypothesis;
- ``BLEU-N = BP * exp(sum_n log(p_n) / N)``, but ``0`` when there is no
  unigram match at all.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["bleu_from_matches", "closest_lengths", "leave_one_out_closest_lengths"]

# NLTK's SmoothingFunction(epsilon=0.1).method1: the count given to an order without matches.
SMOOTHING_EPSILON = 0.1


def _nearest(lengths: np.ndarray, below, above, has_below, has_above) -> np.ndarray:
    """The nearer of two candidate lengths; a tie goes to the shorter one, as in NLTK."""
    take_below = has_below & (~has_above | (lengths - below <= above - lengths))
    return np.where(take_below, below, above)


def closest_lengths(lengths: np.ndarray, reference_lengths: np.ndarray) -> np.ndarray:
    """Closest reference length to each hypothesis length.

    ``reference_lengths`` is the sorted array of distinct reference lengths.
    """
    index = np.searchsorted(reference_lengths, lengths)
    last = len(reference_lengths) - 1
    below = reference_lengths[np.maximum(index - 1, 0)]
    above = reference_lengths[np.minimum(index, last)]
    return _nearest(lengths, below, above, index > 0, index <= last)


def leave_one_out_closest_lengths(lengths: np.ndarray) -> np.ndarray:
    """Closest length to each text's among all the other texts' lengths (at least two texts)."""
    values, index, counts = np.unique(lengths, return_inverse=True, return_counts=True)
    index = index.reshape(-1)
    last = len(values) - 1
    below = values[np.maximum(index - 1, 0)]
    above = values[np.minimum(index + 1, last)]
    neighbour = _nearest(lengths, below, above, index > 0, index < last)
    # Another text of the same length is at distance zero.
    return np.where(counts[index] >= 2, lengths, neighbour)


def bleu_from_matches(
    matches: np.ndarray, lengths: np.ndarray, closest: np.ndarray, orders: Iterable[int]
) -> dict[int, np.ndarray]:
    """BLEU-n of each hypothesis for every n in ``orders``.

    Parameters
    ----------
    matches : ndarray of shape (max_n, n_hypotheses)
        Clipped matches of orders 1..max_n, with ``max_n >= max(orders)``.
    lengths : ndarray of shape (n_hypotheses,)
        Hypothesis lengths in tokens.
    closest : ndarray of shape (n_hypotheses,)
        Closest reference length of each hypothesis.
    orders : iterable of int

    Returns
    -------
    scores : dict of int to ndarray of shape (n_hypotheses,)
    """
    max_n = matches.shape[0]
    # n-grams in a hypothesis of length h: h - n + 1, at least 1 as in NLTK.
    totals = np.maximum(lengths[None, :] - np.arange(max_n)[:, None], 1)
    log_precision = np.log(np.where(matches > 0, matches, SMOOTHING_EPSILON) / totals)
    safe_lengths = np.maximum(lengths, 1)
    penalty = np.where(lengths > closest, 1.0, np.exp(1.0 - closest / safe_lengths))
    penalty = np.where(lengths == 0, 0.0, penalty)
    any_match = matches[0] > 0
    scores = {}
    for n in orders:
        # Weights times logs, then the sum: NLTK's order of operations.
        geometric = np.exp(np.sum(log_precision[:n] * (1.0 / n), axis=0))
        scores[n] = np.where(any_match, penalty * geometric, 0.0)
    return scores
