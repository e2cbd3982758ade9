"""Operations shared by every generator: likelihoods and sampling.

A generator is any module with

- ``features(inputs) -> hidden`` of shape (batch, time, hidden_dim) for
  teacher-forced ``inputs`` (batch, time),
- ``output``, the ``nn.Linear`` from hidden states to vocabulary logits,
- ``forward(inputs) -> logits`` (``output(features(inputs))``),
- ``initial_state(batch_size, device)`` and ``step(tokens, state) -> (logits, state)``
  for decoding one token at a time.

Sequences are (batch, time) id tensors: tokens, one end token, then padding.

Begin tokens
------------
``bos_id`` is either one int, the begin token of every row, or a LongTensor
of shape (batch,) with one begin id per row. A class-conditional generator
(``num_classes > 0``) has one extra input embedding row per class, after the
``vocab_size`` token rows, and starts a text of class k from begin id
``vocab_size + k`` (:func:`class_begin_ids`): the class is the first thing the
generator reads, and every operation that feeds a begin token (teacher
forcing, sampling, rollouts, Gumbel sampling) conditions on it unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn

from ._output import linear_cross_entropy, linear_token_nll, pad_output_layer

__all__ = [
    "BeginIds",
    "class_begin_ids",
    "never_drawn_ids",
    "sample_sequences",
    "shift_right",
    "summed_nll",
    "token_log_likelihood",
    "token_log_probs",
]


# One begin id for every row, or one per row (class-conditional generators).
BeginIds = int | torch.Tensor


def class_begin_ids(generator: nn.Module, labels: torch.Tensor) -> torch.Tensor:
    """Begin ids (batch,) of class indices ``labels`` for a class-conditional generator.

    Class k begins at ``vocab_size + k``: the input embedding rows after the
    token rows, which the output layer (``vocab_size`` wide) never writes.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator, class_begin_ids
    >>> generator = LSTMGenerator(vocab_size=10, num_classes=2)
    >>> class_begin_ids(generator, torch.tensor([0, 1, 1]))
    tensor([10, 11, 11])
    """
    n_classes = int(getattr(generator, "num_classes", 0))
    if n_classes < 1:
        raise ValueError("This generator is not class-conditional (num_classes=0).")
    return labels.long() + generator.output.out_features


def begin_tokens(bos_id: BeginIds, rows: int, device: torch.device) -> torch.Tensor:
    """The (rows,) begin tokens of a batch: ``bos_id`` repeated, or the per-row ids.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import begin_tokens
    >>> begin_tokens(1, 3, torch.device("cpu"))
    tensor([1, 1, 1])
    >>> begin_tokens(torch.tensor([10, 11]), 2, torch.device("cpu"))
    tensor([10, 11])
    """
    if isinstance(bos_id, torch.Tensor):
        if bos_id.shape != (rows,):
            raise ValueError(
                f"Per-row begin ids must have shape ({rows},), got {tuple(bos_id.shape)}."
            )
        return bos_id.to(device=device, dtype=torch.long)
    return torch.full((rows,), bos_id, dtype=torch.long, device=device)


def shift_right(targets: torch.Tensor, bos_id: BeginIds) -> torch.Tensor:
    """Teacher-forcing inputs: the begin token followed by all targets but the last.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import shift_right
    >>> shift_right(torch.tensor([[5, 6, 2, 0]]), bos_id=1)
    tensor([[1, 5, 6, 2]])
    """
    if isinstance(bos_id, torch.Tensor):
        bos = begin_tokens(bos_id, targets.shape[0], targets.device).unsqueeze(1)
    else:
        bos = torch.full_like(targets[:, :1], bos_id)
    return torch.cat([bos, targets[:, :-1]], dim=1)


def _trim(targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Drop the all-padding columns at the right of a batch (cheaper forward passes)."""
    width = int((targets != pad_id).sum(dim=1).max())
    return targets[:, : max(1, width)]


