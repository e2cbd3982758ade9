"""Quality against diversity over sampling temperatures (Caccia et al. 2020)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from numbers import Integral
from typing import TYPE_CHECKING

import numpy as np
from sklearn.utils import check_random_state

from .._validation import check_random_state_argument
from ._bleu import BleuReferences, Texts
from ._diversity import self_bleu_scores
from ._likelihood import nll_oracle, nll_test
from ._sampling import check_sampler, draw_samples, reference_token_lists, to_oracle_ids
from ._validation import (
    check_n_samples,
    check_order,
    check_orders,
    check_temperature,
)

if TYPE_CHECKING:
    from .._estimator import TextGAN
    from ..datasets import LSTMOracle

__all__ = ["quality_diversity_curve"]

_SEED_HIGH = 2**31 - 1


def _check_temperatures(temperatures) -> tuple[float, ...]:
    if isinstance(temperatures, (str, bytes)) or not isinstance(
        temperatures, Sequence | np.ndarray
    ):
        raise TypeError(
            "temperatures must be a sequence of positive floats, got "
            f"{type(temperatures).__name__}."
        )
    checked = tuple(check_temperature(value, name="temperatures") for value in temperatures)
    if not checked:
        raise ValueError("temperatures is empty: give at least one sampling temperature.")
    return checked


def quality_diversity_curve(
    estimator: TextGAN,
    references: Texts | None = None,
    *,
    temperatures: Sequence[float] = (0.6, 0.8, 1.0, 1.2, 1.4),
    n_samples: int = 1000,
    oracle: LSTMOracle | None = None,
    test_texts: Texts | np.ndarray | None = None,
    max_n: int | Sequence[int] = 5,
    random_state: int | np.random.RandomState | None = 0,
) -> list[dict]:
    """Quality and diversity of a generator's samples at each sampling temperature.

    Lowering the temperature trades diversity for quality, so one number at
    one temperature cannot rank two generators: compare their curves, and
    always include a maximum-likelihood model of the same size trained on
    the same data (Caccia et al. 2020, "Language GANs falling short"). For
    each temperature, ``n_samples`` texts are drawn and judged:

    - with ``references`` (real text): BLEU-n of the samples against the
      references (quality, higher is better) and Self-BLEU-n among the
      samples (diversity, lower is better);
    - with an ``oracle`` (synthetic data): NLL_oracle of the samples
      (quality) and NLL_test of ``test_texts`` under the model at that
      temperature (coverage), both lower is better;
    - with ``test_texts``: NLL_test at that temperature, also for real data.

    Parameters
    ----------
    estimator : fitted TextGAN, or fitted Pipeline ending in one
        The generator; ``sample`` and (for NLL_test) ``score`` are used. A
        Pipeline's last step is sampled, and the references and test texts
        pass through the steps before it, as its training texts did.
    references : list of str or list of token lists, default=None
        Real held-out texts for BLEU. Needed unless ``oracle`` is given.
        Texts, and the samples, are split into tokens by the estimator's
        fitted tokenizer (``tokenizer_.tokenize``) when it has one, so that
        both sides are tokenized alike; else on whitespace.
    temperatures : sequence of float, default=(0.6, 0.8, 1.0, 1.2, 1.4)
        Sampling temperatures, in the order of the records.
    n_samples : int, default=1000
        Texts sampled at each temperature (at least 2 for Self-BLEU).
    oracle : LSTMOracle, default=None
        The oracle of synthetic data. The estimator must then be fitted on
        token ids in which oracle token ``t`` is id ``t + 4`` (after the four
        special tokens of :class:`~sklearn_textgan.TextTokenizer`) followed
        by the end token, as in the benchmark scripts; samples are mapped
        back, cut to the oracle's length, and an early end becomes oracle
        token 0.
    test_texts : list of str or 2-D int array, default=None
        Held-out texts (or ids) for NLL_test. Needed with ``oracle``:
        NLL_oracle alone rewards a model that repeats one likely sequence.
    max_n : int or sequence of int, default=5
        BLEU and Self-BLEU orders: one int, or several such as (2, 3, 4, 5).
    random_state : int, RandomState instance or None, default=0
        Seeds the sampling. The same seed is used at every temperature
        (common random numbers), which makes the curve smoother.

    Returns
    -------
    records : list of dict
        One dict per temperature, ready for ``pandas.DataFrame(records)``:
        ``temperature``, ``n_samples``, and as available ``n_references``,
        ``bleu_<n>`` and ``self_bleu_<n>`` for each order, ``nll_oracle``,
        ``nll_test``.

    Raises
    ------
    ValueError
        If neither ``references`` nor ``oracle`` is given, ``oracle`` is
        given without ``test_texts``, or an argument is out of range.
    TypeError
        If an argument has the wrong type, or the estimator cannot sample.

    See Also
    --------
    bleu, self_bleu, nll_oracle, nll_test : The figures of each record.

    Examples
    --------
    >>> from sklearn_textgan import TextGAN
    >>> from sklearn_textgan.metrics import quality_diversity_curve
    >>> texts = ["the cat sat.", "the dog ran.", "a cat ran.", "a dog sat."] * 10
    >>> gan = TextGAN(embedding_dim=8, hidden_dim=8, pretrain_epochs=2, random_state=0)
    >>> gan = gan.fit(texts)
    >>> records = quality_diversity_curve(gan, texts, temperatures=(0.5, 1.0),
    ...                                   n_samples=20, max_n=2)
    >>> [record["temperature"] for record in records]
    [0.5, 1.0]
    >>> sorted(records[0])
    ['bleu_2', 'n_references', 'n_samples', 'self_bleu_2', 'temperature']
    """
    check_sampler(estimator)
    temperatures = _check_temperatures(temperatures)
    n_samples = check_n_samples(n_samples)
    orders = (
        (check_order(max_n),)
        if isinstance(max_n, Integral) and not isinstance(max_n, bool)
        else check_orders(max_n)
    )
    if references is None and oracle is None:
        raise ValueError(
            "Give references (real texts, for BLEU and Self-BLEU) or an oracle "
            "(synthetic data, for NLL_oracle); with neither there is nothing to measure."
        )
    if oracle is not None and test_texts is None:
        raise ValueError(
            "With an oracle, pass held-out test_texts too: NLL_oracle (quality) must be "
            "reported beside NLL_test (coverage), since a model that repeats one likely "
            "sequence has an excellent NLL_oracle."
        )
    if isinstance(test_texts, Iterator):
        test_texts = list(test_texts)  # scored at every temperature, not just the first
    if test_texts is not None and len(test_texts) == 0:
        raise ValueError("test_texts is empty: give held-out texts for NLL_test.")
    if oracle is not None and not callable(getattr(oracle, "nll", None)):
        raise TypeError(f"oracle must have an nll method, got {type(oracle).__name__}.")
    reference_set = None
    if references is not None:
        if n_samples < 2:
            raise ValueError(f"Self-BLEU needs n_samples >= 2, got {n_samples}.")
        # Counted once for every temperature.
        reference_set = BleuReferences(
            reference_token_lists(references, estimator, "references"), max(orders)
        )
    random = check_random_state(check_random_state_argument(random_state))
    seed = int(random.randint(0, _SEED_HIGH))

    return [
        curve_point(
            estimator,
            temperature,
            seed,
            n_samples=n_samples,
            orders=orders,
            reference_set=reference_set,
            oracle=oracle,
            test_texts=test_texts,
        )[0]
        for temperature in temperatures
    ]


def curve_point(
    estimator: TextGAN,
    temperature: float,
    seed: int,
    *,
    n_samples: int,
    orders: Sequence[int],
    reference_set: BleuReferences | None = None,
    oracle: LSTMOracle | None = None,
    test_texts: Texts | np.ndarray | None = None,
) -> tuple[dict, list[list[str]]]:
    """One record of :func:`quality_diversity_curve` and the token lists it judged.

    The arguments are checked already; ``seed`` seeds the sampling as it is
    (the same at every temperature gives common random numbers).
    """
    record = {"temperature": temperature, "n_samples": n_samples}
    samples, drawn = draw_samples(estimator, n_samples, temperature, seed)
    if reference_set is not None:
        quality = reference_set.scores(samples, orders)
        diversity = self_bleu_scores(samples, orders)
        record["n_references"] = reference_set.n_references
        record.update({f"bleu_{n}": float(quality[n].mean()) for n in orders})
        record.update({f"self_bleu_{n}": diversity[n] for n in orders})
    if oracle is not None:
        record["nll_oracle"] = nll_oracle(oracle, to_oracle_ids(drawn, oracle))
    if test_texts is not None:
        record["nll_test"] = nll_test(estimator, test_texts, temperature=temperature)
    return record, samples
