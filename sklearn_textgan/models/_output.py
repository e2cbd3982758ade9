"""The output layer's cross-entropy, fused and chunked.

For a vocabulary of thousands of tokens the (tokens x vocabulary) logits
matrix dominates the cost of maximum-likelihood training: materialising it,
its log-softmax and their gradients moves hundreds of megabytes per step.
Here the logits are built a few rows at a time, turned into their gradient in
place while still in cache, and reduced straight into the gradients of the
hidden states, the weight and the bias. Only those gradients are kept for the
backward pass, never the logits.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

__all__ = ["linear_cross_entropy", "linear_token_nll"]

# Rows of a logits buffer are a multiple of this many elements (64 bytes of
# float32): the CPU matrix products that write or read rows of an unaligned
# width (the SeqGAN oracle's 5004 ids) run at half the speed of aligned ones.
ROW_ALIGNMENT = 16


def aligned_width(vocab: int) -> int:
    """``vocab`` rounded up to a multiple of :data:`ROW_ALIGNMENT`."""
    return -(-vocab // ROW_ALIGNMENT) * ROW_ALIGNMENT


def pad_output_layer(
    weight: torch.Tensor, bias: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The output layer with zero rows up to :func:`aligned_width`.

    Its logits are those of ``weight`` and ``bias`` followed by exact zeros
    (zero weights, zero bias), which products of gradients then ignore.
    """
    extra = aligned_width(weight.shape[0]) - weight.shape[0]
    if extra == 0:
        return weight, bias
    return F.pad(weight, (0, 0, 0, extra)), None if bias is None else F.pad(bias, (0, extra))


# Rows of logits handled at once: small enough that a chunk stays in cache
# for a vocabulary of ~10k tokens, large enough that each matrix product is efficient.
_CHUNK_ROWS = 256


