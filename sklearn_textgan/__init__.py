"""sklearn-textgan: adversarial text generators with the scikit-learn API."""

from ._estimator import TextGAN
from ._tokenizer import TextTokenizer

__version__ = "0.1.0"

__all__ = ["TextGAN", "TextTokenizer", "__version__"]
