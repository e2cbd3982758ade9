"""Metrics of generated text: quality, diversity, likelihood, and scikit-learn scorers.

The evaluation protocol of the text-GAN literature, fast enough to run at
every temperature of a sweep:

- n-gram overlap: :func:`bleu` (each generated text against a reference set,
  NLTK's smoothing method 1, as in Texygen and RelGAN) and :func:`self_bleu`
  (each generated text against the others), several orders at once with
  :func:`bleu_scores` and :func:`self_bleu_scores`; :func:`distinct_n`;
  :func:`copied_ngrams` (how much is copied from the training texts);
- likelihood: :func:`nll_oracle` (samples under the true model of synthetic
  data) and :func:`nll_test` (held-out text under the model);
- language-model scores (Caccia et al. 2020): :func:`lm_score` and
  :func:`reverse_lm_score`;
- :func:`quality_diversity_curve`, quality and diversity over sampling
  temperatures;
- style: :func:`class_accuracy` and :class:`StyleJudge`, the class accuracy of
  text from a style-conditioned generator judged by an independent TF-IDF +
  logistic-regression classifier trained on real text (as CatGAN reports);
- scorers for ``GridSearchCV``: :func:`make_bleu_scorer`,
  :func:`make_self_bleu_scorer`, :func:`make_nll_scorer`,
  :func:`make_nll_oracle_scorer`.

The n-gram metrics are pure numpy; the metric modules import torch (and the
estimator) only inside the functions that train or rescale a model.
"""

from ._bleu import bleu, bleu_scores
from ._curves import quality_diversity_curve
from ._diversity import distinct_n, self_bleu, self_bleu_scores
from ._likelihood import nll_oracle, nll_test
from ._lm_score import lm_score, reverse_lm_score
from ._novelty import copied_ngrams
from ._scorers import (
    make_bleu_scorer,
    make_nll_oracle_scorer,
    make_nll_scorer,
    make_self_bleu_scorer,
)
from ._style import StyleJudge, class_accuracy

__all__ = [
    "StyleJudge",
    "bleu",
    "bleu_scores",
    "class_accuracy",
    "copied_ngrams",
    "distinct_n",
    "lm_score",
    "make_bleu_scorer",
    "make_nll_oracle_scorer",
    "make_nll_scorer",
    "make_self_bleu_scorer",
    "nll_oracle",
    "nll_test",
    "quality_diversity_curve",
    "reverse_lm_score",
    "self_bleu",
    "self_bleu_scores",
]
