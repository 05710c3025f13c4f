"""The Informer's input embedding: one token per game minute.

Both the encoder and the decoder of :mod:`halftime.nn.informer` turn a margin
sequence into tokens the same way: a projection of the values, a fixed code of the
position in the sequence and a learned embedding of the game minute (the paper's
time stamp). It is a block of its own because it is where the network learns what
a game minute is, and :data:`MAX_MINUTE` bounds the minutes a config may ask for.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from halftime.constants import OVERTIME_MINUTES, REGULATION_MINUTES

MAX_MINUTE = REGULATION_MINUTES + OVERTIME_MINUTES
"""Largest game minute the minute embedding knows (regulation plus one overtime)."""


def sinusoidal_table(positions: Tensor, width: int) -> Tensor:
    """Sine/cosine code of integer positions (Vaswani et al. 2017).

    Parameters
    ----------
    positions : tensor of shape (length,), int
    width : int
        Code width; even entries are sines, odd entries cosines.

    Returns
    -------
    tensor of shape (length, width), float
    """
    frequencies = torch.exp(
        torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width)
    )
    # (length, ceil(width / 2))
    angles = positions.to(torch.float32)[:, None] * frequencies[None, :]
    table = torch.zeros(len(positions), width)
    table[:, 0::2] = torch.sin(angles)
    table[:, 1::2] = torch.cos(angles[:, : width // 2])
    return table


class InputEmbedding(nn.Module):
    """Value projection + position code + game-minute embedding, one token a minute.

    The value projection is the paper's ``Conv1d`` of kernel 3 with circular
    padding. The fixed position code says where a step sits in its sequence; the
    learned minute embedding (the paper's time stamp) says which minute of the game
    it is: the decoder's first step is position 0 but minute 10.
    """

    position: Tensor

    def __init__(self, n_features: int, d_model: int, dropout: float) -> None:
        super().__init__()
        self.value = nn.Conv1d(
            n_features,
            d_model,
            kernel_size=3,
            padding=1,
            padding_mode="circular",
            bias=False,
        )
        self.minute = nn.Embedding(MAX_MINUTE + 1, d_model)
        self.dropout = nn.Dropout(dropout)
        # No sequence is longer than the game minutes the embedding knows.
        table = sinusoidal_table(torch.arange(MAX_MINUTE + 1), d_model)
        self.register_buffer("position", table, persistent=False)

    def forward(self, margin: Tensor, minutes: Tensor) -> Tensor:
        """Embed ``margin`` of shape (batch, length, n_features) at game ``minutes``
        of shape (length,).

        Returns a tensor of shape (batch, length, d_model).
        """
        length = margin.shape[1]
        # (batch, length, d_model)
        value = self.value(margin.transpose(1, 2)).transpose(1, 2)
        tokens = value + self.position[:length] + self.minute(minutes)[None, :, :]
        embedded: Tensor = self.dropout(tokens)
        return embedded