def summed_nll(
    generator: nn.Module, targets: torch.Tensor, *, bos_id: BeginIds, pad_id: int
) -> tuple[torch.Tensor, int]:
    """Differentiable sum of the token NLLs of ``targets`` and the number of tokens.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator, summed_nll
    >>> generator = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=8)
    >>> targets = torch.tensor([[5, 6, 2, 0], [7, 2, 0, 0]])  # tokens, end id 2, padding 0
    >>> loss, n_tokens = summed_nll(generator, targets, bos_id=1, pad_id=0)
    >>> n_tokens, loss.requires_grad
    (5, True)
    """
    targets = _trim(targets, pad_id)
    hidden = generator.features(shift_right(targets, bos_id))
    mask = targets != pad_id
    loss = linear_cross_entropy(
        hidden[mask], generator.output.weight, generator.output.bias, targets[mask]
    )
    return loss, int(mask.sum())


def token_log_probs(
    generator: nn.Module, targets: torch.Tensor, *, bos_id: BeginIds, pad_id: int
) -> torch.Tensor:
    """Differentiable log-probability of each target token, 0 at padding; (batch, time).

    Builds the full logits tensor, so use it for generated batches (policy
    gradients), not for scoring large data sets.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator, token_log_probs
    >>> generator = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=8)
    >>> targets = torch.tensor([[5, 6, 2, 0], [7, 2, 0, 0]])
    >>> log_probs = token_log_probs(generator, targets, bos_id=1, pad_id=0)
    >>> log_probs.shape, log_probs.requires_grad  # for policy gradients
    (torch.Size([2, 4]), True)
    """
    logits = generator(shift_right(targets, bos_id))
    picked = torch.log_softmax(logits.float(), dim=-1).gather(-1, targets.unsqueeze(-1))
    return picked.squeeze(-1).masked_fill(targets == pad_id, 0.0)


@torch.no_grad()
def token_log_likelihood(
    generator: nn.Module, targets: torch.Tensor, *, bos_id: BeginIds, pad_id: int
) -> torch.Tensor:
    """Log-probability of each target token, 0 at padding; shape (batch, time).

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator, summed_nll, token_log_likelihood
    >>> generator = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=8)
    >>> targets = torch.tensor([[5, 6, 2, 0], [7, 2, 0, 0]])  # tokens, end id 2, padding 0
    >>> log_likelihood = token_log_likelihood(generator, targets, bos_id=1, pad_id=0)
    >>> log_likelihood[targets == 0]  # nothing at padding
    tensor([0., 0., 0.])
    >>> loss, _ = summed_nll(generator, targets, bos_id=1, pad_id=0)
    >>> torch.allclose(-log_likelihood.sum(), loss)
    True
    """
    hidden = generator.features(shift_right(targets, bos_id))
    mask = targets != pad_id
    out = torch.zeros(targets.shape, dtype=torch.float32, device=targets.device)
    out[mask] = -linear_token_nll(
        hidden[mask], generator.output.weight, generator.output.bias, targets[mask]
    )
    return out


@contextlib.contextmanager
def evaluation_mode(*modules: nn.Module) -> Iterator[None]:
    """Run the block with ``modules`` in evaluation mode; give each its mode back after.

    Also when the block raises: a module left in evaluation mode would, for
    one, make a cuDNN LSTM refuse its next backward pass.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_textgan.models._sequences import evaluation_mode
    >>> layer = nn.Dropout(0.5)
    >>> with evaluation_mode(layer):
    ...     layer.training
    False
    >>> layer.training
    True
    """
    modes = [(module, module.training) for module in modules]
    for module in modules:
        module.eval()
    try:
        yield
    finally:
        for module, training in modes:
            module.train(training)


