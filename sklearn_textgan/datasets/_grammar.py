"""A probabilistic grammar of English-like sentences with exact probabilities."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

import numpy as np

from ._automaton import WeightedAutomaton
from ._english import english_arcs
from ._random import check_generator, check_n_samples

__all__ = ["EnglishGrammar", "make_grammar_corpus"]

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=1)
def _english_automaton() -> WeightedAutomaton:
    return WeightedAutomaton(*english_arcs())


def _tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _detokenize(words: list[str]) -> str:
    """Join words with single spaces, attaching punctuation to the word before."""
    pieces: list[str] = []
    for word in words:
        if pieces and _WORD.fullmatch(word) is None:
            pieces[-1] += word
        else:
            pieces.append(word)
    return " ".join(pieces)


def _check_text_list(texts: Iterable[str]) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a list of str, got a single string; wrap it in a list.")
    texts = list(texts)
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(
                f"texts must contain only str; element {index} is {type(text).__name__}."
            )
    return texts


class EnglishGrammar:
    """A small probabilistic grammar of English-like sentences.

    The grammar is a weighted deterministic finite-state automaton: from each
    state, every outgoing arc emits one word (each word at most once per
    state) and the probabilities of the arcs of a state sum to one, so the
    probability of a sentence is the product of the probabilities of the arcs
    along its unique path, known exactly. The automaton is acyclic, so the
    language is finite, though very large.

    Sentences are lowercase statements such as "the small dog chases a red
    ball in the park." or "a cat sleeps.", sometimes joined by "and", ending
    with "." or "!", and yes/no questions ending with "?". They contain only
    lowercase letters, single spaces and the final punctuation mark, which is
    attached to the last word. Frequent words and short sentences are more
    likely, so a few sentences are common and most are rare.

    Attributes
    ----------
    start_state : str
        Name of the start state.
    final_state : str
        Name of the final state, reached after the punctuation mark.
    arcs : mapping of str to tuple of (str, str, float)
        Read-only outgoing arcs ``(word, next_state, probability)`` of each
        non-final state.
    vocabulary : list of str
        Sorted words of the grammar, punctuation marks included.
    max_length : int
        Number of tokens (words and the punctuation mark) of the longest
        sentence.
    n_sentences : int
        Number of distinct sentences of the language.

    See Also
    --------
    make_grammar_corpus : Sample a corpus from this grammar.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_textgan.datasets import EnglishGrammar
    >>> grammar = EnglishGrammar()
    >>> texts = grammar.sample(3, random_state=0)
    >>> len(texts)
    3
    >>> bool(grammar.is_grammatical(texts).all())
    True
    >>> grammar.is_grammatical(["a cat sleeps.", "sleeps cat a."])
    array([ True, False])
    >>> float(np.exp(grammar.log_probability(["the dog sleeps."])[0])) > 0.0005
    True
    """

    def __init__(self) -> None:
        self._automaton = _english_automaton()

    @property
    def start_state(self) -> str:
        return self._automaton.start

    @property
    def final_state(self) -> str:
        return self._automaton.final

    @property
    def arcs(self) -> Mapping[str, tuple[tuple[str, str, float], ...]]:
        return self._automaton.arcs

    @property
    def vocabulary(self) -> list[str]:
        return list(self._automaton.vocabulary)

    @property
    def max_length(self) -> int:
        return self._automaton.max_length

    @property
    def n_sentences(self) -> int:
        return self._automaton.n_sentences

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def sample(
        self,
        n_samples: int,
        *,
        random_state: None | int | np.random.Generator | np.random.RandomState = None,
    ) -> list[str]:
        """Draw sentences from the grammar.

        Parameters
        ----------
        n_samples : int
            Number of sentences.
        random_state : None, int, numpy.random.Generator or numpy.random.RandomState
            Seed or generator; the same seed gives the same sentences.

        Returns
        -------
        texts : list of str
            Sentences in canonical form: words separated by single spaces and
            the final punctuation mark attached to the last word.

        Examples
        --------
        >>> from sklearn_textgan.datasets import EnglishGrammar
        >>> grammar = EnglishGrammar()
        >>> grammar.sample(2, random_state=1) == grammar.sample(2, random_state=1)
        True
        """
        n_samples = check_n_samples(n_samples)
        rng = check_generator(random_state)
        return [_detokenize(words) for words in self._automaton.sample_words(n_samples, rng)]

    def log_probability(self, texts: Iterable[str]) -> np.ndarray:
        """Exact natural-log probability of each text under the grammar.

        A text is lowercased and split into tokens with the regular expression
        ``\\w+|[^\\w\\s]`` (words and single punctuation marks), so spacing
        and case do not matter.

        Parameters
        ----------
        texts : iterable of str
            The sentences.

        Returns
        -------
        log_probability : ndarray of float64 of shape (n_texts,)
            ``-inf`` for a text that is not a sentence of the language.

        Examples
        --------
        >>> from sklearn_textgan.datasets import EnglishGrammar
        >>> grammar = EnglishGrammar()
        >>> scores = grammar.log_probability(["A cat sleeps .", "a cat sleeps"])
        >>> bool(scores[0] < 0), float(scores[1])
        (True, -inf)
        """
        texts = _check_text_list(texts)
        automaton = self._automaton
        return np.array(
            [automaton.log_probability(_tokenize(text)) for text in texts], dtype=np.float64
        )

    def is_grammatical(self, texts: Iterable[str]) -> np.ndarray:
        """Whether each text is a sentence of the grammar.

        Parameters
        ----------
        texts : iterable of str
            The sentences, tokenized as in :meth:`log_probability`.

        Returns
        -------
        grammatical : ndarray of bool of shape (n_texts,)

        Examples
        --------
        >>> from sklearn_textgan.datasets import EnglishGrammar
        >>> EnglishGrammar().is_grammatical(["the dogs sleep.", "the dogs sleeps."])
        array([ True, False])
        """
        return np.isfinite(self.log_probability(texts))


def make_grammar_corpus(
    n_samples: int = 5000,
    *,
    random_state: None | int | np.random.Generator | np.random.RandomState = None,
) -> list[str]:
    """Sample a corpus of English-like sentences with known probabilities.

    Equivalent to ``EnglishGrammar().sample(n_samples, random_state=...)``;
    score texts against the same grammar with
    :meth:`EnglishGrammar.log_probability`.

    Parameters
    ----------
    n_samples : int, default=5000
        Number of sentences.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seed or generator.

    Returns
    -------
    texts : list of str

    Examples
    --------
    >>> from sklearn_textgan.datasets import make_grammar_corpus
    >>> corpus = make_grammar_corpus(100, random_state=0)
    >>> len(corpus), all(text[-1] in ".!?" for text in corpus)
    (100, True)
    """
    return EnglishGrammar().sample(n_samples, random_state=random_state)
