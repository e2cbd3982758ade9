"""Diversity of a set of generated texts: Self-BLEU and distinct-n."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._bleu import Texts, _summarise
from ._ngrams import LeaveOneOutCounts, NGramTable
from ._precision import bleu_from_matches, leave_one_out_closest_lengths
from ._validation import check_average, check_order, check_orders, check_token_lists

__all__ = ["distinct_n", "self_bleu", "self_bleu_scores"]


def self_bleu_scores(
    texts: Texts, max_n: Sequence[int] = (2, 3, 4, 5), *, average: bool = True
) -> dict[int, float] | dict[int, np.ndarray]:
    """Self-BLEU-n for several n at once, sharing the n-gram counting.

    Parameters
    ----------
    texts : list of str, list of token lists, or 2-D int array of token ids (cut at the end id)
        Generated texts, at least two. A str is split on whitespace.
    max_n : sequence of int, default=(2, 3, 4, 5)
        The orders n of the Self-BLEU-n to compute.
    average : bool, default=True
        Whether to average over texts; False gives one score per text.

    Returns
    -------
    scores : dict of int to float, or dict of int to ndarray of shape (n_texts,)
        Self-BLEU-n for each n of ``max_n``, in the order given.

    Raises
    ------
    ValueError
        If there are fewer than two texts, or an order is below 1 or repeated.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    self_bleu : Self-BLEU of one order, and how it is computed.

    Examples
    --------
    >>> from sklearn_textgan.metrics import self_bleu_scores
    >>> texts = ["the cat sat", "the cat ran", "a dog ran"]
    >>> {n: round(v, 4) for n, v in self_bleu_scores(texts, max_n=(1, 2)).items()}
    {1: 0.6667, 2: 0.4712}
    """
    average = check_average(average)
    orders = check_orders(max_n)
    texts = check_token_lists(texts, name="texts")
    if len(texts) < 2:
        raise ValueError(
            f"Self-BLEU compares each text with the others: it needs at least two texts, "
            f"got {len(texts)}."
        )
    counts = LeaveOneOutCounts(texts, max(orders))
    lengths = counts.lengths
    closest = leave_one_out_closest_lengths(lengths)
    scores = bleu_from_matches(counts.matches(), lengths, closest, orders)
    return _summarise(scores, average)


def self_bleu(texts: Texts, max_n: int = 4, *, average: bool = True) -> float | np.ndarray:
    """Self-BLEU-n: BLEU of each generated text against all the others.

    The diversity measure of Texygen (Zhu et al. 2018): each text is the
    hypothesis once, with every other text of the set as references
    (leave-one-out), and the BLEU scores are averaged; lower means more
    diverse. BLEU is computed as in :func:`bleu` (NLTK's smoothing method 1,
    closest-length brevity penalty), so each text's score equals
    ``nltk.translate.bleu_score.sentence_bleu(texts[:i] + texts[i+1:],
    texts[i], weights=(1 / max_n,) * max_n,
    smoothing_function=SmoothingFunction().method1)``, for all texts in one
    pass. Duplicate texts count as separate texts: a text repeated twice
    finds its copy among the others and scores 1.

    Parameters
    ----------
    texts : list of str, list of token lists, or 2-D int array of token ids (cut at the end id)
        Generated texts, at least two. A str is split on whitespace. Report
        how many: Self-BLEU rises with the size of the set.
    max_n : int, default=4
        Largest n-gram order.
    average : bool, default=True
        Whether to average over texts; False gives one score per text.

    Returns
    -------
    score : float or ndarray of shape (n_texts,)
        In [0, 1]; lower is more diverse.

    Raises
    ------
    ValueError
        If there are fewer than two texts, or ``max_n < 1``.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    bleu : Quality, each text against real references.
    self_bleu_scores : Several orders in one pass.
    distinct_n : A cheaper diversity measure.

    Examples
    --------
    Worked by hand, with ``max_n=2``: "the cat sat" matches 2 of its 3
    unigrams and 1 of its 2 bigrams in the two others, ``sqrt(2/3 * 1/2)``;
    "the cat ran" scores ``sqrt(3/3 * 1/2)``; "a dog ran" matches 1 unigram
    and no bigram (smoothed to 0.1 of a match), ``sqrt(1/3 * 0.1/2)``.
    Their mean is 0.4712.

    >>> from sklearn_textgan.metrics import self_bleu
    >>> round(self_bleu(["the cat sat", "the cat ran", "a dog ran"], max_n=2), 4)
    0.4712
    """
    max_n = check_order(max_n)
    return self_bleu_scores(texts, (max_n,), average=average)[max_n]


def distinct_n(texts: Texts, n: int = 2) -> float:
    """Distinct n-grams divided by all n-grams of a set of texts (distinct-n).

    The diversity measure of Li et al. (2016), over the whole set: n-grams do
    not cross text boundaries, and a text shorter than n has none.

    Parameters
    ----------
    texts : list of str, list of token lists, or 2-D int array of token ids (cut at the end id)
        Generated texts. A str is split on whitespace.
    n : int, default=2
        The n-gram order.

    Returns
    -------
    score : float
        In (0, 1]; higher is more diverse. 0.0 when no text has n tokens.

    Raises
    ------
    ValueError
        If ``texts`` is empty or ``n < 1``.
    TypeError
        If an argument has the wrong type.

    See Also
    --------
    self_bleu : Diversity by overlap between texts.

    Examples
    --------
    Four bigrams, "the cat" twice: 3 distinct.

    >>> from sklearn_textgan.metrics import distinct_n
    >>> distinct_n(["the cat sat", "the cat ran"], n=2)
    0.75
    >>> round(distinct_n(["the cat sat", "the cat ran"], n=1), 4)
    0.6667
    """
    n = check_order(n, name="n")
    texts = check_token_lists(texts, name="texts")
    table = NGramTable(texts, n)
    _, ids = table.occurrences[n]
    if len(ids) == 0:
        return 0.0
    return float(table.n_distinct[n] / len(ids))