def never_drawn_ids(
    never_draw: tuple[int, ...] | None,
    bos_id: BeginIds,
    pad_id: int,
    device: torch.device,
    vocab_size: int | None = None,
) -> torch.Tensor:
    """The ids (LongTensor) that sampling must never draw.

    ``never_draw`` when given; otherwise the padding id and, when it is one
    int, the begin id: tokens that are never a training target, so a model
    only gives them a small probability, which a high temperature raises.
    (A class-conditional generator's begin ids lie outside its output layer.)
    With ``vocab_size``, the width of the output layer, ids outside it are
    left out: they cannot be drawn anyway.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import never_drawn_ids
    >>> never_drawn_ids(None, bos_id=1, pad_id=0, device=torch.device("cpu"))
    tensor([0, 1])
    >>> never_drawn_ids(None, bos_id=torch.tensor([10, 11]), pad_id=0, device=torch.device("cpu"))
    tensor([0])
    >>> never_drawn_ids(None, bos_id=10, pad_id=0, device=torch.device("cpu"), vocab_size=10)
    tensor([0])
    """
    if never_draw is None:
        never_draw = (pad_id,) if isinstance(bos_id, torch.Tensor) else (pad_id, bos_id)
    ids = sorted(set(never_draw))
    if vocab_size is not None:
        ids = [i for i in ids if 0 <= i < vocab_size]
    return torch.tensor(ids, dtype=torch.long, device=device)


def output_width(generator: nn.Module) -> int | None:
    """The number of ids ``generator``'s output layer scores, or None if it does not say."""
    return getattr(getattr(generator, "output", None), "out_features", None)


class StepSampler:
    """Draws the next token of every row of a batch, one decoding step per call.

    ``sampler(tokens, state)`` advances ``generator`` by one step from the
    (rows,) ``tokens`` and returns the drawn (rows,) tokens and the new state;
    the ids in ``never`` (a LongTensor) are never drawn. Build one sampler per
    sampling run: it reads the output layer once, when it is built.

    For a float32 generator with ``step_features``, the output layer is
    padded once per sampler to an aligned width (unaligned rows halve the
    speed of the CPU matrix product) and its logits are written into one
    reusable buffer (a fresh (rows, vocabulary) matrix at every step costs as
    much as the product itself on the CPU).

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator
    >>> from sklearn_textgan.models._sequences import StepSampler
    >>> generator = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=8).eval()
    >>> sampler = StepSampler(generator, 3, torch.device("cpu"), never=torch.tensor([0, 1]),
    ...                       random_generator=torch.Generator().manual_seed(0))
    >>> state = generator.initial_state(3, torch.device("cpu"))
    >>> with torch.no_grad():
    ...     tokens, state = sampler(torch.tensor([1, 1, 1]), state)
    >>> tokens.shape, bool((tokens >= 2).all())
    (torch.Size([3]), True)
    """

    def __init__(
        self,
        generator: nn.Module,
        rows: int,
        device: torch.device,
        *,
        temperature: float = 1.0,
        never: torch.Tensor | None = None,
        random_generator: torch.Generator | None = None,
    ) -> None:
        self.generator = generator
        self.temperature = temperature
        self.never = never
        self.random_generator = random_generator
        output = getattr(generator, "output", None)
        self.buffer = None
        if (
            output is not None
            and output.weight.dtype == torch.float32
            and getattr(generator, "step_features", None) is not None
        ):
            self.vocab = output.out_features
            self.weight, self.bias = pad_output_layer(output.weight, output.bias)
            self.buffer = torch.empty(rows, self.weight.shape[0], device=device)

    def __call__(self, tokens: torch.Tensor, state) -> tuple[torch.Tensor, object]:
        if self.buffer is None:
            logits, state = self.generator.step(tokens, state)
            drawn = draw_tokens(logits, self.temperature, self.random_generator, never=self.never)
            return drawn, state
        hidden, state = self.generator.step_features(tokens, state)
        logits = self.buffer[: hidden.shape[0]]
        if self.bias is None:
            torch.mm(hidden, self.weight.t(), out=logits)
        else:
            torch.addmm(self.bias, hidden, self.weight.t(), out=logits)
        drawn = draw_tokens(
            logits[:, : self.vocab],
            self.temperature,
            self.random_generator,
            in_place=True,
            never=self.never,
        )
        return drawn, state


