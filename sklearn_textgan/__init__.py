"""sklearn-textgan: adversarial text generators with the scikit-learn API."""

from typing import TYPE_CHECKING

from ._tokenizer import TextTokenizer

if TYPE_CHECKING:
    from ._estimator import TextGAN

__version__ = "0.1.0"

__all__ = ["TextGAN", "TextTokenizer", "__version__"]


def __getattr__(name: str):
    # TextGAN is imported on first use: it pulls in torch (seconds), which the
    # tokenizer, the datasets and the n-gram metrics do not need.
    if name == "TextGAN":
        from ._estimator import TextGAN

        globals()["TextGAN"] = TextGAN  # later lookups skip this function
        return TextGAN
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
