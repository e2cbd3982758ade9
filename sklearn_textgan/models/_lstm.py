"""Recurrent (LSTM) generator."""

from __future__ import annotations

import torch
from torch import nn

from ._random import SeededDropout

__all__ = ["LSTMGenerator", "StackedLSTM"]

LSTMState = list[tuple[torch.Tensor, torch.Tensor]]


class StackedLSTM(nn.Module):
    """Single-layer LSTMs stacked, with seeded dropout after each layer.

    ``nn.LSTM(num_layers=k, dropout=p)`` draws its dropout masks from the
    global random number generator; separate layers let a
    :class:`SeededDropout` draw them from an explicit one.
    """

    def __init__(self, input_dim: int, hidden_dim: int, num_layers: int, dropout: float) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            nn.LSTM(input_dim if i == 0 else hidden_dim, hidden_dim, batch_first=True)
            for i in range(num_layers)
        )
        self.dropout = SeededDropout(dropout)

    def forward(
        self, x: torch.Tensor, state: LSTMState | None = None
    ) -> tuple[torch.Tensor, LSTMState]:
        """Outputs (batch, time, hidden_dim) for ``x`` (batch, time, input_dim), and the state."""
        new_state = []
        for i, layer in enumerate(self.layers):
            x, layer_state = layer(x, None if state is None else state[i])
            x = self.dropout(x)
            new_state.append(layer_state)
        return x, new_state


class LSTMGenerator(nn.Module):
    """Autoregressive LSTM language model over token ids.

    Parameters
    ----------
    vocab_size : int
        Number of token ids, special tokens included.
    embedding_dim : int
        Size of the token embeddings.
    hidden_dim : int
        Size of each LSTM layer's hidden state.
    num_layers : int
        Number of stacked LSTM layers.
    dropout : float
        Dropout on the embeddings, between layers and before the output layer.
    num_classes : int
        Classes of a class-conditional model: the input embedding gets one
        begin row per class after the ``vocab_size`` token rows (class k
        begins at id ``vocab_size + k``) while the output layer stays
        ``vocab_size`` wide. ``0`` builds exactly the unconditional model.

    Notes
    -----
    The layers are separate single-layer LSTMs so that the dropout between them
    can draw from an explicit generator (see :class:`StackedLSTM`).

    Examples
    --------
    >>> import torch
    >>> from sklearn_textgan.models import LSTMGenerator
    >>> generator = LSTMGenerator(vocab_size=10, embedding_dim=4, hidden_dim=8)
    >>> inputs = torch.tensor([[1, 5, 6, 7], [1, 8, 2, 0]])  # the begin id (1) first
    >>> generator(inputs).shape  # logits of the next token at every position
    torch.Size([2, 4, 10])
    >>> state = generator.initial_state(2, torch.device("cpu"))
    >>> logits, state = generator.step(inputs[:, 0], state)  # one decoding step
    >>> logits.shape
    torch.Size([2, 10])
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 32,
        hidden_dim: int = 32,
        num_layers: int = 1,
        dropout: float = 0.0,
        num_classes: int = 0,
    ) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.num_classes = num_classes
        self.embedding = nn.Embedding(vocab_size + num_classes, embedding_dim)
        self.dropout = SeededDropout(dropout)
        self.lstm = StackedLSTM(embedding_dim, hidden_dim, num_layers, dropout)
        self.output = nn.Linear(hidden_dim, vocab_size)

    def initial_state(self, batch_size: int, device: torch.device) -> LSTMState:
        zeros = torch.zeros(1, batch_size, self.hidden_dim, device=device)
        return [(zeros, zeros) for _ in range(self.num_layers)]

    def _run(self, x: torch.Tensor, state: LSTMState | None) -> tuple[torch.Tensor, LSTMState]:
        return self.lstm(self.dropout(self.embedding(x)), state)

    def features(self, inputs: torch.Tensor) -> torch.Tensor:
        """Hidden states (batch, time, hidden_dim) that ``output`` maps to logits."""
        hidden, _ = self._run(inputs, None)
        return hidden

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits of shape (batch, time, vocab) for teacher-forced ``inputs`` (batch, time)."""
        return self.output(self.features(inputs))

    def step_features(
        self, tokens: torch.Tensor, state: LSTMState
    ) -> tuple[torch.Tensor, LSTMState]:
        """One decoding step: hidden state (batch, hidden_dim) after reading ``tokens`` (batch,)."""
        hidden, state = self._run(tokens.unsqueeze(1), state)
        return hidden.squeeze(1), state

    def step(self, tokens: torch.Tensor, state: LSTMState) -> tuple[torch.Tensor, LSTMState]:
        """One decoding step: logits (batch, vocab) of the token after ``tokens`` (batch,)."""
        hidden, state = self.step_features(tokens, state)
        return self.output(hidden), state