# exp is 15-20x slower on the CPU for arguments whose result underflows
# (below about -87 in float32), as happens at low temperatures; a weight of
# exp(-80) relative to the most likely token is far below what a float32
# uniform draw can resolve, so clamping there changes no draw in practice.
_LOWEST_EXPONENT = -80.0
_LOG2_E = 1.4426950408889634

# Width of the blocks of the two-level inverse CDF (see _inverse_cdf).
_CDF_BLOCK = 64


def draw_tokens(
    logits: torch.Tensor,
    temperature: float,
    generator: torch.Generator | None,
    *,
    in_place: bool = False,
    never: torch.Tensor | None = None,
) -> torch.Tensor:
    """One token per row by inverse-CDF sampling (much faster than torch.multinomial on CPU).

    With ``in_place=True`` the float32 ``logits`` are overwritten (they hold the
    unnormalised weights afterwards); otherwise the caller's tensor is left alone.
    The column ids in ``never`` (a LongTensor) are never drawn.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models._sequences import draw_tokens
    >>> logits = torch.tensor([[0.0, 50.0, 0.0], [-50.0, -50.0, 0.0]])
    >>> draw_tokens(logits, 1.0, torch.Generator().manual_seed(0))
    tensor([1, 2])
    >>> draw_tokens(logits, 1.0, torch.Generator().manual_seed(0), never=torch.tensor([1]))
    tensor([0, 2])
    """
    logits = logits.float()
    # Weights 2 ** ((logits - max) * log2(e) / T): exp2 runs about 1.5x faster
    # than exp on the CPU, and the shift and the scale take one pass.
    scale = _LOG2_E / temperature
    shift = logits.amax(dim=1, keepdim=True).mul_(-scale)
    weights = torch.add(shift, logits, alpha=scale, out=logits if in_place else None)
    weights = weights.clamp_(min=_LOWEST_EXPONENT * _LOG2_E).exp2_()
    if never is not None:
        # Zero weights, not very low logits: the clamp gives every logit a weight.
        # A zero weight is never the first to pass the target, even at u = 0.
        weights.index_fill_(1, never, 0.0)
    u = torch.rand((logits.shape[0], 1), generator=generator, device=logits.device)
    return _inverse_cdf(weights, u)


