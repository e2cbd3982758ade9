"""Integer ids for the n-grams of a corpus: the engine of BLEU, Self-BLEU and distinct-n.

Every n-gram gets an exact integer id (no hashing, so no collisions): a token
is numbered by a vocabulary, and an n-gram by the rank of the pair (id of its
first n - 1 tokens, its last token) among the distinct pairs of the corpus.
The counting that BLEU needs is then sorting and ``bincount`` over int64
arrays, instead of one Python ``Counter`` of tuples per sentence and per
reference, which is what makes these metrics a thousand times faster than
looping over NLTK's ``sentence_bleu``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np

__all__ = ["LeaveOneOutCounts", "NGramTable", "ReferenceCounts", "count_pairs", "encode"]


def encode(
    token_lists: list[list], vocabulary: dict, *, grow: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Flat token ids of all lists, and the length of each list.

    With ``grow=True`` new tokens are added to ``vocabulary``; otherwise a
    token outside it gets the id -1 (it can match nothing).
    """
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    flat = itertools.chain.from_iterable(token_lists)
    try:
        if grow:
            setdefault = vocabulary.setdefault
            ids = [setdefault(token, len(vocabulary)) for token in flat]
        else:
            get = vocabulary.get
            ids = [get(token, -1) for token in flat]
    except TypeError as error:
        raise TypeError(f"Tokens must be hashable, such as str or int: {error}.") from None
    return np.array(ids, dtype=np.int64), lengths


