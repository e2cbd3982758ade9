"""Decoder-only Transformer generator with cached keys and values for decoding."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_divisible, check_positive
from ._random import SeededDropout

__all__ = ["TransformerGenerator"]

# Per layer, the keys and values of all positions so far, each (batch, heads, time, head_size).
LayerCache = tuple[torch.Tensor, torch.Tensor]
# The position of the next token, shape (batch,), and the caches of all layers.
TransformerState = tuple[torch.Tensor, list[LayerCache]]


class _DecoderBlock(nn.Module):
    """Pre-layer-norm block: causal multi-head self-attention, then a feed-forward network."""

    def __init__(self, width: int, ff_dim: int, num_heads: int, dropout: SeededDropout) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.attention_norm = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.attention_out = nn.Linear(width, width)
        self.ff_norm = nn.LayerNorm(width)
        self.ff_in = nn.Linear(width, ff_dim)
        self.ff_out = nn.Linear(ff_dim, width)
        self.dropout = dropout

    def forward(
        self, x: torch.Tensor, cache: LayerCache | None = None
    ) -> tuple[torch.Tensor, LayerCache]:
        """Update ``x`` (batch, time, width); returns it and the keys and values to cache.

        Without ``cache`` the time steps attend causally to each other. With it, ``x`` is
        the single token that follows the cached positions; it attends to them and to
        itself, which needs no mask.
        """
        batch, length, width = x.shape
        heads = self.num_heads
        qkv = self.qkv(self.attention_norm(x))
        query, key, value = qkv.view(batch, length, 3, heads, width // heads).permute(2, 0, 3, 1, 4)
        if cache is not None:
            if length != 1:
                raise ValueError("Cached attention takes one new token at a time.")
            key = torch.cat([cache[0], key], dim=2)
            value = torch.cat([cache[1], value], dim=2)
        attended = F.scaled_dot_product_attention(query, key, value, is_causal=cache is None)
        attended = attended.transpose(1, 2).reshape(batch, length, width)
        x = x + self.dropout(self.attention_out(attended))
        x = x + self.dropout(self.ff_out(F.gelu(self.ff_in(self.ff_norm(x)))))
        return x, (key, value)


class TransformerGenerator(nn.Module):
    """Autoregressive decoder-only Transformer language model over token ids.

    Parameters
    ----------
    vocab_size : int
        Number of token ids, special tokens included.
    embedding_dim : int
        Width of the model: token and position embeddings and every block.
    hidden_dim : int
        Width of the feed-forward layer of each block.
    num_layers : int
        Number of blocks.
    dropout : float
        Dropout on the embeddings and on each block's attention and feed-forward
        outputs (attention weights are not dropped).
    num_heads : int
        Attention heads; must divide ``embedding_dim``.
    max_length : int
        Longest sequence; position embeddings exist for ``max_length + 1`` positions
        (the begin token and ``max_length`` tokens).
    num_classes : int
        Classes of a class-conditional model: the input embedding gets one
        begin row per class after the ``vocab_size`` token rows (class k
        begins at id ``vocab_size + k``) while the output layer stays
        ``vocab_size`` wide. ``0`` builds exactly the unconditional model.

    Notes
    -----
    The blocks are pre-layer-norm, with a final layer norm before the output layer.
    :meth:`step` keeps each layer's keys and values (batch first) in its state, so a
    decoding step computes attention for the new token only. After re-initialising all
    parameters, call :meth:`reset_special_parameters` so that the layer norms start as
    identities.

    Examples
    --------
    Decoding one token at a time with the cached keys and values gives the
    logits of the whole-sequence forward pass:

    >>> import torch
    >>> from sklearn_textgan.models import TransformerGenerator
    >>> generator = TransformerGenerator(
    ...     vocab_size=10, embedding_dim=8, hidden_dim=16, num_layers=1, max_length=5
    ... )
    >>> inputs = torch.tensor([[1, 5, 6]])
    >>> logits = generator(inputs)
    >>> logits.shape
    torch.Size([1, 3, 10])
    >>> state, steps = generator.initial_state(1, torch.device("cpu")), []
    >>> for t in range(3):
    ...     step_logits, state = generator.step(inputs[:, t], state)
    ...     steps.append(step_logits)
    >>> torch.allclose(torch.stack(steps, dim=1), logits, atol=1e-5)
    True
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 64,
        hidden_dim: int = 128,
        num_layers: int = 2,
        dropout: float = 0.0,
        num_heads: int = 2,
        max_length: int = 20,
        num_classes: int = 0,
    ) -> None:
        super().__init__()
        check_positive(
            embedding_dim=embedding_dim,
            hidden_dim=hidden_dim,
            num_layers=num_layers,
            num_heads=num_heads,
            max_length=max_length,
        )
        check_divisible("embedding_dim", embedding_dim, "num_heads", num_heads)
        self.vocab_size = vocab_size
        self.embedding_dim = embedding_dim
        self.num_heads = num_heads
        self.max_length = max_length
        self.num_classes = num_classes
        self.embedding = nn.Embedding(vocab_size + num_classes, embedding_dim)
        self.position_embedding = nn.Embedding(max_length + 1, embedding_dim)
        self.dropout = SeededDropout(dropout)
        self.blocks = nn.ModuleList(
            _DecoderBlock(embedding_dim, hidden_dim, num_heads, self.dropout)
            for _ in range(num_layers)
        )
        self.final_norm = nn.LayerNorm(embedding_dim)
        self.output = nn.Linear(embedding_dim, vocab_size)
        self.reset_special_parameters()

    def reset_special_parameters(self) -> None:
        """Give the layer norms unit scale and zero shift (call after re-initialising)."""
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, nn.LayerNorm):
                    module.weight.fill_(1.0)
                    module.bias.zero_()

    def _check_length(self, length: int) -> None:
        if length > self.max_length + 1:
            raise ValueError(
                f"Sequence of {length} positions is longer than this generator's "
                f"max_length + 1 = {self.max_length + 1}."
            )

    def initial_state(self, batch_size: int, device: torch.device) -> TransformerState:
        """Position 0 for every row and empty key/value caches."""
        head_size = self.embedding_dim // self.num_heads
        dtype = self.output.weight.dtype
        empty = torch.zeros(batch_size, self.num_heads, 0, head_size, device=device, dtype=dtype)
        position = torch.zeros(batch_size, dtype=torch.long, device=device)
        return position, [(empty, empty) for _ in self.blocks]

    def features(self, inputs: torch.Tensor) -> torch.Tensor:
        """Hidden states (batch, time, embedding_dim) that ``output`` maps to logits."""
        length = inputs.shape[1]
        self._check_length(length)
        positions = torch.arange(length, device=inputs.device)
        x = self.dropout(self.embedding(inputs) + self.position_embedding(positions))
        for block in self.blocks:
            x, _ = block(x)
        return self.final_norm(x)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits of shape (batch, time, vocab) for teacher-forced ``inputs`` (batch, time)."""
        return self.output(self.features(inputs))

    def step_features(
        self, tokens: torch.Tensor, state: TransformerState
    ) -> tuple[torch.Tensor, TransformerState]:
        """One decoding step: hidden state (batch, embedding_dim) after ``tokens`` (batch,)."""
        position, caches = state
        # Every row has the same number of cached positions: the shape gives it without
        # reading ``position`` back from the device.
        self._check_length(caches[0][0].shape[2] + 1)
        x = self.embedding(tokens) + self.position_embedding(position)
        x = self.dropout(x).unsqueeze(1)
        new_caches = []
        for block, cache in zip(self.blocks, caches, strict=True):
            x, cache = block(x, cache)
            new_caches.append(cache)
        return self.final_norm(x.squeeze(1)), (position + 1, new_caches)

    def step(
        self, tokens: torch.Tensor, state: TransformerState
    ) -> tuple[torch.Tensor, TransformerState]:
        """One decoding step: logits (batch, vocab) of the token after ``tokens`` (batch,)."""
        hidden, state = self.step_features(tokens, state)
        return self.output(hidden), state