def _inverse_cdf(weights: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """The first index of each row whose cumulative weight exceeds ``u`` times the row total.

    Two levels, because a full-width cumulative sum is a sequential scan that
    costs more than the exponentials: the sums of blocks of ``_CDF_BLOCK``
    weights (a vectorised reduction) locate the block, and only that block
    is scanned. Rounding can leave the target past the chosen block's last
    weight; the block's last token is then taken, a choice made with a
    probability of the order of float32 rounding.
    """
    rows, vocab = weights.shape
    n_full = vocab // _CDF_BLOCK
    if n_full < 2:
        cumulative = weights.cumsum(dim=1)
        tokens = torch.searchsorted(cumulative, u * cumulative[:, -1:], right=True).squeeze(1)
        # u * total can round up to total itself; clamp keeps the index in range.
        return tokens.clamp_(max=vocab - 1)
    block_sums = weights[:, : n_full * _CDF_BLOCK].view(rows, n_full, _CDF_BLOCK).sum(dim=2)
    if vocab > n_full * _CDF_BLOCK:
        tail = weights[:, n_full * _CDF_BLOCK :].sum(dim=1, keepdim=True)
        block_sums = torch.cat([block_sums, tail], dim=1)
    block_cumulative = block_sums.cumsum_(dim=1)
    n_blocks = block_cumulative.shape[1]
    target = u * block_cumulative[:, -1:]
    block = torch.searchsorted(block_cumulative, target, right=True).clamp_(max=n_blocks - 1)
    before = block_cumulative.gather(1, (block - 1).clamp_(min=0))
    remaining = target - before.masked_fill_(block == 0, 0.0)
    first = block * _CDF_BLOCK  # (rows, 1)
    positions = first + torch.arange(_CDF_BLOCK, device=weights.device)
    inside = weights.gather(1, positions.clamp(max=vocab - 1))
    # Positions past the vocabulary (in a short last block) weigh nothing.
    inside_cumulative = inside.masked_fill_(positions >= vocab, 0.0).cumsum_(dim=1)
    offset = torch.searchsorted(inside_cumulative, remaining, right=True)
    last = (vocab - 1 - first).clamp_(max=_CDF_BLOCK - 1)
    return (first + torch.minimum(offset, last)).squeeze(1)


def end_unended(sequences: torch.Tensor, *, eos_id: int) -> torch.Tensor:
    """``sequences`` with the end token in the last column of every row that has none.

    A row sampled to its last column without an end has one token more than a
    text may have (the last column is the room for the end of the longest
    text): it is cut there, as training texts longer than the limit were. The
    figures of samples and the samples returned then agree. Works in place and
    returns ``sequences``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import end_unended
    >>> end_unended(torch.tensor([[4, 5, 6], [4, 2, 0]]), eos_id=2)
    tensor([[4, 5, 2],
            [4, 2, 0]])
    """
    unended = ~(sequences == eos_id).any(dim=1)
    sequences[unended, -1] = eos_id
    return sequences


@torch.no_grad()
def sample_sequences(
    generator: nn.Module,
    n_samples: int,
    *,
    max_steps: int,
    bos_id: BeginIds,
    eos_id: int,
    pad_id: int,
    temperature: float = 1.0,
    random_generator: torch.Generator | None = None,
    batch_size: int = 512,
    device: torch.device | None = None,
    never_draw: tuple[int, ...] | None = None,
) -> torch.Tensor:
    """Ancestral sampling of ``n_samples`` sequences of at most ``max_steps`` tokens.

    Each row ends at its first end token, after which it is padded; a row that
    reaches ``max_steps`` without one is left without an end token
    (:func:`end_unended` ends it there, as :meth:`TextGAN.sample` does). Sampling
    runs in batches of ``batch_size`` rows so memory stays bounded (and the
    logits of a batch stay in cache). ``bos_id`` may hold one begin id per
    row (shape ``(n_samples,)``) for a class-conditional generator. The ids
    ``never_draw`` are never drawn (default: see :func:`never_drawn_ids`).

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator, sample_sequences
    >>> generator = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=8)
    >>> def draw(seed):
    ...     return sample_sequences(
    ...         generator, 3, max_steps=6, bos_id=1, eos_id=2, pad_id=0,
    ...         random_generator=torch.Generator().manual_seed(seed),
    ...     )
    >>> draw(0).shape
    torch.Size([3, 6])
    >>> torch.equal(draw(0), draw(0))
    True
    """
    device = device or next(generator.parameters()).device
    never = never_drawn_ids(never_draw, bos_id, pad_id, device, output_width(generator))
    chunks = []
    per_row = isinstance(bos_id, torch.Tensor)
    if per_row:
        bos_id = begin_tokens(bos_id, n_samples, device)
    with evaluation_mode(generator):
        for start in range(0, n_samples, batch_size):
            size = min(batch_size, n_samples - start)
            if per_row:
                tokens = bos_id[start : start + size].clone()
            else:
                tokens = torch.full((size,), bos_id, dtype=torch.long, device=device)
            state = generator.initial_state(size, device)
            finished = torch.zeros(size, dtype=torch.bool, device=device)
            out = torch.full((size, max_steps), pad_id, dtype=torch.long, device=device)
            sampler = StepSampler(
                generator,
                size,
                device,
                temperature=temperature,
                never=never,
                random_generator=random_generator,
            )
            for t in range(max_steps):
                tokens, state = sampler(tokens, state)
                out[:, t] = tokens.masked_fill(finished, pad_id)
                finished |= tokens == eos_id
                # Checked only every few steps: the host sync costs more than a few wasted steps.
                if t % 8 == 7 and bool(finished.all()):
                    break
            chunks.append(out)
    return torch.cat(chunks, dim=0)