def _chunk_nll_and_softmax(
    hidden: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    targets: torch.Tensor,
    vocab: int,
    buffer: torch.Tensor,
    normalise: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-row NLL and, in the same buffer, the softmax of one chunk of rows.

    ``weight`` and ``bias`` are padded by :func:`pad_output_layer` to the
    width of ``buffer``, at least (rows, aligned_width(vocab)) and reused
    across chunks (which saves allocating and page-faulting a fresh logits
    matrix for each). Returns the softmax at the padded width: the first
    ``vocab`` columns hold the probabilities (unnormalised with
    ``normalise=False``), the others zeros.
    """
    full = buffer[: hidden.shape[0]]
    if bias is None:
        torch.mm(hidden, weight.t(), out=full)
    else:
        torch.addmm(bias, hidden, weight.t(), out=full)
    # Half-precision logits are summed in float32; float32 and float64 stay as they are.
    full = full.to(torch.promote_types(full.dtype, torch.float32))
    logits = full[:, :vocab]
    picked = logits.gather(1, targets[:, None]).squeeze(1)
    row_max = logits.amax(dim=1, keepdim=True)
    probs = logits.sub_(row_max).exp_()
    total = probs.sum(dim=1, keepdim=True)
    nll = total.log().squeeze(1) + row_max.squeeze(1) - picked
    if normalise:
        probs.div_(total)
    return nll, full


class _LinearCrossEntropy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, hidden, weight, bias, targets):
        need_hidden, need_weight, need_bias = ctx.needs_input_grad[:3]
        vocab = weight.shape[0]
        weight, bias = pad_output_layer(weight, bias)
        grad_hidden = torch.empty_like(hidden) if need_hidden else None
        accumulate = torch.promote_types(hidden.dtype, torch.float32)
        grad_weight = torch.zeros_like(weight, dtype=accumulate) if need_weight else None
        grad_bias = torch.zeros_like(bias, dtype=accumulate) if need_bias else None
        total = torch.zeros((), dtype=accumulate, device=hidden.device)
        buffer = hidden.new_empty(min(_CHUNK_ROWS, hidden.shape[0]), weight.shape[0])
        for start in range(0, hidden.shape[0], _CHUNK_ROWS):
            rows = slice(start, start + _CHUNK_ROWS)
            nll, probs = _chunk_nll_and_softmax(
                hidden[rows], weight, bias, targets[rows], vocab, buffer
            )
            total += nll.sum()
            if not (need_hidden or need_weight or need_bias):
                continue
            # d(nll)/d(logits) = softmax - one_hot(target), computed in place;
            # the padding columns hold zeros and add nothing below.
            grad_logits = probs.scatter_add_(
                1, targets[rows, None], torch.full_like(nll[:, None], -1.0)
            ).to(hidden.dtype)
            if need_hidden:
                torch.mm(grad_logits, weight, out=grad_hidden[rows])
            if need_weight:
                grad_weight.addmm_(grad_logits.t().to(accumulate), hidden[rows].to(accumulate))
            if need_bias:
                grad_bias += grad_logits.sum(dim=0)
        ctx.save_for_backward(
            grad_hidden,
            None if grad_weight is None else grad_weight[:vocab],
            None if grad_bias is None else grad_bias[:vocab],
        )
        return total

    @staticmethod
    def backward(ctx, grad_output):
        grad_hidden, grad_weight, grad_bias = ctx.saved_tensors
        return (
            None if grad_hidden is None else grad_hidden * grad_output,
            None if grad_weight is None else grad_weight * grad_output,
            None if grad_bias is None else grad_bias * grad_output,
            None,
        )


def linear_cross_entropy(
    hidden: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, targets: torch.Tensor
) -> torch.Tensor:
    """Summed ``cross_entropy(hidden @ weight.T + bias, targets)``, differentiable.

    Parameters
    ----------
    hidden : tensor of shape (n, hidden_dim)
    weight : tensor of shape (vocab_size, hidden_dim)
    bias : tensor of shape (vocab_size,) or None
    targets : long tensor of shape (n,)
        Every target counts; drop padding rows before calling.

    Examples
    --------
    >>> import torch
    >>> from torch.nn import functional as F
    >>> from sklearn_textgan.models import linear_cross_entropy
    >>> random = torch.Generator().manual_seed(0)
    >>> hidden = torch.randn(5, 4, generator=random, requires_grad=True)
    >>> weight, bias = torch.randn(7, 4, generator=random), torch.zeros(7)
    >>> targets = torch.tensor([0, 3, 6, 2, 2])
    >>> loss = linear_cross_entropy(hidden, weight, bias, targets)
    >>> expected = F.cross_entropy(hidden @ weight.T + bias, targets, reduction="sum")
    >>> torch.allclose(loss, expected)
    True
    >>> loss.backward()  # the gradient was formed during the forward pass
    >>> hidden.grad.shape
    torch.Size([5, 4])
    """
    return _LinearCrossEntropy.apply(hidden, weight, bias, targets)


@torch.no_grad()
def linear_token_nll(
    hidden: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, targets: torch.Tensor
) -> torch.Tensor:
    """Negative log-likelihood of each target, shape (n,), without the full logits matrix.

    Examples
    --------
    >>> import torch
    >>> from torch.nn import functional as F
    >>> from sklearn_textgan.models import linear_token_nll
    >>> random = torch.Generator().manual_seed(0)
    >>> hidden, weight = torch.randn(5, 4, generator=random), torch.randn(7, 4, generator=random)
    >>> targets = torch.tensor([0, 3, 6, 2, 2])
    >>> nll = linear_token_nll(hidden, weight, None, targets)
    >>> torch.allclose(nll, F.cross_entropy(hidden @ weight.T, targets, reduction="none"))
    True
    """
    dtype = torch.promote_types(hidden.dtype, torch.float32)
    out = torch.empty(hidden.shape[0], dtype=dtype, device=hidden.device)
    vocab = weight.shape[0]
    weight, bias = pad_output_layer(weight, bias)
    buffer = hidden.new_empty(min(_CHUNK_ROWS, hidden.shape[0]), weight.shape[0])
    for start in range(0, hidden.shape[0], _CHUNK_ROWS):
        rows = slice(start, start + _CHUNK_ROWS)
        out[rows], _ = _chunk_nll_and_softmax(
            hidden[rows], weight, bias, targets[rows], vocab, buffer, normalise=False
        )
    return out
