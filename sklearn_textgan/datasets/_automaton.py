"""Weighted deterministic finite-state automata over words.

An automaton has named states; each non-final state has outgoing arcs
``(word, next_state, probability)`` with distinct words and probabilities that
sum to one, and a single final state has none. A sentence is the sequence of
words along a path from the start state to the final state, and its
probability is the product of the probabilities of the arcs it takes, so it is
exact and cheap to compute. The automata here must be acyclic, which makes the
language finite and bounds the sentence length.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

import numpy as np

__all__ = ["WeightedAutomaton"]

Arc = tuple[str, str, float]


class WeightedAutomaton:
    """An acyclic, deterministic, probabilistic automaton emitting words.

    Parameters
    ----------
    arcs : mapping of str to sequence of (str, str, float)
        For each non-final state, its outgoing arcs ``(word, next_state,
        weight)``. Weights must be positive; they are normalised per state.
    start : str
        The start state.
    final : str
        The final state; it has no outgoing arcs.

    Attributes
    ----------
    arcs : mapping of str to tuple of (str, str, float)
        Read-only outgoing arcs of each non-final state, with probabilities.
    vocabulary : list of str
        Sorted list of the words on the arcs.
    max_length : int
        Number of words of the longest sentence.
    n_sentences : int
        Number of distinct sentences of the language.
    """

    def __init__(self, arcs: Mapping[str, Sequence[Arc]], start: str, final: str) -> None:
        if final in arcs and arcs[final]:
            raise ValueError(f"The final state {final!r} must not have outgoing arcs.")
        normalised: dict[str, tuple[Arc, ...]] = {}
        for state, state_arcs in arcs.items():
            if state == final:
                continue
            state_arcs = list(state_arcs)
            if not state_arcs:
                raise ValueError(f"State {state!r} has no outgoing arc.")
            words = [word for word, _, _ in state_arcs]
            if len(set(words)) != len(words):
                duplicates = sorted({word for word in words if words.count(word) > 1})
                raise ValueError(f"State {state!r} has several arcs for {duplicates}.")
            weights = [float(weight) for _, _, weight in state_arcs]
            if not all(math.isfinite(weight) and weight > 0 for weight in weights):
                raise ValueError(f"State {state!r} has a weight that is not positive.")
            total = math.fsum(weights)
            normalised[state] = tuple(
                (word, nxt, weight / total)
                for (word, nxt, _), weight in zip(state_arcs, weights, strict=True)
            )
        targets = {nxt for state_arcs in normalised.values() for _, nxt, _ in state_arcs}
        unknown = sorted(targets - set(normalised) - {final})
        if unknown:
            raise ValueError(f"Arcs lead to states without outgoing arcs: {unknown}.")
        if start not in normalised:
            raise ValueError(f"The start state {start!r} has no outgoing arc.")
        self.start = start
        self.final = final
        self.arcs = MappingProxyType(normalised)
        self._order = _topological_order(normalised, start, final)
        self._check_useful()
        self.vocabulary = sorted(
            {word for state_arcs in normalised.values() for word, _, _ in state_arcs}
        )
        self.max_length = self._longest()
        self.n_sentences = self._count()
        self._build_tables()

    def _check_useful(self) -> None:
        unreachable = sorted(set(self.arcs) - set(self._order))
        if unreachable:
            raise ValueError(f"States not reachable from the start state: {unreachable}.")

    def _longest(self) -> int:
        longest = {self.final: 0}
        for state in reversed(self._order):
            longest[state] = 1 + max(longest[nxt] for _, nxt, _ in self.arcs[state])
        return longest[self.start]

    def _count(self) -> int:
        count = {self.final: 1}
        for state in reversed(self._order):
            count[state] = sum(count[nxt] for _, nxt, _ in self.arcs[state])
        return count[self.start]

    def _build_tables(self) -> None:
        """Index states and words; pad per-state arc arrays for vectorised use."""
        states = [*self._order, self.final]
        self._state_index = {state: index for index, state in enumerate(states)}
        self._final_index = self._state_index[self.final]
        self._word_index = {word: index for index, word in enumerate(self.vocabulary)}
        width = max(len(state_arcs) for state_arcs in self.arcs.values())
        n_states = len(states)
        # Padding thresholds of 2.0 lie above every uniform draw in [0, 1).
        self._cumulative = np.full((n_states, width), 2.0)
        self._words = np.zeros((n_states, width), dtype=np.int64)
        self._next = np.full((n_states, width), self._final_index, dtype=np.int64)
        self._lookup: list[dict[str, tuple[int, float]]] = [{} for _ in states]
        for state, state_arcs in self.arcs.items():
            row = self._state_index[state]
            cumulative = np.cumsum([probability for _, _, probability in state_arcs])
            cumulative[-1] = 1.0
            self._cumulative[row, : len(state_arcs)] = cumulative
            for column, (word, nxt, probability) in enumerate(state_arcs):
                self._words[row, column] = self._word_index[word]
                self._next[row, column] = self._state_index[nxt]
                self._lookup[row][word] = (self._state_index[nxt], math.log(probability))

    def sample_words(self, n_samples: int, rng: np.random.Generator) -> list[list[str]]:
        """Draw ``n_samples`` sentences, each as its list of words."""
        tokens = np.full((n_samples, self.max_length), -1, dtype=np.int64)
        state = np.full(n_samples, self._state_index[self.start], dtype=np.int64)
        active = np.arange(n_samples)
        for position in range(self.max_length):
            if active.size == 0:
                break
            rows = state[active]
            uniforms = rng.random(active.size)
            column = np.count_nonzero(self._cumulative[rows] <= uniforms[:, None], axis=1)
            tokens[active, position] = self._words[rows, column]
            state[active] = self._next[rows, column]
            active = active[state[active] != self._final_index]
        vocabulary = self.vocabulary
        return [[vocabulary[index] for index in row if index >= 0] for row in tokens]

    def log_probability(self, words: Iterable[str]) -> float:
        """Natural log-probability of a word sequence; ``-inf`` if not a sentence."""
        state = self._state_index[self.start]
        total = 0.0
        for word in words:
            if state == self._final_index:
                return -math.inf
            arc = self._lookup[state].get(word)
            if arc is None:
                return -math.inf
            state, log_probability = arc
            total += log_probability
        return total if state == self._final_index else -math.inf


def _topological_order(arcs: Mapping[str, Sequence[Arc]], start: str, final: str) -> list[str]:
    """States reachable from ``start`` (final excluded), each before its successors.

    Raises ValueError if a cycle is reachable.
    """
    order: list[str] = []
    status: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[tuple[str, int]] = [(start, 0)]
    status[start] = 1
    while stack:
        state, position = stack.pop()
        successors = [nxt for _, nxt, _ in arcs[state]]
        if position < len(successors):
            stack.append((state, position + 1))
            nxt = successors[position]
            if nxt == final:
                continue
            if status.get(nxt) == 1:
                raise ValueError(f"The automaton has a cycle through state {nxt!r}.")
            if nxt not in status:
                status[nxt] = 1
                stack.append((nxt, 0))
        else:
            status[state] = 2
            order.append(state)
    order.reverse()
    return order
