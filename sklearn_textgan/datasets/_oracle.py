"""A numpy LSTM language model used as the oracle of synthetic-data benchmarks.

The oracle of the SeqGAN synthetic benchmark is a one-layer LSTM that emits
fixed-length sequences of token ids. Its parameters are float32 arrays named as
in the original model, and one step reads, with row vectors ``x`` (embedding
of the previous token), ``h`` and ``c``::

    i = sigmoid(x Wi + h Ui + bi);  f = sigmoid(x Wf + h Uf + bf)
    o = sigmoid(x Wog + h Uog + bog);  c~ = tanh(x Wc + h Uc + bc)
    c = f * c + i * c~;  h = o * tanh(c);  logits = h Wo + bo

Generation starts from ``h = c = 0`` and the embedding of token 0, which is
also an ordinary token of the vocabulary.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from ._random import check_generator, check_n_samples

__all__ = ["LSTMOracle", "make_lstm_oracle", "PARAMETER_NAMES"]

#: Names of the oracle's arrays, in the order in which random ones are drawn.
PARAMETER_NAMES = (
    "g_embeddings",
    "Wi",
    "Ui",
    "bi",
    "Wf",
    "Uf",
    "bf",
    "Wog",
    "Uog",
    "bog",
    "Wc",
    "Uc",
    "bc",
    "Wo",
    "bo",
)
_GATES = ("i", "f", "og", "c")

# Rows processed together; bounds memory to a few (rows, vocab_size) buffers.
_CHUNK_ROWS = 1024


def _parameter_shapes(vocab_size: int, embedding_dim: int, hidden_dim: int) -> dict:
    shapes = {"g_embeddings": (vocab_size, embedding_dim)}
    for gate in _GATES:
        shapes[f"W{gate}"] = (embedding_dim, hidden_dim)
        shapes[f"U{gate}"] = (hidden_dim, hidden_dim)
        shapes[f"b{gate}"] = (hidden_dim,)
    shapes["Wo"] = (hidden_dim, vocab_size)
    shapes["bo"] = (vocab_size,)
    return shapes


def _check_parameters(arrays: Mapping[str, ArrayLike]) -> dict[str, np.ndarray]:
    """Validate names, shapes and values; return read-only float32 copies."""
    if not isinstance(arrays, Mapping):
        raise TypeError(f"arrays must be a mapping of name to array, got {type(arrays).__name__}.")
    missing = [name for name in PARAMETER_NAMES if name not in arrays]
    unexpected = sorted(str(name) for name in arrays if name not in PARAMETER_NAMES)
    if missing or unexpected:
        raise ValueError(
            f"The oracle needs exactly the arrays {list(PARAMETER_NAMES)}; "
            f"missing: {missing}, unexpected: {unexpected}."
        )
    params = {}
    for name in PARAMETER_NAMES:
        array = np.asarray(arrays[name])
        if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
            raise TypeError(f"Array {name!r} must be numeric, got dtype {array.dtype}.")
        array = np.array(array, dtype=np.float32, order="C", copy=True)
        if not np.all(np.isfinite(array)):
            raise ValueError(f"Array {name!r} holds non-finite values.")
        array.setflags(write=False)
        params[name] = array
    embeddings, recurrent = params["g_embeddings"], params["Ui"]
    if embeddings.ndim != 2 or recurrent.ndim != 2 or 0 in embeddings.shape + recurrent.shape:
        raise ValueError(
            "g_embeddings must have shape (vocab_size, embedding_dim) and Ui shape "
            f"(hidden_dim, hidden_dim); got {embeddings.shape} and {recurrent.shape}."
        )
    expected = _parameter_shapes(*embeddings.shape, recurrent.shape[0])
    wrong = {
        name: (params[name].shape, shape)
        for name, shape in expected.items()
        if params[name].shape != shape
    }
    if wrong:
        details = ", ".join(
            f"{name} has shape {got}, expected {want}" for name, (got, want) in wrong.items()
        )
        raise ValueError(f"Inconsistent oracle arrays: {details}.")
    return params


class LSTMOracle:
    """An LSTM language model over fixed-length sequences of token ids.

    The model of the SeqGAN synthetic benchmark: exact log-likelihoods and
    ancestral samples, computed with numpy. Every sequence is generated from
    the start token 0 (``h = c = 0``, input the embedding of token 0) and has
    exactly ``sequence_length`` tokens; there is no end token.

    Parameters
    ----------
    arrays : mapping of str to array-like
        The arrays ``g_embeddings`` (vocab_size, embedding_dim); ``Wi``,
        ``Wf``, ``Wog``, ``Wc`` (embedding_dim, hidden_dim); ``Ui``, ``Uf``,
        ``Uog``, ``Uc`` (hidden_dim, hidden_dim); ``bi``, ``bf``, ``bog``,
        ``bc`` (hidden_dim,); ``Wo`` (hidden_dim, vocab_size) and ``bo``
        (vocab_size,). They are copied as float32.
    sequence_length : int, default=20
        Length of the generated sequences and the largest length scored.

    Attributes
    ----------
    vocab_size : int
        Number of token ids.
    embedding_dim : int
        Size of the token embeddings.
    hidden_dim : int
        Size of the LSTM state.
    sequence_length : int
        Length of the generated sequences.
    start_token : int
        Token whose embedding is the first input, always 0.

    See Also
    --------
    load_seqgan_oracle : The oracle of the SeqGAN benchmark.
    make_lstm_oracle : A random oracle of any size.

    Notes
    -----
    Matrix products run in float32. The exponentials of the logits, each row
    shifted by its maximum so that every term lies in (0, 1], are evaluated in
    float32 (relative error about 1e-7, the precision of the float32 logits
    themselves); the sums over the vocabulary, their logarithms and the
    log-likelihoods are accumulated in float64.

    Examples
    --------
    >>> from sklearn_textgan.datasets import make_lstm_oracle
    >>> oracle = make_lstm_oracle(vocab_size=50, hidden_dim=8, embedding_dim=8,
    ...                           sequence_length=6, random_state=0)
    >>> samples = oracle.sample(4, random_state=0)
    >>> samples.shape, samples.dtype
    ((4, 6), dtype('int64'))
    >>> oracle.log_likelihood(samples).shape
    (4,)
    >>> oracle.nll(samples) > 0
    True
    """

    def __init__(self, arrays: Mapping[str, ArrayLike], sequence_length: int = 20) -> None:
        if not isinstance(sequence_length, numbers.Integral) or isinstance(sequence_length, bool):
            raise TypeError(
                f"sequence_length must be an int, got {type(sequence_length).__name__}."
            )
        if sequence_length < 1:
            raise ValueError(f"sequence_length must be at least 1, got {sequence_length}.")
        params = _check_parameters(arrays)
        self._params = params
        self.vocab_size, self.embedding_dim = params["g_embeddings"].shape
        self.hidden_dim = params["Ui"].shape[0]
        self.sequence_length = int(sequence_length)
        self.start_token = 0
        self._prepare()

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, ArrayLike], sequence_length: int = 20) -> LSTMOracle:
        """Build an oracle from its named arrays.

        Parameters
        ----------
        arrays : mapping of str to array-like
            The 15 arrays listed in the class docstring.
        sequence_length : int, default=20
            Length of the generated sequences.

        Returns
        -------
        oracle : LSTMOracle

        Raises
        ------
        ValueError
            If a name is missing or unexpected, or the shapes disagree.

        Examples
        --------
        >>> from sklearn_textgan.datasets import LSTMOracle, make_lstm_oracle
        >>> arrays = make_lstm_oracle(vocab_size=30, hidden_dim=4, embedding_dim=3,
        ...                           random_state=0).to_arrays()
        >>> LSTMOracle.from_arrays(arrays, sequence_length=5)
        LSTMOracle(vocab_size=30, embedding_dim=3, hidden_dim=4, sequence_length=5)
        """
        return cls(arrays, sequence_length=sequence_length)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Return writable float32 copies of the oracle's named arrays.

        Returns
        -------
        arrays : dict of str to numpy.ndarray
        """
        return {name: self._params[name].copy() for name in PARAMETER_NAMES}

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(vocab_size={self.vocab_size}, "
            f"embedding_dim={self.embedding_dim}, hidden_dim={self.hidden_dim}, "
            f"sequence_length={self.sequence_length})"
        )

    def _prepare(self) -> None:
        """Precompute fused matrices used at every step."""
        p = self._params
        input_weights = np.concatenate([p[f"W{g}"] for g in _GATES], axis=1)
        input_bias = np.concatenate([p[f"b{g}"] for g in _GATES])
        # The input of every step is an embedding row, so its contribution to
        # the four gates is a table lookup.
        self._gate_table = p["g_embeddings"] @ input_weights + input_bias
        self._recurrent = np.concatenate([p[f"U{g}"] for g in _GATES], axis=1)
        # Output projection with the bias as an extra row.
        self._output = np.ascontiguousarray(np.vstack([p["Wo"], p["bo"][None, :]]))
        self._block = max(1, int(np.ceil(np.sqrt(self.vocab_size))))
        self._n_blocks = -(-self.vocab_size // self._block)

    def _step(
        self, previous: np.ndarray, h: np.ndarray, c: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Advance the LSTM by one token for every row."""
        H = self.hidden_dim
        z = self._gate_table[previous]
        # A small product: einsum avoids the start-up cost of a multithreaded
        # BLAS call, which dominates at this size when the cores are busy.
        z += np.einsum("ij,jk->ik", h, self._recurrent)
        gates = np.tanh(0.5 * z[:, : 3 * H])
        gates *= 0.5
        gates += 0.5  # sigmoid(x) = (1 + tanh(x / 2)) / 2, without overflow
        c = gates[:, H : 2 * H] * c + gates[:, :H] * np.tanh(z[:, 3 * H :])
        h = gates[:, 2 * H : 3 * H] * np.tanh(c)
        return h, c

    def _shifted_logits(self, h: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write each row's logits minus their maximum into ``out``; return it."""
        n_rows, H = h.shape
        augmented = np.empty((n_rows, H + 1), dtype=np.float32)
        augmented[:, :H] = h
        augmented[:, H] = 1.0  # picks up the bias row of the output matrix
        np.matmul(augmented, self._output, out=out)
        out -= out.max(axis=1, keepdims=True)
        return out

    def _check_sequences(self, sequences: ArrayLike) -> np.ndarray:
        try:
            array = np.asarray(sequences)
        except ValueError:  # numpy's "inhomogeneous shape"
            raise ValueError(
                "sequences must be a 2-D array of token ids of shape (n_sequences, length); "
                "its rows have different lengths."
            ) from None
        if array.ndim != 2:
            raise ValueError(
                "sequences must be a 2-D array of token ids of shape (n_sequences, length), "
                f"got an array of shape {array.shape}."
            )
        if array.size and not np.issubdtype(array.dtype, np.integer):
            raise TypeError(f"sequences must hold integer token ids, got dtype {array.dtype}.")
        if array.shape[1] > self.sequence_length:
            raise ValueError(
                f"sequences have length {array.shape[1]}, longer than the oracle's "
                f"sequence_length={self.sequence_length}."
            )
        if array.size:
            bad = (array < 0) | (array >= self.vocab_size)
            if bad.any():
                row, col = np.argwhere(bad)[0]
                raise ValueError(
                    f"Token ids must be in [0, {self.vocab_size}); sequences[{row}, {col}] "
                    f"is {array[row, col]}."
                )
        return array.astype(np.int64, copy=False)

    def log_likelihood(self, sequences: ArrayLike) -> np.ndarray:
        """Log-probability of each sequence under the oracle.

        Parameters
        ----------
        sequences : array-like of int of shape (n_sequences, length)
            Token ids in ``[0, vocab_size)``, with ``length <=
            sequence_length``; a shorter length scores the prefixes.

        Returns
        -------
        log_likelihood : ndarray of float64 of shape (n_sequences,)
            Sum over positions of ``log p(token | previous tokens)``.

        Raises
        ------
        ValueError
            If the array is not 2-D, too long, or holds an id out of range.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_textgan.datasets import make_lstm_oracle
        >>> oracle = make_lstm_oracle(vocab_size=4, hidden_dim=3, embedding_dim=2,
        ...                           sequence_length=1, random_state=0)
        >>> every_token = np.arange(4).reshape(-1, 1)
        >>> round(float(np.exp(oracle.log_likelihood(every_token)).sum()), 6)
        1.0
        """
        array = self._check_sequences(sequences)
        n_sequences, length = array.shape
        result = np.zeros(n_sequences, dtype=np.float64)
        if length == 0:
            return result
        buffer = np.empty((min(n_sequences, _CHUNK_ROWS), self.vocab_size), dtype=np.float32)
        for start in range(0, n_sequences, _CHUNK_ROWS):
            chunk = array[start : start + _CHUNK_ROWS]
            result[start : start + len(chunk)] = self._chunk_log_likelihood(
                chunk, buffer[: len(chunk)]
            )
        return result

    def _chunk_log_likelihood(self, chunk: np.ndarray, buffer: np.ndarray) -> np.ndarray:
        n_rows, length = chunk.shape
        rows = np.arange(n_rows)
        h = np.zeros((n_rows, self.hidden_dim), dtype=np.float32)
        c = np.zeros_like(h)
        previous = np.full(n_rows, self.start_token, dtype=np.int64)
        total = np.zeros(n_rows, dtype=np.float64)
        for position in range(length):
            h, c = self._step(previous, h, c)
            shifted = self._shifted_logits(h, out=buffer)
            tokens = chunk[:, position]
            total += shifted[rows, tokens]
            np.exp(shifted, out=shifted)
            total -= np.log(shifted.sum(axis=1, dtype=np.float64))
            previous = tokens
        return total

    def nll(self, sequences: ArrayLike) -> float:
        """Mean negative log-likelihood per token (NLL_oracle).

        Parameters
        ----------
        sequences : array-like of int of shape (n_sequences, length)
            Token ids, as for :meth:`log_likelihood`.

        Returns
        -------
        nll : float
            ``-sum(log_likelihood(sequences)) / sequences.size``, in nats.

        Raises
        ------
        ValueError
            If there is no token to score, or as :meth:`log_likelihood`.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_textgan.datasets import make_lstm_oracle
        >>> oracle = make_lstm_oracle(vocab_size=100, random_state=0)
        >>> uniform = np.random.default_rng(0).integers(0, 100, size=(500, 20))
        >>> bool(oracle.nll(oracle.sample(500, random_state=0)) < oracle.nll(uniform))
        True
        """
        array = self._check_sequences(sequences)
        if array.size == 0:
            raise ValueError("nll needs at least one token; got an empty array.")
        return float(-self.log_likelihood(array).sum() / array.size)

    def sample(
        self,
        n_samples: int,
        *,
        random_state: None | int | np.random.Generator | np.random.RandomState = None,
    ) -> np.ndarray:
        """Draw sequences by ancestral sampling at temperature 1.

        Parameters
        ----------
        n_samples : int
            Number of sequences.
        random_state : None, int, numpy.random.Generator or numpy.random.RandomState
            Seed or generator; the same seed gives the same sequences.

        Returns
        -------
        sequences : ndarray of int64 of shape (n_samples, sequence_length)

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_textgan.datasets import make_lstm_oracle
        >>> oracle = make_lstm_oracle(vocab_size=20, sequence_length=5, random_state=0)
        >>> first = oracle.sample(3, random_state=7)
        >>> np.array_equal(first, oracle.sample(3, random_state=7))
        True
        """
        n_samples = check_n_samples(n_samples)
        rng = check_generator(random_state)
        result = np.empty((n_samples, self.sequence_length), dtype=np.int64)
        if n_samples == 0:
            return result
        buffer = np.empty((min(n_samples, _CHUNK_ROWS), self.vocab_size), dtype=np.float32)
        for start in range(0, n_samples, _CHUNK_ROWS):
            n_rows = min(_CHUNK_ROWS, n_samples - start)
            result[start : start + n_rows] = self._chunk_sample(n_rows, buffer[:n_rows], rng)
        return result

    def _chunk_sample(
        self, n_rows: int, buffer: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        h = np.zeros((n_rows, self.hidden_dim), dtype=np.float32)
        c = np.zeros_like(h)
        tokens = np.full(n_rows, self.start_token, dtype=np.int64)
        result = np.empty((n_rows, self.sequence_length), dtype=np.int64)
        for position in range(self.sequence_length):
            h, c = self._step(tokens, h, c)
            weights = self._shifted_logits(h, out=buffer)
            np.exp(weights, out=weights)
            tokens = self._draw(weights, rng)
            result[:, position] = tokens
        return result

    def _draw(self, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw one column per row with probability proportional to ``weights``.

        Two-level inverse-CDF sampling: a block of about sqrt(vocab_size)
        columns is drawn from the block totals, then a column inside it, so
        only the block totals and one block per row are accumulated.
        """
        n_rows, size = weights.shape[0], self._block
        n_full = self.vocab_size // size
        block_mass = np.empty((n_rows, self._n_blocks), dtype=np.float64)
        block_mass[:, :n_full] = (
            weights[:, : n_full * size].reshape(n_rows, n_full, size).sum(axis=2, dtype=np.float64)
        )
        if n_full < self._n_blocks:  # a last, shorter block
            block_mass[:, n_full] = weights[:, n_full * size :].sum(axis=1, dtype=np.float64)
        blocks = _inverse_cdf(block_mass, rng.random(n_rows))
        columns = blocks[:, None] * size + np.arange(size)
        outside = columns >= self.vocab_size
        np.minimum(columns, self.vocab_size - 1, out=columns)
        inner_mass = np.take_along_axis(weights, columns, axis=1).astype(np.float64)
        inner_mass[outside] = 0.0
        offsets = _inverse_cdf(inner_mass, rng.random(n_rows))
        return blocks * size + offsets


def _inverse_cdf(mass: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Index drawn in each row with probability proportional to ``mass``.

    ``mass`` is a non-negative float64 array with a positive total in every
    row and ``uniforms`` holds one draw in [0, 1) per row. An entry of zero
    mass is never returned.
    """
    cumulative = np.cumsum(mass, axis=1)
    targets = uniforms * cumulative[:, -1]
    index = np.count_nonzero(cumulative <= targets[:, None], axis=1)
    # Rounding could step past the end; the last positive entry is the answer.
    last_positive = mass.shape[1] - 1 - np.argmax(mass[:, ::-1] > 0, axis=1)
    return np.minimum(index, last_positive)


def make_lstm_oracle(
    vocab_size: int = 5000,
    hidden_dim: int = 32,
    embedding_dim: int = 32,
    sequence_length: int = 20,
    *,
    random_state: None | int | np.random.Generator | np.random.RandomState = None,
) -> LSTMOracle:
    """Make a random LSTM oracle in the style of the SeqGAN benchmark.

    Every parameter (embeddings, gate weights and biases, output layer) is
    drawn independently from the standard normal distribution, as the SeqGAN
    oracle was initialised, in the order of ``PARAMETER_NAMES``.

    Parameters
    ----------
    vocab_size : int, default=5000
        Number of token ids.
    hidden_dim : int, default=32
        Size of the LSTM state.
    embedding_dim : int, default=32
        Size of the token embeddings.
    sequence_length : int, default=20
        Length of the generated sequences.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seed or generator; the same seed gives identical arrays.

    Returns
    -------
    oracle : LSTMOracle

    Examples
    --------
    >>> from sklearn_textgan.datasets import make_lstm_oracle
    >>> oracle = make_lstm_oracle(vocab_size=100, sequence_length=10, random_state=0)
    >>> oracle
    LSTMOracle(vocab_size=100, embedding_dim=32, hidden_dim=32, sequence_length=10)
    """
    for name, value in (
        ("vocab_size", vocab_size),
        ("hidden_dim", hidden_dim),
        ("embedding_dim", embedding_dim),
    ):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}.")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}.")
    rng = check_generator(random_state)
    shapes = _parameter_shapes(int(vocab_size), int(embedding_dim), int(hidden_dim))
    arrays = {
        name: rng.standard_normal(shapes[name]).astype(np.float32) for name in PARAMETER_NAMES
    }
    return LSTMOracle(arrays, sequence_length=sequence_length)
