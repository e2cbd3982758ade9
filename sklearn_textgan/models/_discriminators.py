"""Discriminators: networks that score token sequences as real or generated.

Common interface
----------------
Every discriminator takes ``x`` as either

* a LongTensor (batch, time) of token ids (tokens, one end token, then
  padding, which is embedded like any other id unless ``padding_id`` names
  it: then it embeds as zeros), or
* a FloatTensor (batch, time, vocab) of one-hot or relaxed one-hot rows, such
  as Gumbel-softmax samples; gradients flow through them to the input.

A hard one-hot float input gives the same output as the equivalent ids.

``forward(x)`` returns a tensor (batch, K) of K independent realism logits
per sequence, higher meaning more real: K is ``num_representations`` for
:class:`CNNDiscriminator` and 1 for the others (the attribute ``num_outputs``
holds K).

With ``num_classes > 0`` (a class-conditional GAN) a discriminator also has
a class head on the same features as its realism logit:
``class_logits(x)`` returns (batch, num_classes) logits of the class of each
sequence (CatGAN-style: one network judges both realism and style). With
``num_classes=0`` (the default) the head does not exist and the module is
exactly the unconditional one.

The class attribute ``per_token`` says whether the discriminator also has
``token_logits(x)``, returning (batch, time) logits that the prefix ending at
each position is real, for per-token rewards; each depends only on the tokens
up to its position.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_divisible, check_positive
from ._lstm import StackedLSTM
from ._random import SeededDropout

__all__ = ["CNNDiscriminator", "LSTMDiscriminator", "TransformerDiscriminator"]


class TokenEmbedding(nn.Module):
    """One or several embedding matrices applied to ids or to soft one-hot rows.

    Parameters
    ----------
    vocab_size : int
        Number of token ids.
    embedding_dim : int
        Size of each embedding.
    num_representations : int
        Number of independent embedding matrices.
    padding_id : int or None
        An id that embeds as zeros and is never learned, in id and soft inputs
        alike: a soft row's weight on it counts for nothing. None embeds every
        id with a learned row.

    Notes
    -----
    The weight has shape (num_representations, vocab_size, embedding_dim), so
    that :func:`init_parameters` scales one representation by
    ``embedding_dim``. Several representations are RelGAN's embedding: one
    linear map from the vocabulary to all of them, which starts as in its
    authors' code, normal with standard deviation ``1 / sqrt(vocab_size)``
    cut at two standard deviations (see :meth:`init_random_parameters`).
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int,
        num_representations: int = 1,
        padding_id: int | None = None,
    ) -> None:
        super().__init__()
        check_positive(
            vocab_size=vocab_size,
            embedding_dim=embedding_dim,
            num_representations=num_representations,
        )
        if padding_id is not None and not 0 <= padding_id < vocab_size:
            raise ValueError(
                f"padding_id must be an id of the vocabulary (0 to {vocab_size - 1}) or None, "
                f"got {padding_id}."
            )
        self.vocab_size = vocab_size
        self.embedding_dim = embedding_dim
        self.num_representations = num_representations
        self.padding_id = padding_id
        self.weight = nn.Parameter(torch.randn(num_representations, vocab_size, embedding_dim))

    def init_random_parameters(self, generator: torch.Generator) -> None:
        """RelGAN's start for several representations; one keeps the embedding rule.

        By the embedding rule, 64 representations of width 1 would start
        uniform in [-1, 1], about 46 times RelGAN's scale (0.0125 for 5,000
        tokens): with Adam at 1e-4 the discriminator would barely move its
        embeddings, and the generator's gradient through them would point
        wherever the random embedding of a token pleases the convolutions.
        """
        if self.num_representations == 1:
            return
        std = 1.0 / math.sqrt(self.vocab_size)
        with torch.no_grad():
            nn.init.trunc_normal_(self.weight, std=std, a=-2 * std, b=2 * std, generator=generator)

    def _flat_weight(self) -> torch.Tensor:
        # (vocab, representations * dim): one lookup or product embeds every representation.
        weight = self.weight
        if self.padding_id is not None:
            # Zeroed on the way in, not in the parameter: the row gets no gradient,
            # and no optimizer step or loaded state can make it count.
            padding = torch.tensor([self.padding_id], device=weight.device)
            weight = weight.index_fill(1, padding, 0.0)
        return weight.transpose(0, 1).reshape(self.vocab_size, -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embeddings (batch, time, num_representations, embedding_dim) of ``x``."""
        weight = self._flat_weight()
        if x.is_floating_point():
            if x.dim() != 3 or x.shape[-1] != self.vocab_size:
                raise ValueError(
                    f"Soft inputs must have shape (batch, time, {self.vocab_size}), "
                    f"got {tuple(x.shape)}."
                )
            flat = x.to(weight.dtype) @ weight
        else:
            if x.dim() != 2:
                raise ValueError(f"Id inputs must have shape (batch, time), got {tuple(x.shape)}.")
            flat = F.embedding(x, weight)
        return flat.view(*x.shape[:2], self.num_representations, self.embedding_dim)

    def single(self, x: torch.Tensor) -> torch.Tensor:
        """Embeddings (batch, time, embedding_dim) of the first representation."""
        return self(x)[:, :, 0]


def _class_head(features: int, num_classes: int) -> nn.Linear | None:
    """The class head of a conditional discriminator; None keeps the module unconditional."""
    if num_classes < 0:
        raise ValueError(f"num_classes must be non-negative, got {num_classes}.")
    return nn.Linear(features, num_classes) if num_classes else None


def _require_class_head(module: nn.Module) -> nn.Linear:
    if module.class_output is None:
        raise ValueError(
            f"This {type(module).__name__} has no class head: build it with num_classes > 0."
        )
    return module.class_output


def _check_width(x: torch.Tensor, width: int) -> None:
    if x.shape[1] > width:
        raise ValueError(f"Inputs may have at most {width} positions, got {x.shape[1]}.")


def _running_max(
    windows: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Max over time of the filter responses and where it occurs, one position at a time.

    Each position's (n, filters) responses stay in cache; the whole
    (n, time, filters) tensor is never built.
    """
    best = winners = None
    for position in range(windows.shape[1]):
        inputs = windows[:, position]
        response = inputs @ weight.t() if bias is None else torch.addmm(bias, inputs, weight.t())
        if best is None:
            best, winners = response, torch.zeros_like(response, dtype=torch.long)
            continue
        better = response > best
        best = torch.maximum(best, response)
        winners.masked_fill_(better, position)
    return best, winners


def _windows(sequences: torch.Tensor, size: int) -> torch.Tensor:
    """The (n, positions, size * dim) sliding windows of ``size`` positions of (n, time, dim)."""
    n, _, dim = sequences.shape
    return sequences.unfold(1, size, 1).transpose(2, 3).reshape(n, -1, size * dim)


def _pool_without_gradients(
    sequences: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    size: int,
    shared: int,
    groups: int,
) -> torch.Tensor:
    """Max over time of the window responses, one large product per part.

    Row ``g * n + i`` of ``sequences`` (``groups * n`` rows) begins like row
    ``i`` for ``shared`` positions (rollouts of one prefix; ``shared=0``: no
    such structure). The windows inside that common prefix give the same
    responses in every block, so they are computed for the first block only
    and their maximum is shared; each row computes only the windows that
    reach past it.
    """
    rows, width, _ = sequences.shape
    common = max(0, min(shared - size + 1, width - size))  # windows inside the prefix

    def pooled(part: torch.Tensor) -> torch.Tensor:
        return F.linear(_windows(part, size), weight, bias).amax(dim=1)

    # Windows starting at `common` or later; at least one, so that no row is empty.
    own = pooled(sequences[:, common:])
    if common:
        prefix_max = pooled(sequences[: rows // groups, : common + size - 1])
        filters = weight.shape[0]
        own = torch.maximum(own.view(groups, -1, filters), prefix_max).view(rows, filters)
    return own


def _convolve_and_pool(
    sequences: torch.Tensor, conv: nn.Conv2d, shared: int = 0, groups: int = 1
) -> torch.Tensor:
    """ReLU and max-over-time of ``conv`` over (n, time, dim) ``sequences``.

    The same values and gradients as ``conv`` on (n, 1, time, dim) images
    followed by ReLU and a max over time, computed far more cheaply on the CPU:

    - the convolution is one matrix product over all sliding windows;
    - ReLU commutes with the max, so it is applied after pooling;
    - only the winning window of each filter gets a gradient, so the
      responses are found without building a graph, and only the winners are
      recomputed with one (the full response tensor, n x time x filters, is
      the largest tensor of the discriminator and is never differentiated).

    ``shared`` and ``groups`` describe rows that begin alike (see
    :meth:`CNNDiscriminator.completion_logits`); only the computation without
    gradients uses them.
    """
    filters, _, size, dim = conv.weight.shape
    weight = conv.weight.view(filters, size * dim)
    if not (torch.is_grad_enabled() and (sequences.requires_grad or weight.requires_grad)):
        # Without gradients one large product is faster than the position loop.
        return F.relu(_pool_without_gradients(sequences, weight, conv.bias, size, shared, groups))
    windows = _windows(sequences, size)
    with torch.no_grad():
        _, winners = _running_max(windows, weight, conv.bias)
    chosen = windows.gather(1, winners.unsqueeze(-1).expand(-1, -1, size * dim))
    responses = (chosen * weight).sum(dim=-1)
    if conv.bias is not None:
        responses = responses + conv.bias
    return F.relu(responses)


class CNNDiscriminator(nn.Module):
    """Convolutional text classifier, optionally over several embeddings.

    Convolutions of several widths slide over time, each followed by a ReLU
    and max-over-time pooling; the pooled features go through a highway
    layer, dropout and a linear layer to one logit.

    Parameters
    ----------
    vocab_size : int
        Number of token ids.
    embedding_dim : int
        Total embedding width, split evenly among the representations (so it
        must be a multiple of ``num_representations``).
    max_length : int
        Longest sequence without its end token; inputs have at most
        ``max_length + 1`` positions and shorter ones are padded with the
        padding id 0 to that width, so extra padding never changes the output.
    filter_sizes : sequence of int
        Widths (in positions) of the convolutions. Widths over
        ``max_length + 1`` are dropped; if none is left, the narrowest one is
        clipped to ``max_length + 1``.
    num_filters : sequence of int
        Number of filters of each width.
    num_representations : int
        Number of representations: the embedding is cut into this many
        slices of ``embedding_dim // num_representations`` columns, the same
        convolutional network reads every slice and gives one logit per
        slice, as in RelGAN's multiple-representation discriminator (64
        representations of one column each from a 64-wide embedding).
    dropout : float
        Dropout before the output layer.
    num_classes : int
        Outputs of the class head (``class_logits``); ``0`` builds no head.
    padding_id : int or None
        An id that embeds as zeros (see :class:`TokenEmbedding`); None learns
        its embedding like any other id's.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import CNNDiscriminator
    >>> discriminator = CNNDiscriminator(
    ...     vocab_size=10, embedding_dim=8, max_length=5, filter_sizes=(2, 3),
    ...     num_filters=(4, 4), num_representations=2,
    ... )
    >>> sequences = torch.tensor([[5, 6, 7, 2, 0, 0], [8, 2, 0, 0, 0, 0]])
    >>> discriminator(sequences).shape  # one realism logit per representation
    torch.Size([2, 2])
    """

    per_token = False

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 64,
        max_length: int = 20,
        filter_sizes: Sequence[int] = (2, 3, 4, 5),
        num_filters: Sequence[int] = (300, 300, 300, 300),
        num_representations: int = 1,
        dropout: float = 0.25,
        num_classes: int = 0,
        padding_id: int | None = None,
    ) -> None:
        super().__init__()
        if len(filter_sizes) != len(num_filters) or not filter_sizes:
            raise ValueError(
                "filter_sizes and num_filters must be non-empty and of the same length, got "
                f"{len(filter_sizes)} and {len(num_filters)}."
            )
        if min(filter_sizes) < 1 or min(num_filters) < 1:
            raise ValueError("filter_sizes and num_filters must be positive.")
        check_positive(max_length=max_length)
        self.width = max_length + 1
        kept = [(s, n) for s, n in zip(filter_sizes, num_filters, strict=True) if s <= self.width]
        if not kept:
            narrowest = min(range(len(filter_sizes)), key=lambda i: filter_sizes[i])
            kept = [(self.width, num_filters[narrowest])]
        check_positive(num_representations=num_representations)
        check_divisible("embedding_dim", embedding_dim, "num_representations", num_representations)
        width = embedding_dim // num_representations
        self.filter_sizes = tuple(s for s, _ in kept)
        self.num_outputs = num_representations
        self.embedding = TokenEmbedding(vocab_size, width, num_representations, padding_id)
        # A kernel spanning the whole embedding is a 1-D convolution over time.
        self.convolutions = nn.ModuleList(nn.Conv2d(1, n, kernel_size=(s, width)) for s, n in kept)
        features = sum(n for _, n in kept)
        self.highway = nn.Linear(features, 2 * features)
        self.dropout = SeededDropout(dropout)
        self.output = nn.Linear(features, 1)
        self.num_classes = num_classes
        self.class_output = _class_head(features, num_classes)

    def _features(self, x: torch.Tensor, shared: int = 0, groups: int = 1) -> torch.Tensor:
        """Features (batch * num_representations, features) after the highway and dropout.

        ``shared`` and ``groups``: see :meth:`completion_logits`.
        """
        _check_width(x, self.width)
        embedded = self.embedding(x)
        batch, time, reps, dim = embedded.shape
        if time < self.width:
            pad_ids = torch.zeros(1, self.width - time, dtype=torch.long, device=x.device)
            pad = self.embedding(pad_ids).expand(batch, -1, reps, dim)
            embedded = torch.cat([embedded, pad.to(embedded.dtype)], dim=1)
        # Representations become batch entries so that one network reads them all.
        sequences = embedded.permute(0, 2, 1, 3).reshape(batch * reps, self.width, dim)
        pooled = [_convolve_and_pool(sequences, conv, shared, groups) for conv in self.convolutions]
        features = torch.cat(pooled, dim=1)
        transform, gate = self.highway(features).chunk(2, dim=1)
        gate = torch.sigmoid(gate)
        features = gate * F.relu(transform) + (1.0 - gate) * features
        return self.dropout(features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Realism logits (batch, num_representations) of ``x``."""
        return self.output(self._features(x)).view(x.shape[0], -1)

    def completion_logits(self, x: torch.Tensor, shared: int, groups: int) -> torch.Tensor:
        """``forward(x)`` for ``groups`` blocks of rows that begin alike, such as rollouts.

        Row ``g * n + i`` of ``x`` (``groups * n`` rows) holds the same first
        ``shared`` tokens as row ``i``. Without gradients, the convolution
        windows inside that prefix are computed once for all blocks (about
        40 % fewer products for SeqGAN's rollouts); with gradients, or
        ``shared=0``, this is ``forward(x)``.

        Examples
        --------
        >>> import torch
        >>> from sklearn_textgan.models import CNNDiscriminator
        >>> discriminator = CNNDiscriminator(vocab_size=10, embedding_dim=8, max_length=5,
        ...                                  filter_sizes=(2, 3), num_filters=(4, 4)).eval()
        >>> x = torch.tensor([[5, 6, 7, 2, 0, 0], [8, 9, 2, 0, 0, 0],
        ...                   [5, 6, 3, 4, 2, 0], [8, 9, 9, 2, 0, 0]])  # 2 blocks, prefix 2
        >>> with torch.no_grad():
        ...     torch.allclose(discriminator.completion_logits(x, shared=2, groups=2),
        ...                    discriminator(x))
        True
        """
        if x.shape[0] % groups:
            raise ValueError(f"{x.shape[0]} rows do not split into {groups} groups.")
        return self.output(self._features(x, shared, groups)).view(x.shape[0], -1)

    def class_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits (batch, num_classes) of ``x``, averaged over the representations."""
        head = _require_class_head(self)
        return head(self._features(x)).view(x.shape[0], -1, self.num_classes).mean(dim=1)


class _PrefixDiscriminator(nn.Module):
    """A discriminator that judges every prefix from per-position hidden states.

    Subclasses define ``_hidden(x)``, the (batch, time, width) states of a
    causal network (each depends only on the tokens up to its position), and
    the layers ``output`` (width -> 1) and ``class_output`` (width ->
    num_classes, or None).
    """

    per_token = True
    num_outputs = 1

    def _hidden(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def token_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (batch, time) that the prefix ending at each position is real."""
        return self.output(self._hidden(x)).squeeze(2)

    def class_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits (batch, num_classes) of ``x``, read at the last position."""
        head = _require_class_head(self)
        return head(self._hidden(x)[:, -1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Realism logits (batch, 1) of ``x``."""
        return self.token_logits(x)[:, -1:]


class LSTMDiscriminator(_PrefixDiscriminator):
    """Recurrent discriminator that scores every prefix of a sequence.

    Parameters
    ----------
    vocab_size : int
        Number of token ids.
    embedding_dim : int
        Size of the token embeddings.
    hidden_dim : int
        Size of each LSTM layer's hidden state.
    num_layers : int
        Number of stacked LSTM layers.
    dropout : float
        Dropout on the embeddings, between layers and before the output layer.
    num_classes : int
        Outputs of the class head (``class_logits``); ``0`` builds no head.
    padding_id : int or None
        An id that embeds as zeros (see :class:`TokenEmbedding`); None learns
        its embedding like any other id's.

    Notes
    -----
    ``forward`` is the logit at the last position, which has read the whole
    input; so is ``class_logits``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMDiscriminator
    >>> discriminator = LSTMDiscriminator(vocab_size=10, embedding_dim=4, hidden_dim=8)
    >>> sequences = torch.tensor([[5, 6, 7, 2], [8, 2, 0, 0]])
    >>> discriminator.token_logits(sequences).shape  # every prefix judged
    torch.Size([2, 4])
    >>> discriminator(sequences).shape  # the whole sequence
    torch.Size([2, 1])
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 64,
        hidden_dim: int = 64,
        num_layers: int = 1,
        dropout: float = 0.0,
        num_classes: int = 0,
        padding_id: int | None = None,
    ) -> None:
        super().__init__()
        check_positive(num_layers=num_layers, hidden_dim=hidden_dim)
        self.embedding = TokenEmbedding(vocab_size, embedding_dim, padding_id=padding_id)
        self.dropout = SeededDropout(dropout)
        self.lstm = StackedLSTM(embedding_dim, hidden_dim, num_layers, dropout)
        self.output = nn.Linear(hidden_dim, 1)
        self.num_classes = num_classes
        self.class_output = _class_head(hidden_dim, num_classes)

    def _hidden(self, x: torch.Tensor) -> torch.Tensor:
        hidden, _ = self.lstm(self.dropout(self.embedding.single(x)))
        return hidden


class _CausalSelfAttention(nn.Module):
    def __init__(self, width: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(width, 3 * width)
        self.projection = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, time, width = x.shape
        q, k, v = (
            part.view(batch, time, self.num_heads, width // self.num_heads).transpose(1, 2)
            for part in self.qkv(x).chunk(3, dim=2)
        )
        # Written out rather than fused: the fused kernels lack the second
        # derivative that a gradient penalty needs.
        scores = q @ k.transpose(2, 3) / math.sqrt(q.shape[-1])
        future = torch.ones(time, time, dtype=torch.bool, device=x.device).triu(1)
        attended = scores.masked_fill(future, float("-inf")).softmax(dim=-1) @ v
        return self.projection(attended.transpose(1, 2).reshape(batch, time, width))


class _TransformerBlock(nn.Module):
    """Pre-norm transformer block with causal self-attention."""

    def __init__(self, width: int, hidden_dim: int, num_heads: int, dropout: float) -> None:
        super().__init__()
        self.attention_norm = nn.LayerNorm(width)
        self.attention = _CausalSelfAttention(width, num_heads)
        self.feed_forward_norm = nn.LayerNorm(width)
        self.feed_forward = nn.Sequential(
            nn.Linear(width, hidden_dim), nn.GELU(), nn.Linear(hidden_dim, width)
        )
        self.dropout = SeededDropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.dropout(self.attention(self.attention_norm(x)))
        return x + self.dropout(self.feed_forward(self.feed_forward_norm(x)))


class TransformerDiscriminator(_PrefixDiscriminator):
    """Causal transformer discriminator that scores every prefix of a sequence.

    Parameters
    ----------
    vocab_size : int
        Number of token ids.
    embedding_dim : int
        Model width; must be divisible by ``num_heads``.
    hidden_dim : int
        Width of the feed-forward layers.
    num_layers : int
        Number of transformer blocks.
    num_heads : int
        Number of attention heads.
    dropout : float
        Dropout on the embeddings and on each block's residual branches.
    max_length : int
        Longest sequence without its end token; inputs have at most
        ``max_length + 1`` positions, each with a learned position embedding.
    num_classes : int
        Outputs of the class head (``class_logits``); ``0`` builds no head.
    padding_id : int or None
        An id that embeds as zeros (see :class:`TokenEmbedding`); None learns
        its embedding like any other id's.

    Notes
    -----
    ``forward`` is the logit at the last position, which attends to the whole
    input; so is ``class_logits``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import TransformerDiscriminator
    >>> discriminator = TransformerDiscriminator(
    ...     vocab_size=10, embedding_dim=8, hidden_dim=16, num_layers=1, max_length=5
    ... )
    >>> sequences = torch.tensor([[5, 6, 7, 2], [8, 2, 0, 0]])
    >>> discriminator.token_logits(sequences).shape  # every prefix judged
    torch.Size([2, 4])
    >>> discriminator(sequences).shape  # the whole sequence
    torch.Size([2, 1])
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 64,
        hidden_dim: int = 128,
        num_layers: int = 2,
        num_heads: int = 2,
        dropout: float = 0.0,
        max_length: int = 20,
        num_classes: int = 0,
        padding_id: int | None = None,
    ) -> None:
        super().__init__()
        check_positive(
            num_heads=num_heads, max_length=max_length, num_layers=num_layers, hidden_dim=hidden_dim
        )
        check_divisible("embedding_dim", embedding_dim, "num_heads", num_heads)
        self.width = max_length + 1
        self.embedding = TokenEmbedding(vocab_size, embedding_dim, padding_id=padding_id)
        self.positions = nn.Parameter(torch.randn(self.width, embedding_dim))
        self.blocks = nn.ModuleList(
            _TransformerBlock(embedding_dim, hidden_dim, num_heads, dropout)
            for _ in range(num_layers)
        )
        self.dropout = SeededDropout(dropout)
        self.final_norm = nn.LayerNorm(embedding_dim)
        self.output = nn.Linear(embedding_dim, 1)
        self.num_classes = num_classes
        self.class_output = _class_head(embedding_dim, num_classes)

    def _hidden(self, x: torch.Tensor) -> torch.Tensor:
        _check_width(x, self.width)
        hidden = self.embedding.single(x) + self.positions[: x.shape[1]]
        hidden = self.dropout(hidden)
        for block in self.blocks:
            hidden = block(hidden)
        return self.final_norm(hidden)
