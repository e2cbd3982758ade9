"""Likelihood-based metrics: NLL_oracle (quality) and NLL_test (coverage).

torch is imported only to score a model at a temperature other than 1.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ._sampling import split_pipeline
from ._validation import check_temperature

if TYPE_CHECKING:
    from .._estimator import TextGAN
    from ..datasets import LSTMOracle

__all__ = ["nll_oracle", "nll_test"]


def nll_oracle(oracle: LSTMOracle, sequences: ArrayLike) -> float:
    """Mean negative log-likelihood per token of generated sequences under an oracle.

    NLL_oracle of the synthetic-data benchmark (SeqGAN, RelGAN): the quality
    of a generator's samples measured by the true model that produced its
    training data. Lower is better, but a generator that writes one likely
    sequence over and over scores well too: report it beside
    :func:`nll_test`, never alone.

    Parameters
    ----------
    oracle : LSTMOracle or object with an ``nll`` method
        The oracle, such as :func:`~sklearn_textgan.datasets.load_seqgan_oracle`
        or :func:`~sklearn_textgan.datasets.make_lstm_oracle`.
    sequences : array-like of int of shape (n_sequences, length)
        Generated sequences in the oracle's token ids (``0 ..
        oracle.vocab_size - 1``), at most ``oracle.sequence_length`` long.

    Returns
    -------
    nll : float
        Nats per token.

    Raises
    ------
    TypeError
        If ``oracle`` has no ``nll`` method.
    ValueError
        If ``sequences`` is empty, not 2-D, too long or holds an unknown id
        (raised by the oracle).

    See Also
    --------
    nll_test : The coverage counterpart.
    sklearn_textgan.datasets.LSTMOracle.nll : What is computed.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_textgan.datasets import make_lstm_oracle
    >>> from sklearn_textgan.metrics import nll_oracle
    >>> oracle = make_lstm_oracle(vocab_size=50, sequence_length=8, random_state=0)
    >>> own = nll_oracle(oracle, oracle.sample(200, random_state=0))
    >>> uniform = np.random.default_rng(0).integers(0, 50, size=(200, 8))
    >>> bool(own < nll_oracle(oracle, uniform))
    True
    """
    if not callable(getattr(oracle, "nll", None)):
        raise TypeError(
            f"oracle must have an nll(sequences) method, such as an LSTMOracle; "
            f"got {type(oracle).__name__}."
        )
    return float(oracle.nll(sequences))


def nll_test(
    estimator: TextGAN,
    texts: Iterable[str] | np.ndarray,
    *,
    y: ArrayLike | None = None,
    temperature: float = 1.0,
) -> float:
    """Negative mean log-likelihood per token of held-out texts under a fitted model.

    NLL_test (also called NLL_gen on real data): how well the model covers
    real text it was not trained on. It is ``-estimator.score(texts)``, the
    end token of each text included in the count of tokens. Pass held-out
    texts only: on the training texts it measures memorisation, not
    coverage. Lower is better.

    Parameters
    ----------
    estimator : fitted TextGAN, or fitted estimator with a ``score`` method
        The model; a Pipeline ending in a TextGAN too.
    texts : list of str or 2-D int array
        Held-out texts (or token ids, for a model fitted on ids).
    y : array-like of shape (n_texts,) or None, default=None
        Class label of each text, for a class-conditional model: each text is
        scored given its class. ``None`` scores under the mixture of the
        classes (the marginal likelihood).
    temperature : float, default=1.0
        Score the model whose logits are divided by ``temperature``: the
        distribution ``TextGAN.sample(temperature=...)`` draws from, so that
        NLL_test can be traced along a temperature sweep (Caccia et al. 2020).
        Needs a TextGAN (``generator_`` with an ``output`` layer), alone or
        at the end of a Pipeline; the estimator itself is not modified.

    Returns
    -------
    nll : float
        Nats per token; always finite.

    Raises
    ------
    TypeError
        If ``estimator`` has no ``score`` method, or a temperature other than
        1 is asked of an estimator that is not a TextGAN.

    See Also
    --------
    nll_oracle : The quality counterpart on synthetic data.
    lm_score : NLL of generated texts under a model of real data.

    Examples
    --------
    >>> from sklearn_textgan import TextGAN
    >>> from sklearn_textgan.metrics import nll_test
    >>> train, held_out = ["a cat sat.", "a dog ran."] * 10, ["a cat ran.", "a dog sat."]
    >>> gan = TextGAN(embedding_dim=8, hidden_dim=8, pretrain_epochs=2, random_state=0)
    >>> gan = gan.fit(train)
    >>> nll_test(gan, held_out) == -gan.score(held_out)
    True
    >>> bool(nll_test(gan, held_out, temperature=2.0) > 0)
    True
    """
    if not callable(getattr(estimator, "score", None)):
        raise TypeError(
            f"estimator must be a fitted model with a score method, such as a TextGAN; "
            f"got {type(estimator).__name__}."
        )
    temperature = check_temperature(temperature)
    if temperature != 1.0:
        # A Pipeline's last step is tempered; its transforms still prepare the texts.
        transform, last = split_pipeline(estimator)
        if isinstance(last, BaseEstimator):
            check_is_fitted(last)
        if transform is not None:
            texts = transform(texts)
        estimator = _tempered(last, temperature)
    # Without labels, score(texts) alone: a scorer of texts need not take y.
    return -float(estimator.score(texts) if y is None else estimator.score(texts, y))


def _tempered(estimator, temperature: float):
    """A copy of a fitted TextGAN whose output logits are divided by ``temperature``.

    Dividing the output layer's weight and bias divides the logits exactly as
    sampling does; the copy leaves the caller's model untouched.
    """
    output = getattr(getattr(estimator, "generator_", None), "output", None)
    if output is None or not hasattr(output, "weight"):
        raise TypeError(
            "A temperature other than 1 needs a fitted TextGAN (its generator_ output "
            f"layer is rescaled); got {type(estimator).__name__}."
        )
    import torch

    # copy.copy goes through the estimator's pickling hooks, which rebuild the
    # modules from their weights, so the copy's generator is its own.
    tempered = copy.copy(estimator)
    if tempered.generator_ is estimator.generator_:
        tempered.generator_ = copy.deepcopy(estimator.generator_)
    layer = tempered.generator_.output
    # New parameters rather than an in-place division: a tensor shared with
    # another layer (tied embeddings) must not change.
    for name in ("weight", "bias"):
        value = getattr(layer, name)
        if value is not None:
            setattr(layer, name, torch.nn.Parameter(value.detach() / temperature, False))
    return tempered
