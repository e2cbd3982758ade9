"""Word- and character-level tokenizer that maps texts to padded id matrices.

:class:`TextTokenizer` is the bridge between raw text and the integer
sequences consumed by the generators and discriminators: ``transform`` gives a
rectangular ``int64`` matrix (tokens, one end-of-sequence id, then padding) and
``inverse_transform`` turns such a matrix, typically sampled from a generator,
back into readable text.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._validation import check_texts

__all__ = [
    "BOS_ID",
    "BOS_TOKEN",
    "EOS_ID",
    "EOS_TOKEN",
    "N_SPECIAL_TOKENS",
    "PAD_ID",
    "PAD_TOKEN",
    "SPECIAL_TOKENS",
    "UNK_ID",
    "UNK_TOKEN",
    "TextTokenizer",
    "text_lengths",
]

PAD_TOKEN = "<pad>"
BOS_TOKEN = "<bos>"
EOS_TOKEN = "<eos>"
UNK_TOKEN = "<unk>"
PAD_ID = 0
BOS_ID = 1
EOS_ID = 2
UNK_ID = 3
SPECIAL_TOKENS = (PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, UNK_TOKEN)
N_SPECIAL_TOKENS = 4

# The literal "<unk>" is kept as one token so that text produced by
# ``inverse_transform`` (which renders unknown ids that way) tokenizes back to
# the same sequence. The other special tokens are deliberately not matched:
# a "<pad>" or "<eos>" typed in a text must never become a control id.
_WORD_PATTERN = re.compile(re.escape(UNK_TOKEN) + r"|\w+(?:['\u2019]\w+)*|[^\w\s]")

# Tokens written without a space before them (closing punctuation) or after
# them (opening brackets) when word-level ids are rendered back to text.
# Quotes and apostrophes are left out on purpose: they can open or close, and
# gluing an apostrophe to a neighbouring word would merge two tokens.
_NO_SPACE_BEFORE = frozenset(".,!?;:%)]}\u2026\u00bb\u203a")
_NO_SPACE_AFTER = frozenset("([{\u00bf\u00a1\u00ab\u2039")


def _join_words(tokens: Sequence[str]) -> str:
    """Join word-level tokens with single spaces, respecting punctuation."""
    parts: list[str] = []
    previous: str | None = None
    for token in tokens:
        if (
            previous is not None
            and token not in _NO_SPACE_BEFORE
            and previous not in _NO_SPACE_AFTER
        ):
            parts.append(" ")
        parts.append(token)
        previous = token
    return "".join(parts)


class TextTokenizer(TransformerMixin, BaseEstimator):
    """Map texts to padded matrices of token ids and back.

    The vocabulary starts with four special tokens with fixed ids
    (``<pad>`` = 0, ``<bos>`` = 1, ``<eos>`` = 2, ``<unk>`` = 3), followed by
    the tokens seen in ``fit``, most frequent first.

    Parameters
    ----------
    level : {"word", "char"}, default="word"
        Tokenization granularity. ``"word"`` splits on whitespace and splits
        punctuation off words: a word is a run of letters, digits or
        underscores, optionally with internal apostrophe parts (``"don't"``
        and ``"dog's"`` are one token); every other non-space character is a
        token of its own. ``"char"`` makes every character a token, spaces
        included.
    lowercase : bool, default=True
        Whether to lower-case texts before tokenizing.
    min_frequency : int, default=1
        Minimum number of occurrences in the training texts for a token to
        enter the vocabulary.
    max_vocabulary : int or None, default=None
        Maximum number of ordinary (non-special) tokens kept, the most
        frequent ones. None means no limit.
    max_length : int or None, default=None
        Maximum number of tokens kept per text by ``transform``, not counting
        the end-of-sequence id. Longer texts are truncated with a warning.
        None means no limit.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Token to id mapping, special tokens included.
    tokens_ : list of str
        Id to token mapping: ``tokens_[vocabulary_[t]] == t``.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Bag-of-words counts.

    Notes
    -----
    Ties in token frequency are broken by the token string, so the ids are
    deterministic for a given training set.

    Examples
    --------
    >>> from sklearn_textgan._tokenizer import TextTokenizer
    >>> tokenizer = TextTokenizer().fit(["The cat sat.", "The dog sat!"])
    >>> tokenizer.tokens_
    ['<pad>', '<bos>', '<eos>', '<unk>', 'sat', 'the', '!', '.', 'cat', 'dog']
    >>> ids = tokenizer.transform(["the cat", "A dog sat."])
    >>> ids
    array([[5, 8, 2, 0, 0],
           [3, 9, 4, 7, 2]])
    >>> tokenizer.inverse_transform(ids)
    ['the cat', '<unk> dog sat.']
    >>> TextTokenizer(level="char").fit(["abba"]).transform(["ab", "c"])
    array([[4, 5, 2],
           [3, 2, 0]])
    """

    _parameter_constraints: dict = {
        "level": [StrOptions({"word", "char"})],
        "lowercase": ["boolean"],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "max_vocabulary": [Interval(Integral, 1, None, closed="left"), None],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        level: str = "word",
        lowercase: bool = True,
        min_frequency: int = 1,
        max_vocabulary: int | None = None,
        max_length: int | None = None,
    ) -> None:
        self.level = level
        self.lowercase = lowercase
        self.min_frequency = min_frequency
        self.max_vocabulary = max_vocabulary
        self.max_length = max_length

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags

    def _split(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        if self.level == "char":
            return list(text)
        return _WORD_PATTERN.findall(text)

    def tokenize(self, text: str) -> list[str]:
        """Split one text into tokens, lower-casing it first if requested.

        Does not need a fitted tokenizer.

        Parameters
        ----------
        text : str
            The text to split.

        Returns
        -------
        tokens : list of str
            The tokens, in order.

        Examples
        --------
        >>> from sklearn_textgan._tokenizer import TextTokenizer
        >>> TextTokenizer().tokenize("Don't stop (now), Bob!")
        ["don't", 'stop', '(', 'now', ')', ',', 'bob', '!']
        >>> TextTokenizer(level="char", lowercase=False).tokenize("Hi !")
        ['H', 'i', ' ', '!']
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}.")
        self._validate_params()
        return self._split(text)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Iterable[str], y: object = None) -> TextTokenizer:
        """Learn the vocabulary from training texts.

        Parameters
        ----------
        X : list, tuple, 1-D ndarray or pandas Series of str
            Training texts.
        y : None
            Ignored, present for API consistency.

        Returns
        -------
        self : TextTokenizer
            The fitted tokenizer.

        Raises
        ------
        ValueError
            If no token is found in ``X`` or no token occurs at least
            ``min_frequency`` times.

        Examples
        --------
        >>> from sklearn_textgan._tokenizer import TextTokenizer
        >>> TextTokenizer(max_vocabulary=1).fit(["a b b"]).vocabulary_
        {'<pad>': 0, '<bos>': 1, '<eos>': 2, '<unk>': 3, 'b': 4}
        """
        texts = check_texts(X)
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(self._split(text))
        for special in SPECIAL_TOKENS:
            counts.pop(special, None)
        if not counts:
            raise ValueError(
                "no tokens found in X: every text is empty (or only whitespace "
                f"/ special tokens) after {self.level}-level tokenization."
            )
        ranked = sorted(
            (item for item in counts.items() if item[1] >= self.min_frequency),
            key=lambda item: (-item[1], item[0]),
        )
        if not ranked:
            raise ValueError(
                f"no token occurs at least min_frequency={self.min_frequency} times "
                f"in X (the most frequent occurs {max(counts.values())} times); "
                "lower min_frequency."
            )
        if self.max_vocabulary is not None:
            ranked = ranked[: self.max_vocabulary]
        self.tokens_ = list(SPECIAL_TOKENS) + [token for token, _ in ranked]
        self.vocabulary_ = {token: index for index, token in enumerate(self.tokens_)}
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        """Encode texts as a padded matrix of token ids.

        Each row holds the ids of the text's tokens (unknown tokens become
        ``UNK_ID``), truncated to ``max_length`` tokens if set, then one
        ``EOS_ID``, then ``PAD_ID`` up to the longest row of this call.

        Parameters
        ----------
        X : list, tuple, 1-D ndarray or pandas Series of str
            Texts to encode.

        Returns
        -------
        ids : ndarray of shape (n_texts, width), dtype int64
            ``width`` is one more than the largest number of tokens kept for
            any text of ``X``.

        Warns
        -----
        UserWarning
            Once per call, if some texts were truncated to ``max_length``.

        Examples
        --------
        >>> from sklearn_textgan._tokenizer import TextTokenizer
        >>> tokenizer = TextTokenizer(max_length=2).fit(["a b c"])
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     tokenizer.transform(["a b c", ""])
        array([[4, 5, 2],
               [2, 0, 0]])
        """
        check_is_fitted(self, ["vocabulary_", "tokens_"])
        texts = check_texts(X)
        vocabulary = self.vocabulary_
        rows: list[list[int]] = []
        n_truncated = 0
        for text in texts:
            row = [vocabulary.get(token, UNK_ID) for token in self._split(text)]
            if self.max_length is not None and len(row) > self.max_length:
                row = row[: self.max_length]
                n_truncated += 1
            row.append(EOS_ID)
            rows.append(row)
        if n_truncated:
            warnings.warn(
                f"{n_truncated} of {len(texts)} texts had more than "
                f"max_length={self.max_length} tokens and were truncated.",
                UserWarning,
                stacklevel=2,
            )
        width = max(len(row) for row in rows)
        ids = np.full((len(rows), width), PAD_ID, dtype=np.int64)
        for index, row in enumerate(rows):
            ids[index, : len(row)] = row
        return ids

    def fit_transform(self, X: Iterable[str], y: object = None, **fit_params) -> np.ndarray:
        """Learn the vocabulary from ``X`` and encode ``X``.

        Equivalent to ``fit(X).transform(X)``, but ``X`` is read only once, so
        a generator of texts works too.

        Parameters
        ----------
        X : list, tuple, 1-D ndarray or pandas Series of str
            Training texts.
        y : None
            Ignored, present for API consistency.
        **fit_params : dict
            Ignored, present for API consistency.

        Returns
        -------
        ids : ndarray of shape (n_texts, width), dtype int64
            See :meth:`transform`.

        Examples
        --------
        >>> from sklearn_textgan._tokenizer import TextTokenizer
        >>> TextTokenizer().fit_transform(["a b", "b"])
        array([[5, 4, 2],
               [4, 2, 0]])
        """
        texts = check_texts(X)
        return self.fit(texts).transform(texts)

    def inverse_transform(self, X: np.ndarray | Sequence[Sequence[int]]) -> list[str]:
        """Decode matrices of token ids back into texts.

        For each row, decoding stops at the first ``EOS_ID``; ``PAD_ID`` and
        ``BOS_ID`` are dropped and ``UNK_ID`` is written as ``"<unk>"``.
        Word-level tokens are joined with single spaces, except before closing
        punctuation and after opening brackets; character-level tokens are
        joined without separator.

        Parameters
        ----------
        X : ndarray of shape (n_texts, width) of int, or list of lists of int
            Token ids, e.g. the output of :meth:`transform` or sampled from a
            generator. Rows given as lists may have different lengths.

        Returns
        -------
        texts : list of str
            One text per row.

        Raises
        ------
        TypeError
            If ``X`` does not hold integers.
        ValueError
            If ``X`` is not 2-D or holds an id outside ``[0, len(vocabulary_))``.

        Examples
        --------
        >>> from sklearn_textgan._tokenizer import TextTokenizer
        >>> tokenizer = TextTokenizer().fit(["Hello, world!"])
        >>> tokenizer.tokens_
        ['<pad>', '<bos>', '<eos>', '<unk>', '!', ',', 'hello', 'world']
        >>> tokenizer.inverse_transform([[1, 6, 5, 7, 4, 2, 7], [3, 0, 7]])
        ['hello, world!', '<unk> world']
        """
        check_is_fitted(self, ["vocabulary_", "tokens_"])
        rows = self._check_id_rows(X)
        tokens = self.tokens_
        texts = []
        for row in rows:
            kept: list[str] = []
            for token_id in row.tolist():
                if token_id == EOS_ID:
                    break
                if token_id == PAD_ID or token_id == BOS_ID:
                    continue
                kept.append(tokens[token_id])
            texts.append("".join(kept) if self.level == "char" else _join_words(kept))
        return texts

    def _check_id_rows(self, X: object) -> list[np.ndarray]:
        """Validate ids given to ``inverse_transform`` and return them as rows."""
        if X is None or isinstance(X, (str, bytes)):
            raise TypeError(f"X must be a 2-D array of integer token ids, got {type(X).__name__}.")
        if isinstance(X, np.ndarray):
            if X.ndim != 2:
                raise ValueError(
                    f"X must be a 2-D array of token ids, got an array of shape {X.shape}."
                )
            if X.size and not np.issubdtype(X.dtype, np.integer):
                raise TypeError(f"X must hold integer token ids, got dtype {X.dtype}.")
            rows = list(X)
        else:
            if not isinstance(X, Iterable):
                raise TypeError(
                    "X must be a 2-D array or a list of lists of integer token ids, "
                    f"got {type(X).__name__}."
                )
            rows = []
            for index, row in enumerate(X):
                if isinstance(row, (str, bytes)) or not isinstance(row, Iterable):
                    raise TypeError(
                        "X must be a 2-D array or a list of lists of integer token ids; "
                        f"row {index} is {type(row).__name__}."
                    )
                array = np.asarray(row if isinstance(row, np.ndarray) else list(row))
                if array.ndim != 1:
                    raise ValueError(
                        f"row {index} of X must be a 1-D sequence of token ids, "
                        f"got shape {array.shape}."
                    )
                rows.append(array)

        n_tokens = len(self.tokens_)
        for index, row in enumerate(rows):
            if row.size == 0:
                continue
            if not np.issubdtype(row.dtype, np.integer):
                raise TypeError(
                    f"X must hold integer token ids, got dtype {row.dtype} in row {index}."
                )
            bad = (row < 0) | (row >= n_tokens)
            if bad.any():
                bad_id = int(row[np.flatnonzero(bad)[0]])
                raise ValueError(
                    f"invalid token id {bad_id} in row {index} of X: ids must be in "
                    f"[0, {n_tokens}) for this vocabulary of {n_tokens} tokens."
                )
        return [row.astype(np.int64, copy=False) for row in rows]


def text_lengths(ids: np.ndarray) -> np.ndarray:
    """Tokens in each row of ids in the :meth:`TextTokenizer.transform` layout.

    Everything before the row's first end or padding id.
    """
    stops = (ids == EOS_ID) | (ids == PAD_ID)
    return np.where(stops.any(axis=1), stops.argmax(axis=1), ids.shape[1])