def _iterate(
    tokens: np.ndarray,
    lengths: np.ndarray,
    max_n: int,
    next_ids: Callable[[int, np.ndarray, np.ndarray], np.ndarray],
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield ``(n, text, ids)`` for n = 1..max_n: each n-gram occurrence's text and id.

    ``next_ids(n, prefix_ids, last_tokens)`` numbers the n-grams from the ids
    of their first n - 1 tokens and their last token. Occurrences are listed
    in corpus order, so ``text`` is non-decreasing.
    """
    text_of = np.repeat(np.arange(len(lengths)), lengths)
    # Tokens from each position to the end of its text: an n-gram starts
    # wherever at least n are left.
    remaining = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(tokens))
    positions = np.arange(len(tokens))
    ids = tokens
    for n in range(1, max_n + 1):
        if n > 1:
            keep = remaining[positions] >= n
            positions = positions[keep]
            ids = next_ids(n, ids[keep], tokens[positions + n - 1])
        yield n, text_of[positions], ids


def count_pairs(
    text: np.ndarray, ids: np.ndarray, n_texts: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (text, id) pairs among occurrences with ``ids >= 0``, and their counts.

    Pairs come sorted by id, then by text.
    """
    known = ids >= 0
    keys, counts = np.unique(ids[known] * n_texts + text[known], return_counts=True)
    return keys % n_texts, keys // n_texts, counts


class NGramTable:
    """The distinct n-grams of a corpus, orders 1 to ``max_n``, with their occurrences.

    Attributes
    ----------
    vocabulary : dict
        Token to id.
    lengths : ndarray of int64 of shape (n_texts,)
        Tokens in each text.
    keys : dict of int to ndarray
        For n >= 2, the sorted pair keys ``prefix_id * base + token`` of the
        distinct n-grams; an n-gram's id is the position of its key.
    n_distinct : dict of int to int
        Number of distinct n-grams of each order.
    occurrences : dict of int to (ndarray, ndarray)
        For each order, the text and the id of every n-gram occurrence.
    """

    def __init__(self, token_lists: list[list], max_n: int) -> None:
        self.vocabulary: dict = {}
        tokens, self.lengths = encode(token_lists, self.vocabulary, grow=True)
        self.n_texts = len(token_lists)
        self.max_n = max_n
        # Pair keys prefix_id * base + token are unique because token < base.
        self.base = max(1, len(self.vocabulary))
        self.keys: dict[int, np.ndarray] = {}
        self.n_distinct = {1: len(self.vocabulary)}
        self.occurrences = {
            n: (text, ids) for n, text, ids in _iterate(tokens, self.lengths, max_n, self._number)
        }

    def _number(self, n: int, prefix: np.ndarray, last: np.ndarray) -> np.ndarray:
        keys, ids = np.unique(prefix * self.base + last, return_inverse=True)
        self.keys[n] = keys
        self.n_distinct[n] = len(keys)
        return ids.reshape(-1)

    def lookup(self, token_lists: list[list]) -> tuple[dict, np.ndarray]:
        """Ids, in this table, of the n-grams of other texts (-1 where absent).

        Returns
        -------
        occurrences : dict of int to (ndarray, ndarray)
            For each order, the text and the id of every n-gram occurrence.
        lengths : ndarray of int64 of shape (n_texts,)
        """
        tokens, lengths = encode(token_lists, self.vocabulary, grow=False)
        occurrences = {
            n: (text, ids) for n, text, ids in _iterate(tokens, lengths, self.max_n, self._find)
        }
        return occurrences, lengths

    def _find(self, n: int, prefix: np.ndarray, last: np.ndarray) -> np.ndarray:
        keys = self.keys[n]
        # An n-gram whose prefix or last token is unknown is unknown itself.
        wanted = prefix * self.base + last
        known = (prefix >= 0) & (last >= 0)
        if len(keys) == 0:
            return np.full(len(wanted), -1, dtype=np.int64)
        where = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(known & (keys[where] == wanted), where, -1)


class ReferenceCounts:
    """Clipping counts of a reference set: each n-gram's largest count in one reference.

    Built once; :meth:`matches` then clips any number of hypotheses.
    """

    def __init__(self, token_lists: list[list], max_n: int) -> None:
        self.table = NGramTable(token_lists, max_n)
        self.max_n = max_n
        self.lengths = np.unique(self.table.lengths)
        self.max_counts = {}
        for n, (text, ids) in self.table.occurrences.items():
            _, pair_ids, counts = count_pairs(text, ids, self.table.n_texts)
            largest = np.zeros(self.table.n_distinct[n], dtype=np.int64)
            if len(counts):
                # Pairs are sorted by id: one reduceat gives each id's largest count.
                starts = np.flatnonzero(np.r_[True, pair_ids[1:] != pair_ids[:-1]])
                largest[pair_ids[starts]] = np.maximum.reduceat(counts, starts)
            self.max_counts[n] = largest

    def matches(self, token_lists: list[list]) -> tuple[np.ndarray, np.ndarray]:
        """Clipped n-gram matches of each hypothesis, orders 1..max_n.

        Returns
        -------
        matches : ndarray of float64 of shape (max_n, n_hypotheses)
            Sum over the hypothesis's distinct n-grams of
            ``min(count in the hypothesis, max_counts)``.
        lengths : ndarray of int64 of shape (n_hypotheses,)
        """
        occurrences, lengths = self.table.lookup(token_lists)
        n_texts = len(lengths)
        matches = np.zeros((self.max_n, n_texts))
        for n, (text, ids) in occurrences.items():
            pair_text, pair_ids, counts = count_pairs(text, ids, n_texts)
            clipped = np.minimum(counts, self.max_counts[n][pair_ids])
            matches[n - 1] = np.bincount(pair_text, weights=clipped, minlength=n_texts)
        return matches, lengths


class LeaveOneOutCounts:
    """Clipped matches of each text of a set against all the other texts.

    The largest count of an n-gram over "all texts but i" is the largest
    count overall, unless text i alone holds it: then it is the second
    largest. So the two largest counts and one holder of the largest are
    enough, and every text is scored in one pass.
    """

    def __init__(self, token_lists: list[list], max_n: int) -> None:
        self.table = NGramTable(token_lists, max_n)
        self.max_n = max_n

    @property
    def lengths(self) -> np.ndarray:
        return self.table.lengths

    def matches(self) -> np.ndarray:
        """Clipped n-gram matches, shape (max_n, n_texts), as :meth:`ReferenceCounts.matches`."""
        n_texts = self.table.n_texts
        matches = np.zeros((self.max_n, n_texts))
        for n, (text, ids) in self.table.occurrences.items():
            pair_text, pair_ids, counts = count_pairs(text, ids, n_texts)
            if not len(counts):
                continue
            # Each id's pairs, largest count first.
            order = np.lexsort((-counts, pair_ids))
            ids_sorted, counts_sorted = pair_ids[order], counts[order]
            starts = np.flatnonzero(np.r_[True, ids_sorted[1:] != ids_sorted[:-1]])
            group_ids = ids_sorted[starts]
            has_second = np.r_[starts[1:], len(order)] - starts >= 2
            n_ids = self.table.n_distinct[n]
            first = np.zeros(n_ids, dtype=np.int64)
            second = np.zeros(n_ids, dtype=np.int64)
            holder = np.full(n_ids, -1, dtype=np.int64)
            first[group_ids] = counts_sorted[starts]
            holder[group_ids] = pair_text[order][starts]
            second[group_ids[has_second]] = counts_sorted[starts[has_second] + 1]
            # When several texts share the largest count, second == first, so
            # which one is named holder does not matter.
            others = np.where(holder[pair_ids] == pair_text, second[pair_ids], first[pair_ids])
            clipped = np.minimum(counts, others)
            matches[n - 1] = np.bincount(pair_text, weights=clipped, minlength=n_texts)
        return matches
