"""RelGAN (Nie et al., 2019): Gumbel-softmax relaxation, differentiable end to end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn
from torch.nn import functional as F

from ..models import begin_tokens, never_drawn_ids
from ..models._sequences import output_width
from ._adversarial import AdversarialAlgorithm
from ._base import TrainingState
from ._registry import register_algorithm
from ._schedules import inverse_temperature

__all__ = ["RelGAN", "gumbel_generate"]


def gumbel_generate(
    generator: nn.Module,
    n: int,
    width: int,
    *,
    beta: float,
    bos_id: int | torch.Tensor,
    eos_id: int,
    pad_id: int,
    random_generator: torch.Generator | None,
    device: torch.device,
    never_draw: tuple[int, ...] | None = None,
    min_length: int = 0,
) -> torch.Tensor:
    """Relaxed one-hot sequences (n, width, vocab), differentiable w.r.t. the generator.

    At each step the token is ``argmax(logits + g)`` with Gumbel noise g (an
    exact sample) and is fed back as the next input; what the discriminator
    sees is ``softmax(beta * (logits + g))``, which tends to that one-hot as
    the inverse temperature ``beta`` grows. The end is relaxed too: each row
    is mixed with the one-hot padding token by the relaxed probability that
    the text has already ended, ``e_{t+1} = e_t + (1 - e_t) * soft_t[eos_id]``,
    so that rows after the end are padding in the one-hot limit, and a soft
    end gives soft padding, not hard rows that would look real. ``bos_id``
    may hold one begin id per row (a class-conditional generator). The ids
    ``never_draw`` (default: see
    :func:`~sklearn_textgan.models.never_drawn_ids`) are neither drawn nor
    given any relaxed weight, but for padding's share from the relaxed end.
    Nor is the end before ``min_length`` tokens: no sequence is shorter. The
    last row is the end (mixed with padding by the relaxed end before it):
    a text that has not ended by then is cut, as real texts and
    :meth:`TextGAN.sample <sklearn_textgan.TextGAN.sample>` cut it.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator
    >>> from sklearn_textgan.training import gumbel_generate
    >>> generator = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=4)
    >>> def relaxed(beta):
    ...     return gumbel_generate(
    ...         generator, 3, 5, beta=beta, bos_id=1, eos_id=2, pad_id=0,
    ...         random_generator=torch.Generator().manual_seed(0), device=torch.device("cpu"),
    ...     )
    >>> soft = relaxed(beta=1.0)
    >>> soft.shape  # (n, width, vocab)
    torch.Size([3, 5, 10])
    >>> torch.allclose(soft.sum(dim=2), torch.ones(3, 5))  # a distribution at every step
    True
    >>> soft.requires_grad  # the discriminator's gradient reaches the generator
    True
    >>> sharp = relaxed(beta=100.0)  # same noise, same tokens, closer to one-hot
    >>> bool((sharp.amax(dim=2) >= soft.amax(dim=2)).all())
    True
    >>> full = gumbel_generate(
    ...     generator, 3, 5, beta=1.0, bos_id=1, eos_id=2, pad_id=0, min_length=4,
    ...     random_generator=torch.Generator().manual_seed(0), device=torch.device("cpu"),
    ... )
    >>> full[:, :4, 2].abs().max().item()  # no end weight before the fifth row
    0.0
    """
    state = generator.initial_state(n, device)
    tokens = begin_tokens(bos_id, n, device)
    never = never_drawn_ids(never_draw, bos_id, pad_id, device, output_width(generator))
    finished = torch.zeros(n, dtype=torch.bool, device=device)
    # Relaxed probability that the text ended at an earlier step: 0 or 1 in the
    # one-hot limit, where it makes every row after the end the padding one-hot.
    ended = torch.zeros(n, 1, device=device)
    never_or_end = torch.cat([never, torch.tensor([eos_id], device=device)])
    rows = []
    for step in range(width):
        logits, state = generator.step(tokens, state)
        uniform = torch.rand(logits.shape, generator=random_generator, device=device)
        exponential = -torch.log(uniform.clamp(min=1e-10))
        gumbel = -torch.log(exponential.clamp(min=1e-10))
        excluded = never_or_end if step < min_length else never
        perturbed = (logits.float() + gumbel).index_fill(1, excluded, float("-inf"))
        tokens = perturbed.argmax(dim=1)
        soft = F.softmax(beta * perturbed, dim=1)
        if step == width - 1:
            # The last row of a real text is its end or padding, never a token: a text
            # that has not ended is cut there, as sample() cuts it. A drawn end there
            # rewarded a confident end, and the generator's states carried that to the
            # rows before: on the oracle it learned to end one or two tokens early.
            tokens = torch.full_like(tokens, eos_id)
            soft = F.one_hot(tokens, soft.shape[1]).float()
        padding = F.one_hot(torch.full_like(tokens, pad_id), soft.shape[1]).float()
        # Exact padding after a drawn end would give the generator hard, real-looking
        # rows for ending early: it learned to end 2 tokens early on the oracle.
        rows.append(soft + ended * (padding - soft))
        ended = ended + (1 - ended) * soft[:, eos_id : eos_id + 1]
        tokens = tokens.masked_fill(finished, pad_id)
        finished = finished | (tokens == eos_id)
    return torch.stack(rows, dim=1)


@contextmanager
def frozen(module: nn.Module) -> Iterator[None]:
    """Let gradients flow through ``module`` to its inputs but not into its parameters."""
    flags = [(p, p.requires_grad) for p in module.parameters()]
    for parameter, _ in flags:
        parameter.requires_grad_(False)
    try:
        yield
    finally:
        for parameter, flag in flags:
            parameter.requires_grad_(flag)


@register_algorithm("relgan")
class RelGAN(AdversarialAlgorithm):
    """Generator and discriminator trained through Gumbel-softmax samples.

    The inverse temperature rises from 1 to ``gumbel_temperature`` over the
    adversarial epochs following ``temperature_schedule``. The discriminator
    sees one-hot real text and relaxed generated text, and embeds padding as
    zeros (``zero_padding_embedding``), so that after a relaxed end a row
    counts by the share of the text that has not ended.

    The relaxed samples never end before the shortest training text, and
    their last row is the end (see :func:`gumbel_generate`). Where every
    text has the same length (the SeqGAN oracle), they all have that length
    and the same one-hot end as real text, as in the published code, which
    has no end token there. A discriminator tells a drawn end from a real
    one by its softness alone, and a generator that could end earlier
    learned to, since a confident, nearly one-hot end looked more real than
    the soft tokens it replaced; a reward for a confident end at the last
    row alone raised the end's probability at the rows before it too.

    Class-conditional: the relaxed samples are generated for the classes of
    the real batch they are paired with, and the generator loss adds the
    cross-entropy of the discriminator's class head on them for those
    classes, which the relaxation makes differentiable.

    Examples
    --------
    Used through ``TextGAN(algorithm="relgan")``, with its paper's defaults.
    The inverse temperature rises with the share of adversarial epochs done:

    >>> from sklearn_textgan.training import RelGAN, TrainingConfig
    >>> RelGAN.default_generator, RelGAN.default_discriminator, RelGAN.default_loss
    ('rmc', 'cnn', 'rsgan')
    >>> relgan = RelGAN(TrainingConfig(gumbel_temperature=100.0, temperature_schedule="exp"))
    >>> [round(relgan.beta(progress), 2) for progress in (0.0, 0.5, 1.0)]
    [1.0, 10.0, 100.0]
    """

    default_generator = "rmc"
    default_loss = "rsgan"
    # Rows after a relaxed end are mixed with padding. With a learned padding
    # embedding they can be harder, more real-looking, than the soft rows they
    # replace. Padding as zeros: a row after the end counts only by its
    # not-ended share.
    zero_padding_embedding = True

    def start_adversarial(self, state: TrainingState) -> None:
        # Tokens before the end of the shortest training text (every row has one end).
        self.min_length = int((state.train == self.config.eos_id).int().argmax(dim=1).min())

    def beta(self, progress: float) -> float:
        return inverse_temperature(
            progress, self.config.gumbel_temperature, self.config.temperature_schedule
        )

    def soft_samples(
        self,
        state: TrainingState,
        n: int,
        progress: float,
        labels: torch.Tensor | None = None,
    ) -> torch.Tensor:
        return gumbel_generate(
            state.generator,
            n,
            self.width,
            beta=self.beta(progress),
            bos_id=self.begin_ids(state.generator, labels),
            eos_id=self.config.eos_id,
            pad_id=self.config.pad_id,
            random_generator=state.random_generator,
            device=state.device,
            never_draw=self.config.never_drawn,
            min_length=self.min_length,
        )

    def fake_batch(
        self,
        state: TrainingState,
        n: int,
        progress: float,
        labels: torch.Tensor | None = None,
    ) -> torch.Tensor:
        with torch.no_grad():
            return self.soft_samples(state, n, progress, labels)

    def discriminator_logits(self, discriminator: nn.Module, x: torch.Tensor) -> torch.Tensor:
        return discriminator(self.as_one_hot(x) if not x.is_floating_point() else x)

    def generator_step(self, state: TrainingState, progress: float) -> dict:
        real, labels = self.real_batch_with_labels(state)
        state.generator.train()
        state.discriminator.train()
        fake = self.soft_samples(state, len(real), progress, labels)
        # Only the generator learns here: the discriminator's weight gradients and
        # the graph of the real branch (which does not depend on the generator)
        # would be computed for nothing, and they are most of this step's work.
        with frozen(state.discriminator):
            with torch.no_grad():
                real_logits = self.discriminator_logits(state.discriminator, real)
            fake_logits = self.discriminator_logits(state.discriminator, fake)
            loss = self.loss.generator(real_logits, fake_logits)
            if labels is not None:
                class_logits = state.discriminator.class_logits(fake)
                loss = loss + F.cross_entropy(class_logits.float(), labels)
            self.update_generator(state, loss)
        return {"generator_loss": float(loss.detach()), "temperature": self.beta(progress)}
