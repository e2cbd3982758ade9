"""Class accuracy of generated text, judged by an independent classifier (as in CatGAN).

A style-conditioned generator is asked for text of class k; whether it wrote
text of class k is judged by a classifier that never saw the generator: TF-IDF
features and logistic regression, trained on real labelled text. Its accuracy
on generated text, per requested class and overall, is the figure.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .._labels import check_training_labels, encode_labels

__all__ = ["StyleJudge", "class_accuracy"]

Texts = Iterable[str | Sequence[Hashable]]


def _as_strings(texts: Texts, name: str) -> list[str]:
    """Texts as str: a token list is joined with spaces; anything else is an error.

    An empty collection is an error too: there is nothing to fit or judge.
    """
    if isinstance(texts, str):
        raise TypeError(f"{name} must be a list of texts, not a single str.")
    if not isinstance(texts, Iterable):
        raise TypeError(f"{name} must be a list of texts, got {type(texts).__name__}.")
    strings = []
    for text in texts:
        if isinstance(text, str):
            strings.append(text)
        elif isinstance(text, (list, tuple, np.ndarray)):
            strings.append(" ".join(str(token) for token in text))
        else:
            raise TypeError(f"{name} must hold str or token lists, found {type(text).__name__}.")
    if not strings:
        raise ValueError(f"{name} is empty: at least one text is required.")
    return strings


def _check_ngram_range(ngram_range: tuple) -> tuple[int, int]:
    valid = (
        len(ngram_range) == 2
        and all(isinstance(n, Integral) and not isinstance(n, bool) for n in ngram_range)
        and 1 <= ngram_range[0] <= ngram_range[1]
    )
    if not valid:
        raise ValueError(
            "ngram_range must be two int (min_n, max_n) with 1 <= min_n <= max_n, such as "
            f"(1, 2); got {ngram_range!r}."
        )
    return int(ngram_range[0]), int(ngram_range[1])


class StyleJudge(ClassifierMixin, BaseEstimator):
    """Independent style classifier of texts: TF-IDF word n-grams and logistic regression.

    Fitted on real labelled text, it judges whether generated text belongs to
    the class it was asked for (:meth:`class_accuracy`), without sharing
    anything with the generator that wrote it.

    Parameters
    ----------
    ngram_range : tuple of int, default=(1, 2)
        Word n-grams of the TF-IDF features.
    C : float, default=10.0
        Inverse regularisation strength of the logistic regression.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``.
    pipeline_ : sklearn.pipeline.Pipeline
        The fitted vectorizer and logistic regression.

    See Also
    --------
    class_accuracy : The same judgement in one call.

    Examples
    --------
    >>> from sklearn_textgan.metrics import StyleJudge
    >>> real = ["the cat sat", "a dog ran", "stocks fell sharply", "shares rose again"]
    >>> judge = StyleJudge().fit(real, ["pets", "pets", "market", "market"])
    >>> judge.predict(["the dog sat", "stocks rose"]).tolist()
    ['pets', 'market']
    >>> judge.class_accuracy(["a cat ran", "shares fell"], ["pets", "pets"])
    0.5
    """

    _parameter_constraints: dict = {
        "ngram_range": [tuple],
        "C": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, ngram_range=(1, 2), C=10.0):
        self.ngram_range = ngram_range
        self.C = C

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> StyleJudge:
        """Fit on real texts ``X`` and their class labels ``y``.

        Parameters
        ----------
        X : list of str or list of token lists
            Real texts.
        y : array-like of shape (n_texts,)
            Class of each text; at least two classes.

        Returns
        -------
        self : StyleJudge
        """
        ngram_range = _check_ngram_range(self.ngram_range)
        texts = _as_strings(X, "X")
        # The generator's own label checks: one class per text, at least two classes.
        classes, encoded = check_training_labels(y, len(texts))
        # token_pattern keeps one-letter words and punctuation-free tokens alike.
        vectorizer = TfidfVectorizer(
            ngram_range=ngram_range, token_pattern=r"(?u)\b\w+\b", sublinear_tf=True
        )
        self.pipeline_ = make_pipeline(vectorizer, LogisticRegression(C=self.C, max_iter=1000))
        self.pipeline_.fit(texts, encoded)
        self.classes_ = classes
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class (columns in the order of ``classes_``) for each text."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(_as_strings(X, "X"))

    def predict(self, X) -> np.ndarray:
        """The class of each text."""
        check_is_fitted(self, "pipeline_")
        return self.classes_[self.pipeline_.predict(_as_strings(X, "X"))]

    def class_accuracy(self, X, y, *, per_class: bool = False) -> float | dict:
        """Share of texts ``X`` judged to be of their requested class ``y``.

        Parameters
        ----------
        X : list of str or list of token lists
            Generated texts.
        y : array-like of shape (n_texts,)
            The class each text was generated for.
        per_class : bool, default=False
            Return a dict ``{class: accuracy}`` over the requested classes
            instead of one overall figure.

        Returns
        -------
        accuracy : float or dict
            In [0, 1]; chance is about ``1 / n_classes``.

        Raises
        ------
        ValueError
            If ``X`` is empty, or ``y`` is not one label per text or holds a
            class the judge was not fitted on.
        TypeError
            If ``X`` is not a collection of texts or ``per_class`` not a bool.
        """
        check_is_fitted(self, "pipeline_")
        if not isinstance(per_class, (bool, np.bool_)):
            raise TypeError(f"per_class must be True or False, got {per_class!r}.")
        texts = _as_strings(X, "X")
        # A label the judge never saw is an error, not a text judged wrong.
        requested = encode_labels(y, self.classes_, len(texts), allow_scalar=False)
        correct = self.pipeline_.predict(texts) == requested
        if not per_class:
            return float(correct.mean())
        classes = self.classes_.tolist()  # Python values, whatever the array's dtype
        return {
            classes[index]: float(correct[requested == index].mean())
            for index in np.unique(requested)
        }


def class_accuracy(
    texts: Texts,
    labels,
    train_texts: Texts,
    train_labels,
    *,
    per_class: bool = False,
) -> float | dict:
    """Class accuracy of generated text, judged by a classifier trained on real text.

    A :class:`StyleJudge` (TF-IDF word uni- and bigrams, logistic regression)
    is fitted on ``train_texts`` / ``train_labels`` (real, labelled text) and
    predicts the class of each generated text; the figure is the share
    predicted as the class it was generated for, as CatGAN reports. Fit the
    judge on real text the generator was not trained on where possible.

    Parameters
    ----------
    texts : list of str or list of token lists
        Generated texts.
    labels : array-like of shape (n_texts,)
        The class each text was generated for.
    train_texts : list of str or list of token lists
        Real texts to train the judge.
    train_labels : array-like of shape (n_train_texts,)
        Their classes; at least two.
    per_class : bool, default=False
        Return ``{class: accuracy}`` over the requested classes instead.

    Returns
    -------
    accuracy : float or dict
        In [0, 1]; chance is about ``1 / n_classes``.

    Raises
    ------
    ValueError
        If ``labels`` holds a class that ``train_labels`` does not, or either
        is not one label per text.

    Examples
    --------
    >>> from sklearn_textgan.metrics import class_accuracy
    >>> real = ["the cat sat", "a dog ran", "stocks fell sharply", "shares rose again"]
    >>> real_labels = ["pets", "pets", "market", "market"]
    >>> class_accuracy(["the dog ran", "stocks rose"], ["pets", "market"], real, real_labels)
    1.0
    """
    judge = StyleJudge().fit(train_texts, train_labels)
    return judge.class_accuracy(texts, labels, per_class=per_class)
