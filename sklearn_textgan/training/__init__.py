"""Training strategies (one per algorithm) and the loops they share. Imports torch only."""

from ._base import Algorithm, TrainingConfig, TrainingState, iter_batches
from ._history import History
from ._mle import MaximumLikelihood, mean_nll, train_mle
from ._optim import OPTIMIZERS, make_optimizer
from ._registry import ALGORITHMS, get_algorithm, register_algorithm

__all__ = [
    "ALGORITHMS",
    "OPTIMIZERS",
    "Algorithm",
    "History",
    "MaximumLikelihood",
    "TrainingConfig",
    "TrainingState",
    "get_algorithm",
    "iter_batches",
    "make_optimizer",
    "mean_nll",
    "register_algorithm",
    "train_mle",
]
