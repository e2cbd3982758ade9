"""How much of the generated text is copied from the training texts."""

from __future__ import annotations

from ._bleu import Texts
from ._ngrams import NGramTable
from ._validation import check_order, check_same_token_kind, check_token_lists

__all__ = ["copied_ngrams"]


def copied_ngrams(texts: Texts, training_texts: Texts, n: int = 4) -> float:
    """Share of the n-grams of generated texts that occur in the training texts.

    A generator can lower NLL_oracle or raise BLEU by writing back pieces of
    its training texts; neither figure shows it. This one does, measured
    against a yardstick: the same share for real held-out texts (of the same
    source, never trained on) is what a model that has learned the language,
    not its training set, would write. n-grams do not cross text boundaries,
    and every occurrence counts (a copied n-gram written twice counts twice).

    Parameters
    ----------
    texts : list of str, list of token lists, or 2-D int array of token ids (cut at the end id)
        Generated texts (or held-out real texts, for the yardstick). A str is
        split on whitespace.
    training_texts : same kinds as ``texts``
        The texts the model was trained on, tokenized as ``texts`` are.
    n : int, default=4
        The n-gram order.

    Returns
    -------
    share : float
        In [0, 1]; 0.0 when no text of ``texts`` has n tokens.

    Raises
    ------
    ValueError
        If either set of texts is empty or ``n < 1``.
    TypeError
        If an argument has the wrong type, or one side holds words and the
        other token ids.

    See Also
    --------
    distinct_n : Diversity within the generated texts.

    Examples
    --------
    Of the three bigrams of "the cat sat down", "the cat" and "cat sat" are in
    the training texts:

    >>> from sklearn_textgan.metrics import copied_ngrams
    >>> round(copied_ngrams(["the cat sat down"], ["the cat sat", "a dog"], n=2), 4)
    0.6667
    """
    n = check_order(n, name="n")
    texts = check_token_lists(texts, name="texts")
    training_texts = check_token_lists(training_texts, name="training_texts")
    check_same_token_kind(texts, training_texts, names=("texts", "training_texts"))
    # The training texts' n-gram table numbers each generated n-gram, -1 where absent.
    occurrences, _ = NGramTable(training_texts, n).lookup(texts)
    _, ids = occurrences[n]
    if len(ids) == 0:
        return 0.0
    return float((ids >= 0).mean())
