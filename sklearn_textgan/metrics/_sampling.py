"""Drawing samples from a fitted generator, in the forms the metrics judge."""

from __future__ import annotations

import numpy as np

from .._tokenizer import EOS_ID, N_SPECIAL_TOKENS, PAD_ID
from ._validation import check_token_lists

__all__ = [
    "check_sampler",
    "draw_samples",
    "fitted_tokenize",
    "id_rows_to_token_lists",
    "to_oracle_ids",
    "tokenized",
]


def check_sampler(estimator) -> None:
    if not callable(getattr(estimator, "sample", None)):
        raise TypeError(
            "This metric samples from the estimator: it needs a fitted generator with a "
            f"sample(n_samples, temperature=..., random_state=...) method such as a TextGAN; "
            f"got {type(estimator).__name__}."
        )


def fitted_tokenize(estimator):
    """The ``tokenize`` method of the estimator's fitted tokenizer, or None.

    A word-level TextTokenizer writes "sat." for the tokens "sat" and ".", so
    splitting its samples on whitespace would not give the tokens it wrote;
    its own ``tokenize`` does.
    """
    return getattr(getattr(estimator, "tokenizer_", None), "tokenize", None)


def tokenized(texts, tokenize) -> list:
    """``texts`` with every str split by ``tokenize`` (token lists are kept as they are)."""
    return [tokenize(text) if isinstance(text, str) else text for text in texts]


def draw_samples(estimator, n_samples: int, temperature: float, seed: int) -> tuple:
    """``n_samples`` samples as token lists, and as drawn (list of str or id array).

    Texts are split by the estimator's fitted tokenizer (on whitespace
    without one). Id rows (from a model fitted on ids) are cut at their
    first end or padding id, so that only written tokens are compared.
    """
    check_sampler(estimator)
    samples = estimator.sample(n_samples, temperature=temperature, random_state=seed)
    if isinstance(samples, np.ndarray):
        return id_rows_to_token_lists(samples), samples
    tokenize = fitted_tokenize(estimator)
    if tokenize is not None:
        return check_token_lists(tokenized(samples, tokenize), name="samples"), samples
    return check_token_lists(samples, name="samples"), samples


def id_rows_to_token_lists(ids: np.ndarray) -> list[list]:
    """Rows of ids in the TextTokenizer layout, each cut at its first end or padding id."""
    stops = (ids == EOS_ID) | (ids == PAD_ID)
    lengths = np.where(stops.any(axis=1), stops.argmax(axis=1), ids.shape[1])
    return [row[:length].tolist() for row, length in zip(ids, lengths, strict=True)]


def to_oracle_ids(samples, oracle) -> np.ndarray:
    """Samples of a TextGAN fitted on oracle data, as the oracle's token ids.

    The convention of the oracle benchmarks: the model is fitted on token ids
    where oracle token t is id ``t + N_SPECIAL_TOKENS``, followed by the end
    token. Rows are cut to the oracle's ``sequence_length``, and special ids
    (the end token or padding of a sample that stopped early) become oracle
    token 0, the oracle's start token.
    """
    if not isinstance(samples, np.ndarray):
        raise TypeError(
            "With an oracle the estimator must be fitted on token ids (oracle id + "
            f"{N_SPECIAL_TOKENS}, then the end token), so that it samples ids; it sampled "
            f"{type(samples).__name__}."
        )
    tokens = samples[:, : getattr(oracle, "sequence_length", None)] - N_SPECIAL_TOKENS
    return np.where(tokens < 0, 0, tokens)
