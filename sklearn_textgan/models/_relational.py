"""Relational memory core (RMC) generator, the recurrent cell of RelGAN.

The memory is a small matrix of ``mem_slots`` rows ("slots") of width
``hidden_dim``. At every step the slots attend, with multi-head dot-product
attention, over themselves and a projection of the current token embedding
(the "input row"); an MLP follows, both with residual connections and layer
normalisation, and LSTM-style input and forget gates mix the result into the
previous memory. The flattened memory is the step's hidden state.

Speed
-----
Maximum-likelihood training runs the cell over whole teacher-forced
sequences, so :meth:`RelationalMemoryGenerator.features` leaves out of the
recurrence all work that does not depend on the previous memory:

- Only the memory rows survive an update, so the last attention block asks
  queries and runs its MLP for the memory rows alone (with one slot and one
  block, half the work of updating the input row as well).
- The input row enters the first block and the gates through linear maps
  only; these are composed with the input projection and applied, for all
  time steps at once, to the narrow embeddings before the recurrence.

What remains per step is four matrix products with the memory (queries, keys
and values; the two MLP layers; the gates) and a few elementwise operations.
:meth:`~RelationalMemoryGenerator.step` runs the same update for one token.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_divisible, check_positive
from ._random import SeededDropout

__all__ = ["RelationalMemoryGenerator"]

# Added to the forget gate's pre-activation so that the memory is mostly kept at first.
_FORGET_BIAS = 1.0


class _AttentionBlock(nn.Module):
    """Multi-head self-attention then a two-layer MLP, each with residual and layer norm."""

    def __init__(self, width: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(width, 3 * width)
        self.attention_norm = nn.LayerNorm(width)
        self.mlp_in = nn.Linear(width, width)
        self.mlp_out = nn.Linear(width, width)
        self.mlp_norm = nn.LayerNorm(width)

    def forward(self, rows: torch.Tensor, attended: torch.Tensor) -> torch.Tensor:
        """Update ``rows`` (batch, n, width) given what they attended to (same shape)."""
        rows = self.attention_norm(rows + attended)
        return self.mlp_norm(rows + self.mlp_out(F.relu(self.mlp_in(rows))))


def attention(
    query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, num_heads: int
) -> torch.Tensor:
    """Multi-head dot-product attention without projections: (batch, n, width) out.

    ``query`` is (batch, n, width); ``key`` and ``value`` are (batch, m, width).
    """
    batch, n_rows, width = query.shape

    def split_heads(x: torch.Tensor) -> torch.Tensor:
        return x.reshape(batch, -1, num_heads, width // num_heads).transpose(1, 2)

    attended = F.scaled_dot_product_attention(
        split_heads(query), split_heads(key), split_heads(value)
    )
    return attended.transpose(1, 2).reshape(batch, n_rows, width)


def two_key_attention(
    query: torch.Tensor,
    keys: tuple[torch.Tensor, torch.Tensor],
    values: tuple[torch.Tensor, torch.Tensor],
    num_heads: int,
) -> torch.Tensor:
    """:func:`attention` of one query row over exactly two key rows, all (batch, 1, width).

    A softmax over two scores is the sigmoid of their difference, so each
    head's output is ``v1 + sigmoid((k0 - k1) . q / sqrt(d)) * (v0 - v1)``:
    a few elementwise operations instead of concatenating the keys and values
    and a general attention kernel (the single-slot memory's case).
    """
    batch, _, width = query.shape
    head_size = width // num_heads
    key_difference = (keys[0] - keys[1]).view(batch, num_heads, head_size)
    scores = (query.view(batch, num_heads, head_size) * key_difference).sum(dim=2, keepdim=True)
    first_weight = torch.sigmoid(scores * head_size**-0.5)
    value_difference = (values[0] - values[1]).view(batch, num_heads, head_size)
    attended = torch.addcmul(
        values[1].view(batch, num_heads, head_size), first_weight, value_difference
    )
    return attended.view(batch, 1, width)


class RelationalMemoryGenerator(nn.Module):
    """Autoregressive language model with a relational memory core (Santoro et al., 2018).

    Parameters
    ----------
    vocab_size : int
        Number of token ids, special tokens included.
    embedding_dim : int
        Size of the token embeddings.
    hidden_dim : int
        Width of each memory slot, ``num_heads * head_size``.
    num_layers : int
        Attention + MLP blocks applied per step.
    dropout : float
        Dropout on the embeddings and on the hidden states given to the output layer.
    mem_slots : int
        Number of memory slots; the hidden state has ``mem_slots * hidden_dim`` units.
    num_heads : int
        Attention heads; must divide ``hidden_dim``.
    num_classes : int
        Classes of a class-conditional model: the input embedding gets one
        begin row per class after the ``vocab_size`` token rows (class k
        begins at id ``vocab_size + k``) while the output layer stays
        ``vocab_size`` wide. ``0`` builds exactly the unconditional model.

    Notes
    -----
    RelGAN (Nie et al., 2019) uses ``mem_slots=1``, ``num_heads=2``, a head size of
    256 (``hidden_dim=512``) and 32-dimensional embeddings. The memory starts as the
    identity matrix (padded with zeros or truncated to ``hidden_dim`` columns), as in
    the original core. The state of :meth:`step` is the memory, a tensor of shape
    (batch, mem_slots, hidden_dim). After re-initialising all parameters, call
    :meth:`reset_special_parameters` so that the layer norms start as identities.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import RelationalMemoryGenerator
    >>> generator = RelationalMemoryGenerator(
    ...     vocab_size=10, embedding_dim=4, hidden_dim=8, num_heads=2, mem_slots=2
    ... )
    >>> generator(torch.tensor([[1, 5, 6]])).shape
    torch.Size([1, 3, 10])
    >>> generator.initial_state(3, torch.device("cpu")).shape  # (batch, mem_slots, hidden_dim)
    torch.Size([3, 2, 8])
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 32,
        hidden_dim: int = 512,
        num_layers: int = 1,
        dropout: float = 0.0,
        mem_slots: int = 1,
        num_heads: int = 2,
        num_classes: int = 0,
    ) -> None:
        super().__init__()
        check_positive(
            num_layers=num_layers, mem_slots=mem_slots, num_heads=num_heads, hidden_dim=hidden_dim
        )
        check_divisible("hidden_dim", hidden_dim, "num_heads", num_heads)
        self.vocab_size = vocab_size
        self.hidden_dim = hidden_dim
        self.mem_slots = mem_slots
        self.num_heads = num_heads
        self.num_classes = num_classes
        self.embedding = nn.Embedding(vocab_size + num_classes, embedding_dim)
        self.input_projection = nn.Linear(embedding_dim, hidden_dim)
        self.blocks = nn.ModuleList(
            _AttentionBlock(hidden_dim, num_heads) for _ in range(num_layers)
        )
        # Gates: [input gate, forget gate] from the input row and from tanh(memory).
        self.input_gate = nn.Linear(hidden_dim, 2 * hidden_dim)
        self.memory_gate = nn.Linear(hidden_dim, 2 * hidden_dim, bias=False)
        self.dropout = SeededDropout(dropout)
        self.output = nn.Linear(mem_slots * hidden_dim, vocab_size)
        self.reset_special_parameters()

    def reset_special_parameters(self) -> None:
        """Give the layer norms unit scale and zero shift (call after re-initialising)."""
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, nn.LayerNorm):
                    module.weight.fill_(1.0)
                    module.bias.zero_()

    def initial_state(self, batch_size: int, device: torch.device) -> torch.Tensor:
        """The starting memory, (batch, mem_slots, hidden_dim): an identity matrix."""
        memory = torch.eye(self.mem_slots, self.hidden_dim, device=device)
        dtype = self.output.weight.dtype
        return memory.to(dtype).expand(batch_size, -1, -1).contiguous()

    def _input_terms(self, tokens: torch.Tensor) -> list[torch.Tensor]:
        """Terms of the input row for every token, each of width ``hidden_dim``.

        [row, query, key, value] of the input row in the first block, then its
        contributions to the input and forget gates (the forget bias included).
        With a single block the row and its query are not needed and left out.
        """
        width = self.hidden_dim
        projection, qkv, gate = self.input_projection, self.blocks[0].qkv, self.input_gate
        keep = slice(width if len(self.blocks) == 1 else 0, None)
        maps = torch.cat([qkv.weight[keep], gate.weight])
        biases = [qkv.bias[keep], gate.bias[:width], gate.bias[width:] + _FORGET_BIAS]
        weight = maps @ projection.weight
        bias = maps @ projection.bias + torch.cat(biases)
        if len(self.blocks) > 1:
            weight = torch.cat([projection.weight, weight])
            bias = torch.cat([projection.bias, bias])
        terms = F.linear(self.dropout(self.embedding(tokens)), weight, bias)
        return list(terms.split(width, dim=-1))

    def _update(self, memory: torch.Tensor, terms: Sequence[torch.Tensor]) -> torch.Tensor:
        """One step: the next memory from ``memory`` (batch, slots, width) and the
        input row's ``terms`` (each (batch, width), see :meth:`_input_terms`)."""
        width = self.hidden_dim
        first, last = self.blocks[0], len(self.blocks) - 1
        heads = self.num_heads
        *row_terms, input_gate, forget_gate = (term.unsqueeze(1) for term in terms)
        query, key, value = first.qkv(memory).split(width, dim=-1)
        keys, values = (key, row_terms[-2]), (value, row_terms[-1])
        if last == 0 and self.mem_slots == 1:
            # One memory row asks, the memory and the input row answer.
            rows = first(memory, two_key_attention(query, keys, values, heads))
        elif last == 0:
            # The input row is dropped after the update: its query is not needed.
            key, value = torch.cat(keys, dim=1), torch.cat(values, dim=1)
            rows = first(memory, attention(query, key, value, heads))
        else:
            key, value = torch.cat(keys, dim=1), torch.cat(values, dim=1)
            rows = torch.cat([memory, row_terms[0]], dim=1)
            query = torch.cat([query, row_terms[1]], dim=1)
            rows = first(rows, attention(query, key, value, heads))
            for i, block in enumerate(self.blocks[1:], start=1):
                query, key, value = block.qkv(rows).split(width, dim=-1)
                if i == last:
                    rows, query = rows[:, : self.mem_slots], query[:, : self.mem_slots]
                rows = block(rows, attention(query, key, value, heads))
        memory_input, memory_forget = self.memory_gate(torch.tanh(memory)).split(width, dim=-1)
        return (
            torch.sigmoid(memory_input + input_gate) * torch.tanh(rows)
            + torch.sigmoid(memory_forget + forget_gate) * memory
        )

    def features(self, inputs: torch.Tensor) -> torch.Tensor:
        """Hidden states (batch, time, mem_slots * hidden_dim) that ``output`` maps to logits."""
        batch, length = inputs.shape
        # unbind (rather than indexing) lets the backward pass stack the per-step
        # gradients once instead of adding a mostly-zero full-size gradient per step.
        steps = zip(*(term.unbind(1) for term in self._input_terms(inputs)), strict=True)
        memory = self.initial_state(batch, inputs.device)
        outputs = []
        for terms in steps:
            memory = self._update(memory, terms)
            outputs.append(memory)
        hidden = torch.stack(outputs, dim=1).view(batch, length, -1)
        return self.dropout(hidden)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits of shape (batch, time, vocab) for teacher-forced ``inputs`` (batch, time)."""
        return self.output(self.features(inputs))

    def step_features(
        self, tokens: torch.Tensor, state: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One decoding step: hidden state (batch, mem_slots * hidden_dim) after ``tokens``."""
        memory = self._update(state, self._input_terms(tokens))
        return self.dropout(memory.flatten(1)), memory

    def step(self, tokens: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One decoding step: logits (batch, vocab) of the token after ``tokens`` (batch,)."""
        hidden, state = self.step_features(tokens, state)
        return self.output(hidden), state
