"""scikit-learn scorers for generative models: ``scorer(estimator, X, y)``, greater is better.

A classifier's scorer compares predictions on ``X`` with ``y``; a generator
has neither, so these scorers sample texts from the estimator and judge them
(BLEU, Self-BLEU, NLL_oracle), or score the held-out fold ``X`` (NLL_test).
Figures where lower is better are negated, like scikit-learn's ``neg_*``
scorers, so that ``GridSearchCV`` can maximise every one of them. A Pipeline
ending in a TextGAN is scored through its last step: the samples are that
step's, and the texts they are compared with (references, the held-out fold)
pass through the steps before it first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np
from sklearn.utils import check_random_state

from ._bleu import BleuReferences, Texts
from ._diversity import self_bleu
from ._likelihood import nll_oracle, nll_test
from ._sampling import (
    draw_samples,
    reference_token_lists,
    to_oracle_ids,
)
from ._validation import (
    check_n_samples,
    check_order,
    check_random_state_argument,
    check_temperature,
    check_token_lists,
)

if TYPE_CHECKING:
    from .._estimator import TextGAN
    from ..datasets import LSTMOracle

__all__ = [
    "make_bleu_scorer",
    "make_nll_oracle_scorer",
    "make_nll_scorer",
    "make_self_bleu_scorer",
]

_SEED_HIGH = 2**31 - 1


class _GenerativeScorer:
    """A picklable scorer; subclasses define ``_score`` and name their factory."""

    _factory = ""

    def __init__(self, **settings) -> None:
        self._settings = settings

    def __call__(self, estimator: TextGAN, X, y=None) -> float:
        return float(self._score(estimator, X, y))

    def _seed(self) -> int:
        return int(check_random_state(self._settings["random_state"]).randint(0, _SEED_HIGH))

    def _draw(self, estimator) -> tuple:
        settings = self._settings
        return draw_samples(estimator, settings["n_samples"], settings["temperature"], self._seed())

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{key}={value!r}" for key, value in self._settings.items() if key != "references"
        )
        return f"{self._factory}({shown})"


class _BleuScorer(_GenerativeScorer):
    _factory = "make_bleu_scorer"

    def __init__(self, references, **settings) -> None:
        super().__init__(**settings)
        self._references = references

    def _score(self, estimator, X, y) -> float:
        max_n = self._settings["max_n"]
        # Split as the estimator's samples are (see draw_samples), through a
        # Pipeline's transforms; without references, the held-out fold is the
        # reference set. Counted at every call: the split and the checks
        # depend on the estimator scored.
        if self._references is None:
            references, name = X, "X"
        else:
            references, name = self._references, "references"
        reference_set = BleuReferences(reference_token_lists(references, estimator, name), max_n)
        samples, _ = self._draw(estimator)
        return reference_set.scores(samples, (max_n,))[max_n].mean()


class _SelfBleuScorer(_GenerativeScorer):
    _factory = "make_self_bleu_scorer"

    def _score(self, estimator, X, y) -> float:
        samples, _ = self._draw(estimator)
        return -self_bleu(samples, self._settings["max_n"])


class _NLLScorer(_GenerativeScorer):
    _factory = "make_nll_scorer"

    def _score(self, estimator, X, y) -> float:
        return -nll_test(estimator, X, y=y, temperature=self._settings["temperature"])


class _OracleNLLScorer(_GenerativeScorer):
    _factory = "make_nll_oracle_scorer"

    def __init__(self, oracle, **settings) -> None:
        super().__init__(**settings)
        self._oracle = oracle

    def _score(self, estimator, X, y) -> float:
        _, drawn = self._draw(estimator)
        return -nll_oracle(self._oracle, to_oracle_ids(drawn, self._oracle))


def make_bleu_scorer(
    references: Texts | None = None,
    *,
    max_n: int = 4,
    n_samples: int = 200,
    temperature: float = 1.0,
    random_state: int | np.random.RandomState | None = 0,
) -> Callable[..., float]:
    """Scorer that samples from the estimator and returns BLEU against references.

    Parameters
    ----------
    references : list of str or list of token lists, default=None
        The reference set. ``None`` uses the texts the scorer is called with
        (the held-out fold in ``GridSearchCV``; rows of token ids are cut at
        their end token, like the samples), which gives few references per
        fold: BLEU depends on their number, so compare only runs with the
        same folds.
    max_n : int, default=4
        BLEU order.
    n_samples : int, default=200
        Texts sampled from the estimator at each call.
    temperature : float, default=1.0
        Sampling temperature.
    random_state : int, RandomState instance or None, default=0
        Seeds the sampling; an int draws the same random numbers for every
        candidate, which makes their scores less noisy to compare.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``, BLEU-``max_n`` in [0, 1];
        greater is better.

    See Also
    --------
    bleu : The metric.
    make_self_bleu_scorer : The diversity counterpart.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn_textgan import TextGAN
    >>> from sklearn_textgan.metrics import make_bleu_scorer, make_nll_scorer
    >>> texts = ["the cat sat.", "the dog ran.", "a cat ran.", "a dog sat."] * 6
    >>> search = GridSearchCV(
    ...     TextGAN(embedding_dim=8, pretrain_epochs=1, random_state=0),
    ...     {"hidden_dim": [4, 8]},
    ...     scoring={"bleu": make_bleu_scorer(texts, max_n=2, n_samples=20),
    ...              "nll": make_nll_scorer()},
    ...     refit="nll", cv=2,
    ... ).fit(texts)
    >>> sorted(key for key in search.cv_results_ if key.startswith("mean_test"))
    ['mean_test_bleu', 'mean_test_nll']
    """
    if references is not None:
        # Checked here; split into tokens at scoring time, by the scored
        # estimator's tokenizer when it has one.
        if isinstance(references, Iterator):
            references = list(references)  # one pass would be used up by the check
        check_token_lists(references, name="references")
        if not isinstance(references, np.ndarray):  # an id array is cut row by row later
            references = list(references)
    return _BleuScorer(
        references,
        max_n=check_order(max_n),
        n_samples=check_n_samples(n_samples),
        temperature=check_temperature(temperature),
        random_state=check_random_state_argument(random_state),
    )


def make_self_bleu_scorer(
    *,
    max_n: int = 4,
    n_samples: int = 200,
    temperature: float = 1.0,
    random_state: int | np.random.RandomState | None = 0,
) -> Callable[..., float]:
    """Scorer that samples from the estimator and returns minus their Self-BLEU.

    Parameters
    ----------
    max_n : int, default=4
        Self-BLEU order.
    n_samples : int, default=200
        Texts sampled from the estimator at each call (at least 2).
    temperature : float, default=1.0
        Sampling temperature.
    random_state : int, RandomState instance or None, default=0
        Seeds the sampling.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``, ``-self_bleu`` in [-1, 0];
        greater is more diverse.

    See Also
    --------
    self_bleu : The metric.

    Examples
    --------
    >>> from sklearn_textgan import TextGAN
    >>> from sklearn_textgan.metrics import make_self_bleu_scorer
    >>> texts = ["the cat sat.", "the dog ran.", "a cat ran.", "a dog sat."] * 5
    >>> gan = TextGAN(embedding_dim=8, hidden_dim=8, pretrain_epochs=1, random_state=0)
    >>> scorer = make_self_bleu_scorer(max_n=2, n_samples=10)
    >>> -1.0 <= scorer(gan.fit(texts), texts) <= 0.0
    True
    """
    n_samples = check_n_samples(n_samples)
    if n_samples < 2:
        raise ValueError(f"Self-BLEU needs n_samples >= 2, got {n_samples}.")
    return _SelfBleuScorer(
        max_n=check_order(max_n),
        n_samples=n_samples,
        temperature=check_temperature(temperature),
        random_state=check_random_state_argument(random_state),
    )


def make_nll_scorer(*, temperature: float = 1.0) -> Callable[..., float]:
    """Scorer that returns minus NLL_test of the texts it is called with.

    At temperature 1 it is the estimator's own ``score`` (mean log-likelihood
    per token), which ``GridSearchCV`` uses by default; as a named scorer it
    can sit beside sampling scorers and be the one used to ``refit``.

    Parameters
    ----------
    temperature : float, default=1.0
        Score the model at this sampling temperature (see :func:`nll_test`).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``, ``-nll_test(estimator, X,
        y=y)``; greater is better. For a class-conditional model, ``y`` (the
        labels ``GridSearchCV`` passes) scores each text given its class, as
        the estimator's own ``score`` does.

    See Also
    --------
    nll_test : The metric.

    Examples
    --------
    >>> from sklearn_textgan import TextGAN
    >>> from sklearn_textgan.metrics import make_nll_scorer
    >>> texts = ["the cat sat.", "the dog ran.", "a cat ran.", "a dog sat."] * 5
    >>> gan = TextGAN(embedding_dim=8, hidden_dim=8, pretrain_epochs=1, random_state=0)
    >>> gan = gan.fit(texts)
    >>> make_nll_scorer()(gan, texts) == gan.score(texts)
    True
    """
    return _NLLScorer(temperature=check_temperature(temperature))


def make_nll_oracle_scorer(
    oracle: LSTMOracle,
    *,
    n_samples: int = 1000,
    temperature: float = 1.0,
    random_state: int | np.random.RandomState | None = 0,
) -> Callable[..., float]:
    """Scorer that samples from the estimator and returns minus their NLL_oracle.

    For a TextGAN fitted on oracle data as token ids (oracle token ``t`` is id
    ``t + 4``, then the end token; see :func:`quality_diversity_curve`).
    Quality only: pair it with :func:`make_nll_scorer` (coverage).

    Parameters
    ----------
    oracle : LSTMOracle
        The oracle that generated the training data.
    n_samples : int, default=1000
        Sequences sampled at each call.
    temperature : float, default=1.0
        Sampling temperature.
    random_state : int, RandomState instance or None, default=0
        Seeds the sampling.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``, ``-nll_oracle``; greater is
        better.

    See Also
    --------
    nll_oracle : The metric.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_textgan import TextGAN
    >>> from sklearn_textgan.datasets import make_lstm_oracle
    >>> from sklearn_textgan.metrics import make_nll_oracle_scorer
    >>> oracle = make_lstm_oracle(vocab_size=20, sequence_length=6, random_state=0)
    >>> data = oracle.sample(100, random_state=0)
    >>> ids = np.hstack([data + 4, np.full((100, 1), 2)])  # shifted past specials, end token
    >>> gan = TextGAN(embedding_dim=8, hidden_dim=8, pretrain_epochs=2, random_state=0)
    >>> scorer = make_nll_oracle_scorer(oracle, n_samples=50)
    >>> bool(scorer(gan.fit(ids), ids) < 0)
    True
    """
    if not callable(getattr(oracle, "nll", None)):
        raise TypeError(f"oracle must have an nll method, got {type(oracle).__name__}.")
    return _OracleNLLScorer(
        oracle,
        n_samples=check_n_samples(n_samples),
        temperature=check_temperature(temperature),
        random_state=check_random_state_argument(random_state),
    )
