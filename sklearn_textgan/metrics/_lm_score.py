"""LM score and reverse LM score (Caccia et al. 2020, "Language GANs falling short").

Both train a maximum-likelihood language model, ``TextGAN(algorithm="mle")``,
on one side and measure its NLL on the other side: real -> generated judges
quality, generated -> real judges coverage.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sklearn.base import clone

from .._validation import check_texts, is_token_id_array
from ._likelihood import nll_test

__all__ = ["lm_score", "reverse_lm_score"]


def _check_side(X, name: str):
    if is_token_id_array(X):
        return X
    return check_texts(X, name=name)


def _check_same_kind(texts, references) -> None:
    """Both sides texts, or both sides ids: ids would be read in a vocabulary fitted on words."""
    if is_token_id_array(texts) != is_token_id_array(references):
        raise TypeError(
            "texts and references must both be lists of str or both 2-D arrays of token ids "
            "from the same TextTokenizer; got one of each."
        )


def _longest(sides: list, tokenizer) -> int:
    """Tokens in the longest text of either side, so that no scored text is truncated."""
    from .._tokenizer import TextTokenizer, text_lengths

    longest = 1
    texts = [text for side in sides if not is_token_id_array(side) for text in side]
    rows = [side for side in sides if is_token_id_array(side)]
    if texts:
        encoder = clone(tokenizer) if tokenizer is not None else TextTokenizer()
        rows.append(encoder.fit_transform(texts))
    for ids in rows:
        longest = max(longest, int(text_lengths(ids).max(initial=0)))
    return longest


def _fit_language_model(train, other, params: dict):
    """``TextGAN(algorithm="mle", **params)`` fitted on ``train``, able to score ``other``."""
    algorithm = params.pop("algorithm", "mle")
    if algorithm != "mle":
        raise ValueError(
            f"The language model of the LM scores is trained by maximum likelihood; "
            f"algorithm={algorithm!r} is not allowed (leave it out)."
        )
    if params.get("max_length") is None:
        # The default (longest training text) would truncate longer scored texts,
        # leaving their last tokens unscored: a bias towards short training sets.
        params["max_length"] = _longest([train, other], params.get("tokenizer"))
    from .._estimator import TextGAN  # imports torch: only when a model is trained

    return TextGAN(algorithm="mle", **params).fit(train)


def lm_score(
    texts: Iterable[str] | np.ndarray, references: Iterable[str] | np.ndarray, **params
) -> float:
    """NLL per token of generated texts under a language model of real texts (LM score).

    A maximum-likelihood model, ``TextGAN(algorithm="mle", **params)``, is
    trained on the real ``references``, then scores the generated ``texts``.
    A low LM score means the samples are likely under real-data statistics
    (quality); it says nothing of diversity, so report it with
    :func:`reverse_lm_score`.

    Parameters
    ----------
    texts : list of str or 2-D int array
        Generated texts (token ids for a model of ids).
    references : list of str or 2-D int array
        Real training texts for the language model.
    **params
        Parameters of the :class:`~sklearn_textgan.TextGAN` language model
        (``hidden_dim``, ``pretrain_epochs``, ``random_state``, ...);
        ``algorithm`` is always ``"mle"``. Use the same for every model
        compared.

    Returns
    -------
    score : float
        Nats per token (end token included); lower is better.

    Raises
    ------
    ValueError
        If ``algorithm`` is given and is not ``"mle"``, or an input is empty.
    TypeError
        If an input is not a list of str or a 2-D int array, or a parameter is
        unknown to TextGAN.

    See Also
    --------
    reverse_lm_score : The coverage counterpart.
    nll_test : The same NLL under a model already fitted; to score several
        sets of samples against one language model, fit it once and call
        ``nll_test(model, samples)``.

    Notes
    -----
    The language model's vocabulary is that of ``references``: words of
    ``texts`` outside it count as the unknown token. Unless ``max_length``
    is given, the model covers the longest text of either side, so that no
    scored text is truncated.

    Examples
    --------
    >>> from sklearn_textgan.metrics import lm_score
    >>> real = ["a cat sat.", "a dog ran.", "the cat ran."] * 10
    >>> score = lm_score(["a cat ran.", "a dog sat."], real, embedding_dim=8,
    ...                  hidden_dim=8, pretrain_epochs=2, random_state=0)
    >>> bool(score > 0)
    True
    """
    texts = _check_side(texts, "texts")
    references = _check_side(references, "references")
    _check_same_kind(texts, references)
    model = _fit_language_model(references, texts, dict(params))
    return nll_test(model, texts)


def reverse_lm_score(
    texts: Iterable[str] | np.ndarray, references: Iterable[str] | np.ndarray, **params
) -> float:
    """NLL per token of real held-out texts under a language model of generated texts.

    The reverse LM score: a maximum-likelihood model,
    ``TextGAN(algorithm="mle", **params)``, is trained on the generated
    ``texts``, then scores the real ``references``. A generator that covers
    only part of the real data (mode collapse) trains a model that finds
    real text unlikely, so a low reverse LM score means diversity and
    coverage.

    Parameters
    ----------
    texts : list of str or 2-D int array
        Generated texts, the language model's training set.
    references : list of str or 2-D int array
        Real held-out texts (not the generator's training texts).
    **params
        Parameters of the :class:`~sklearn_textgan.TextGAN` language model;
        ``algorithm`` is always ``"mle"``.

    Returns
    -------
    score : float
        Nats per token (end token included); lower is better.

    Raises
    ------
    ValueError
        If ``algorithm`` is given and is not ``"mle"``, or an input is empty.
    TypeError
        If an input is not a list of str or a 2-D int array, or a parameter is
        unknown to TextGAN.

    See Also
    --------
    lm_score : The quality counterpart.

    Notes
    -----
    The language model's vocabulary is that of the generated ``texts``: real
    words the generator never wrote count as the unknown token, which a
    trained model finds very unlikely, as it would a known word it never
    saw in training. A barely trained model is close to uniform over its
    vocabulary, which favours small vocabularies: train the language model
    until its score is stable, with the same settings for every generator
    compared. Unless ``max_length`` is given, the model covers the longest
    text of either side, so that no scored text is truncated.

    Examples
    --------
    >>> from sklearn_textgan.metrics import reverse_lm_score
    >>> generated = ["a cat sat.", "a dog ran.", "the cat ran."] * 10
    >>> score = reverse_lm_score(generated, ["the dog sat.", "a cat ran."], embedding_dim=8,
    ...                          hidden_dim=8, pretrain_epochs=2, random_state=0)
    >>> bool(score > 0)
    True
    """
    texts = _check_side(texts, "texts")
    references = _check_side(references, "references")
    _check_same_kind(texts, references)
    model = _fit_language_model(texts, references, dict(params))
    return nll_test(model, references)
