"""Drawing samples from a fitted generator, in the forms the metrics judge."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.pipeline import Pipeline

from .._tokenizer import N_SPECIAL_TOKENS
from .._validation import is_token_id_array
from ._validation import check_token_lists, id_rows_to_token_lists, reject_single_text

__all__ = [
    "check_sampler",
    "draw_samples",
    "fitted_tokenize",
    "id_rows_to_token_lists",
    "reference_token_lists",
    "split_pipeline",
    "to_oracle_ids",
    "tokenized",
]


def split_pipeline(estimator) -> tuple[Callable | None, object]:
    """A Pipeline's transforms (one callable, or None) and its last step; else (None, estimator).

    A Pipeline has no ``sample`` method: the metrics sample from its last
    step, and pass the texts they compare the samples with (references,
    held-out texts) through the steps before it, as the Pipeline passed the
    training texts.
    """
    if isinstance(estimator, Pipeline):
        transforms = estimator[:-1]
        return (transforms.transform if len(transforms) else None), estimator[-1]
    return None, estimator


def check_sampler(estimator) -> None:
    _, estimator = split_pipeline(estimator)
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
    its own ``tokenize`` does. For a Pipeline, its last step's tokenizer.
    """
    _, estimator = split_pipeline(estimator)
    return getattr(getattr(estimator, "tokenizer_", None), "tokenize", None)


def tokenized(texts, tokenize) -> list:
    """``texts`` with every str split by ``tokenize`` (token lists are kept as they are)."""
    return [tokenize(text) if isinstance(text, str) else text for text in texts]


def draw_samples(estimator, n_samples: int, temperature: float, seed: int) -> tuple:
    """``n_samples`` samples as token lists, and as drawn (list of str or id array).

    Texts are split by the estimator's fitted tokenizer (on whitespace
    without one). Id rows (from a model fitted on ids) are cut at their
    first end or padding id, so that only written tokens are compared.
    A Pipeline samples from its last step.
    """
    check_sampler(estimator)
    _, generator = split_pipeline(estimator)
    samples = generator.sample(n_samples, temperature=temperature, random_state=seed)
    if isinstance(samples, np.ndarray):
        return id_rows_to_token_lists(samples), samples
    tokenize = fitted_tokenize(estimator)
    if tokenize is not None:
        return check_token_lists(tokenized(samples, tokenize), name="samples"), samples
    return check_token_lists(samples, name="samples"), samples


def reference_token_lists(texts, estimator, name: str) -> list:
    """Real texts as token lists, split as ``estimator``'s samples are (see :func:`draw_samples`).

    A Pipeline's transforms are applied first; rows of token ids are cut at
    their end token like sampled ids; texts are split by the fitted tokenizer
    (on whitespace without one).
    """
    reject_single_text(texts, name)
    transform, last = split_pipeline(estimator)
    if transform is not None:
        texts = transform(texts)
    if is_token_id_array(texts):
        return id_rows_to_token_lists(texts)
    if not isinstance(texts, np.ndarray):
        texts = list(texts)
    if getattr(last, "tokenizer_", "") is None and len(texts) and isinstance(texts[0], str):
        # Ids would never match words: every score would be zero.
        raise TypeError(
            f"The model was fitted on token ids, so it samples ids: give {name} as token "
            "ids too (a 2-D int array from the same TextTokenizer's transform), or make the "
            "tokenizer a Pipeline step before the model."
        )
    tokenize = fitted_tokenize(estimator)
    return check_token_lists(tokenized(texts, tokenize) if tokenize else texts, name=name)


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
