"""Pictures of training and of evaluation, drawn with matplotlib.

- :func:`plot_history`: training curves from ``TextGAN.history_`` (likelihood,
  adversarial losses, discriminator accuracy, Gumbel temperature, diversity),
  one panel each, with the training phases marked;
- :func:`plot_quality_diversity`: quality against diversity over sampling
  temperatures for one or more models, beside the maximum-likelihood
  baseline's curve (records of
  :func:`~sklearn_textgan.metrics.quality_diversity_curve`).

matplotlib is an optional dependency (``pip install "sklearn-textgan[plot]"``),
imported only when a function is called.
"""

from ._history import HISTORY_PANELS, plot_history
from ._quality_diversity import plot_quality_diversity

__all__ = ["HISTORY_PANELS", "plot_history", "plot_quality_diversity"]
