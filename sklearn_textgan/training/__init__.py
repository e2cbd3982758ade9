"""Training strategies (one per algorithm) and the loops they share. Imports torch only."""

from ._adversarial import AdversarialAlgorithm
from ._base import Algorithm, TrainingConfig, TrainingState, iter_batches
from ._checkpoint import CHECKPOINT_FORMAT, Checkpointer, atomic_write
from ._dense import DenseReward
from ._guard import DivergenceGuard, TrainingDivergedError
from ._history import History, progress_line
from ._losses import LOSSES, GANLoss, get_loss, gradient_penalty
from ._maligan import MaliGAN
from ._mle import MaximumLikelihood, mean_nll, train_mle
from ._monitor import distinct_2, mean_length, monitor_samples
from ._optim import OPTIMIZERS, make_optimizer
from ._progress import EpochProgress
from ._registry import ALGORITHMS, get_algorithm, register_algorithm
from ._relgan import RelGAN, gumbel_generate
from ._rollout import rollout_rewards
from ._schedules import TEMPERATURE_SCHEDULES, inverse_temperature
from ._seqgan import SeqGAN

__all__ = [
    "ALGORITHMS",
    "CHECKPOINT_FORMAT",
    "Checkpointer",
    "DivergenceGuard",
    "EpochProgress",
    "TrainingDivergedError",
    "atomic_write",
    "distinct_2",
    "mean_length",
    "progress_line",
    "monitor_samples",
    "LOSSES",
    "TEMPERATURE_SCHEDULES",
    "AdversarialAlgorithm",
    "DenseReward",
    "GANLoss",
    "MaliGAN",
    "RelGAN",
    "SeqGAN",
    "get_loss",
    "gradient_penalty",
    "gumbel_generate",
    "inverse_temperature",
    "rollout_rewards",
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
