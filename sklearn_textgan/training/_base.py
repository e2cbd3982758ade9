"""What every training strategy receives: its configuration and the training state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import torch
from torch import nn

from ..models import class_begin_ids
from ._history import History, progress_line

if TYPE_CHECKING:
    from ._checkpoint import Checkpointer

__all__ = ["Algorithm", "TrainingConfig", "TrainingState", "begin_ids", "iter_batches"]


@dataclass(frozen=True)
class TrainingConfig:
    """Hyper-parameters of training, copied from the estimator's parameters.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from sklearn_textgan.training import TrainingConfig
    >>> config = TrainingConfig(batch_size=2, pretrain_epochs=3)
    >>> config.batch_size, config.pretrain_epochs, config.optimizer
    (2, 3, 'adam')
    >>> config.loss is None  # each GAN strategy then uses its own default loss
    True
    >>> replace(config, learning_rate=0.01).learning_rate  # frozen: copy to change
    0.01
    """

    batch_size: int = 64
    pretrain_epochs: int = 10
    learning_rate: float = 0.005
    optimizer: str = "adam"
    clip_norm: float | None = 5.0
    n_iter_no_change: int | None = 5
    bos_id: int = 1
    eos_id: int = 2
    pad_id: int = 0
    eval_batch_size: int = 1024
    # Adversarial phase (ignored by "mle").
    loss: str | None = None
    discriminator_pretrain_epochs: int = 3
    adversarial_epochs: int = 50
    d_steps: int = 5
    adversarial_learning_rate: float = 1e-4
    discriminator_learning_rate: float = 1e-4
    n_rollouts: int = 16
    gumbel_temperature: float = 100.0
    temperature_schedule: str = "exp"

    @property
    def never_drawn(self) -> tuple[int, ...]:
        """Ids that sampling never draws: padding and the begin token, never a training target."""
        return (self.pad_id, self.bos_id)


@dataclass
class TrainingState:
    """Everything a training step reads or changes; nothing global.

    ``train`` and ``valid`` are (n, time) id tensors already on ``device``:
    tokens, one end token, then padding. ``shuffle_generator`` lives on the
    CPU and decides the order of examples; ``random_generator`` lives on
    ``device`` and drives dropout and sampling.

    ``checkpointer`` writes checkpoints at the end of epochs (None: never);
    ``resume`` is the checkpoint a resumed fit continues from, consumed by the
    loop it was written in. ``monitor_seed`` seeds the samples of the
    per-epoch diversity figure (None: not measured); they are drawn with a
    generator of their own, so they never change the training random streams.

    ``train_labels`` and ``valid_labels`` are the class indices (n,) of a
    class-conditional fit, on ``device``, row for row with ``train`` and
    ``valid``; None (the default) for an unconditional fit, which then takes
    exactly the unconditional code paths.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator
    >>> from sklearn_textgan.training import TrainingState
    >>> state = TrainingState(
    ...     generator=LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=4),
    ...     device=torch.device("cpu"),
    ...     train=torch.tensor([[5, 6, 2, 0], [7, 8, 9, 2]]),  # tokens, end (2), padding (0)
    ...     valid=None,
    ...     shuffle_generator=torch.Generator().manual_seed(0),
    ...     random_generator=torch.Generator().manual_seed(0),
    ...     log=print,
    ... )
    >>> state.conditional, len(state.history)
    (False, 0)
    >>> state.report_epoch({"phase": "mle", "epoch": 1, "train_loss": 2.5, "seconds": 0.1}, 5)
    [mle] epoch   1/5  train_loss 2.5000  0.1s
    """

    generator: nn.Module
    device: torch.device
    train: torch.Tensor
    valid: torch.Tensor | None
    shuffle_generator: torch.Generator
    random_generator: torch.Generator
    history: History = field(default_factory=History)
    log: Callable[[str], None] = lambda message: None
    progress: Callable[[dict, int], None] | None = None
    discriminator: nn.Module | None = None
    checkpointer: Checkpointer | None = None
    resume: dict[str, Any] | None = None
    monitor_seed: int | None = None
    train_labels: torch.Tensor | None = None
    valid_labels: torch.Tensor | None = None

    def report_epoch(self, record: dict, epochs: int) -> None:
        """Show a finished epoch of a phase of ``epochs`` epochs (see ``EpochProgress``)."""
        if self.progress is not None:
            self.progress(record, epochs)
        else:
            self.log(progress_line(record, epochs))

    @property
    def conditional(self) -> bool:
        """Whether the generator is class-conditional (labels were given)."""
        return self.train_labels is not None


def begin_ids(
    generator: nn.Module, config: TrainingConfig, labels: torch.Tensor | None
) -> int | torch.Tensor:
    """The begin token of every row (``config.bos_id``) or, with class ``labels``, one per row."""
    if labels is None:
        return config.bos_id
    return class_begin_ids(generator, labels)


class Algorithm:
    """A training strategy: a sequence of phases run on a :class:`TrainingState`.

    The class attributes say what the estimator must build for it: the default
    architectures and loss when the user leaves them unset, whether a
    discriminator is needed at all, and whether the discriminator it builds
    embeds padding as zeros (``zero_padding_embedding``) instead of learning
    an embedding for it.

    Examples
    --------
    A strategy only has to implement :meth:`fit`; this one records the size
    of the training set and learns nothing:

    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator
    >>> from sklearn_textgan.training import Algorithm, TrainingConfig, TrainingState
    >>> class CountOnly(Algorithm):
    ...     default_generator = "transformer"
    ...
    ...     def fit(self, state):
    ...         state.history.append({"phase": "count", "n_train": len(state.train)})
    >>> state = TrainingState(
    ...     generator=LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=4),
    ...     device=torch.device("cpu"),
    ...     train=torch.tensor([[5, 6, 2, 0], [7, 8, 9, 2]]),
    ...     valid=None,
    ...     shuffle_generator=torch.Generator().manual_seed(0),
    ...     random_generator=torch.Generator().manual_seed(0),
    ... )
    >>> strategy = CountOnly(TrainingConfig(batch_size=2))
    >>> strategy.default_generator, strategy.default_discriminator  # no discriminator needed
    ('transformer', None)
    >>> strategy.fit(state)
    >>> state.history["n_train"]
    [2]
    """

    name: ClassVar[str] = ""
    default_generator: ClassVar[str] = "lstm"
    default_discriminator: ClassVar[str | None] = None
    default_loss: ClassVar[str | None] = None
    zero_padding_embedding: ClassVar[bool] = False

    @classmethod
    def check_components(cls, generator: nn.Module, discriminator: nn.Module | None) -> None:
        """Raise ValueError when the architectures cannot be trained by this algorithm."""

    def __init__(self, config: TrainingConfig) -> None:
        self.config = config

    def fit(self, state: TrainingState) -> None:
        raise NotImplementedError


def iter_batches(
    n_examples: int, batch_size: int, generator: torch.Generator, *, shuffle: bool = True
) -> Iterator[torch.Tensor]:
    """Index batches over ``n_examples``, in an order drawn from ``generator``.

    The order depends only on the generator's state, so one process or several
    (each taking every k-th batch) see the same epoch.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.training import iter_batches
    >>> [batch.tolist() for batch in iter_batches(5, 2, torch.Generator(), shuffle=False)]
    [[0, 1], [2, 3], [4]]
    >>> batches = list(iter_batches(5, 2, torch.Generator().manual_seed(0)))
    >>> [len(batch) for batch in batches], sorted(torch.cat(batches).tolist())
    ([2, 2, 1], [0, 1, 2, 3, 4])
    >>> again = list(iter_batches(5, 2, torch.Generator().manual_seed(0)))
    >>> all(torch.equal(a, b) for a, b in zip(batches, again))  # the seed decides the order
    True
    """
    order = torch.randperm(n_examples, generator=generator) if shuffle else torch.arange(n_examples)
    for start in range(0, n_examples, batch_size):
        yield order[start : start + batch_size]
