"""The Informer (Zhou et al., "Informer: Beyond Efficient Transformer for Long Sequence
Time-Series Forecasting", AAAI 2021), for one series: a game's margin by minute.

The parts come in the paper's order. Two of them are modules of their own, read
first: the input embedding (:mod:`halftime.nn.embedding`) and ProbSparse
self-attention (:mod:`halftime.nn.attention`). This module holds the rest:

1. :class:`InformerConfig` - the network's shape, and :data:`PRESETS` by name.
2. :class:`EncoderLayer` - ProbSparse self-attention and a feed-forward block.
3. :class:`DistillingLayer` - self-attention distilling between encoder layers:
   ``Conv1d`` + ``BatchNorm1d`` + ELU + ``MaxPool1d`` halves the sequence length.
4. :class:`Encoder` - the main stack plus shorter replicas on the end of the input
   (the "pyramid"), their outputs joined along time.
5. :class:`Decoder` - the generative decoder: a start token of the last known minutes
   followed by zero placeholders for the horizon, masked ProbSparse self-attention,
   full cross-attention to the encoder, all forecast minutes in one forward pass.
6. :class:`Informer` - the whole network: margins in, forecast margins out.

``L`` below is a sequence length; the attention module defines the paper's other
symbols.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import Tensor, nn

from halftime.constants import DEFAULT_CUTOFF, DEFAULT_HORIZON
from halftime.errors import ConfigError
from halftime.nn.attention import AttentionLayer
from halftime.nn.embedding import MAX_MINUTE, InputEmbedding

# -- 1. config --------------------------------------------------------------------


@dataclass(frozen=True)
class InformerConfig:
    """Shape of an :class:`Informer` network.

    Parameters
    ----------
    input_minutes : int
        Encoder length ``L``: the minutes of margin read, ``first_minute`` onward.
    n_features : int
        Values per input minute (e.g. the margin, or the margin and its change).
    horizon : int
        Minutes forecast after the input.
    start_minutes : int
        Decoder start token (the paper's ``label_len``): how many of the last input
        minutes open the decoder input before the zero placeholders; 0 is allowed.
    first_minute : int
        Game minute of the first input step (1 for ``margin(1..18)``).
    d_model : int
        Width of every token.
    n_heads : int
        Attention heads; must divide ``d_model``.
    d_ff : int
        Hidden width of the position-wise feed-forward block.
    encoder_layers : tuple of int
        Layers of each encoder stack: the main stack first, then the replicas of the
        pyramid, each on the last ``ceil(L / 2**(main - layers))`` input minutes.
    decoder_layers : int
        Decoder layers.
    factor : int
        The paper's sampling factor ``c``: ``c * ceil(ln L)`` keys sampled and
        queries kept.
    dropout : float
        Dropout after the embedding, the attention and the feed-forward block.
    distil : bool
        Put a distilling layer between consecutive encoder layers.
    """

    input_minutes: int = DEFAULT_CUTOFF
    n_features: int = 1
    horizon: int = DEFAULT_HORIZON
    start_minutes: int = DEFAULT_CUTOFF // 2
    first_minute: int = 1
    d_model: int = 64
    n_heads: int = 4
    d_ff: int = 128
    encoder_layers: tuple[int, ...] = (3, 1)
    decoder_layers: int = 2
    factor: int = 5
    dropout: float = 0.05
    distil: bool = True

    def __post_init__(self) -> None:
        positive = {
            "input_minutes": self.input_minutes,
            "n_features": self.n_features,
            "horizon": self.horizon,
            "d_model": self.d_model,
            "n_heads": self.n_heads,
            "d_ff": self.d_ff,
            "decoder_layers": self.decoder_layers,
            "factor": self.factor,
        }
        for name, value in positive.items():
            if value < 1:
                raise ConfigError(f"InformerConfig.{name} must be >= 1; got {value}")
        if not 0 <= self.start_minutes <= self.input_minutes:
            raise ConfigError(
                f"InformerConfig.start_minutes must be in 0..input_minutes "
                f"({self.input_minutes}); got {self.start_minutes}"
            )
        last_minute = self.first_minute + self.input_minutes + self.horizon - 1
        if self.first_minute < 0 or last_minute > MAX_MINUTE:
            raise ConfigError(
                f"InformerConfig: minutes {self.first_minute}..{last_minute} fall "
                f"outside the minute embedding's 0..{MAX_MINUTE}"
            )
        if self.d_model % self.n_heads:
            raise ConfigError(
                f"InformerConfig.n_heads ({self.n_heads}) must divide d_model "
                f"({self.d_model})"
            )
        layers = tuple(self.encoder_layers)
        if (
            not layers
            or min(layers) < 1
            or list(layers) != sorted(layers, reverse=True)
        ):
            raise ConfigError(
                "InformerConfig.encoder_layers must be a non-empty, non-increasing "
                f"tuple of layer counts >= 1 (main stack first); got {layers}"
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(
                f"InformerConfig.dropout must be in [0, 1); got {self.dropout}"
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (the layer tuple becomes a list)."""
        values = asdict(self)
        values["encoder_layers"] = list(self.encoder_layers)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> InformerConfig:
        """Rebuild a config from :meth:`to_dict` output; unknown keys are refused."""
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise ConfigError(
                f"unknown InformerConfig field(s) {sorted(unknown)}; accepted: "
                f"{', '.join(cls.__dataclass_fields__)}"
            )
        values = dict(values)
        if "encoder_layers" in values:
            values["encoder_layers"] = tuple(int(n) for n in values["encoder_layers"])
        return cls(**values)


PRESETS: dict[str, dict[str, Any]] = {
    # For tests and smoke runs: seconds on a laptop.
    "tiny": {"d_model": 16, "n_heads": 2, "d_ff": 32},
    # Small enough to train on 2 CPU cores in about a minute.
    "default": {"d_model": 64, "n_heads": 4, "d_ff": 128},
    # The paper's model: d_model 512, 8 heads, d_ff 2048, encoder 3 + 1 layers,
    # decoder 2 layers, factor 5, dropout 0.05.
    "paper": {"d_model": 512, "n_heads": 8, "d_ff": 2048},
}
"""Network shapes by name; every field not named keeps its default."""


def informer_preset(name: str, **overrides: Any) -> InformerConfig:
    """Return the named preset (a key of :data:`PRESETS`), fields overridden."""
    if name not in PRESETS:
        raise ConfigError(
            f"unknown Informer preset {name!r}; accepted: {', '.join(PRESETS)}"
        )
    return InformerConfig(**{**PRESETS[name], **overrides})


# -- 2. encoder layers ------------------------------------------------------------


class FeedForward(nn.Sequential):
    """Position-wise feed-forward block (the authors' kernel-1 convolutions)."""

    def __init__(self, d_model: int, d_ff: int, dropout: float) -> None:
        super().__init__(
            nn.Linear(d_model, d_ff),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(d_ff, d_model),
        )


class EncoderLayer(nn.Module):
    """ProbSparse self-attention and feed-forward, each with residual and LayerNorm."""

    def __init__(self, config: InformerConfig, sampling_seed: int) -> None:
        super().__init__()
        self.attention = AttentionLayer(
            config.d_model,
            config.n_heads,
            sparse=True,
            factor=config.factor,
            sampling_seed=sampling_seed,
        )
        self.feed_forward = FeedForward(config.d_model, config.d_ff, config.dropout)
        self.norm_attention = nn.LayerNorm(config.d_model)
        self.norm_feed_forward = nn.LayerNorm(config.d_model)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, tokens: Tensor) -> Tensor:
        """(batch, L, d_model) -> (batch, L, d_model)."""
        tokens = self.norm_attention(
            tokens + self.dropout(self.attention(tokens, tokens))
        )
        update = self.dropout(self.feed_forward(tokens))
        normed: Tensor = self.norm_feed_forward(tokens + update)
        return normed


# -- 3. self-attention distilling -------------------------------------------------


class DistillingLayer(nn.Module):
    """Conv1d (kernel 3, circular) + BatchNorm1d + ELU + MaxPool1d(3, stride 2).

    Keeps the dominant features and halves the length, rounding up:
    ``L -> ceil(L / 2)`` (18 -> 9 -> 5).
    """

    def __init__(self, d_model: int) -> None:
        super().__init__()
        self.conv = nn.Conv1d(
            d_model, d_model, kernel_size=3, padding=1, padding_mode="circular"
        )
        self.norm = nn.BatchNorm1d(d_model)
        self.activation = nn.ELU()
        self.pool = nn.MaxPool1d(kernel_size=3, stride=2, padding=1)

    def forward(self, tokens: Tensor) -> Tensor:
        """(batch, L, d_model) -> (batch, ceil(L / 2), d_model)."""
        # (batch, d_model, L)
        channels = tokens.transpose(1, 2)
        pooled: Tensor = self.pool(self.activation(self.norm(self.conv(channels))))
        return pooled.transpose(1, 2)


# -- 4. the encoder ---------------------------------------------------------------


class EncoderStack(nn.Module):
    """Encoder layers with a distilling layer between consecutive ones, then a
    LayerNorm."""

    def __init__(self, config: InformerConfig, n_layers: int, seed: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            EncoderLayer(config, sampling_seed=seed + i) for i in range(n_layers)
        )
        n_distil = n_layers - 1 if config.distil else 0
        self.distilling = nn.ModuleList(
            DistillingLayer(config.d_model) for _ in range(n_distil)
        )
        self.norm = nn.LayerNorm(config.d_model)

    def forward(self, tokens: Tensor) -> Tensor:
        """(batch, L, d_model) -> (batch, L', d_model), ``L'`` halved per distilling."""
        for index, layer in enumerate(self.layers):
            tokens = layer(tokens)
            if index < len(self.distilling):
                tokens = self.distilling[index](tokens)
        normed: Tensor = self.norm(tokens)
        return normed


def stack_input_lengths(config: InformerConfig) -> list[int]:
    """Input minutes read by each encoder stack: the main stack reads all ``L``; a
    replica with ``k`` fewer layers reads the last ``ceil(L / 2**k)`` (at least 1),
    so that with distilling every stack ends at the same length."""
    main = config.encoder_layers[0]
    return [
        max(1, math.ceil(config.input_minutes / 2 ** (main - layers)))
        for layers in config.encoder_layers
    ]


class Encoder(nn.Module):
    """The pyramid: the main stack on the whole input, replicas on its last part;
    their outputs concatenated along time."""

    def __init__(self, config: InformerConfig) -> None:
        super().__init__()
        self.input_lengths = stack_input_lengths(config)
        self.stacks = nn.ModuleList(
            EncoderStack(config, n_layers, seed=100 * index)
            for index, n_layers in enumerate(config.encoder_layers)
        )

    def forward(self, tokens: Tensor) -> Tensor:
        """(batch, L, d_model) -> (batch, L_enc, d_model), ``L_enc`` the summed
        stack output lengths (5 + 5 for the default 18-minute input)."""
        outputs = [
            stack(tokens[:, -length:, :])
            for stack, length in zip(self.stacks, self.input_lengths, strict=True)
        ]
        return torch.cat(outputs, dim=1)


# -- 5. the generative decoder ----------------------------------------------------


class DecoderLayer(nn.Module):
    """Masked ProbSparse self-attention, full cross-attention, feed-forward; each
    with a residual connection and a LayerNorm."""

    def __init__(self, config: InformerConfig, sampling_seed: int) -> None:
        super().__init__()
        self.self_attention = AttentionLayer(
            config.d_model,
            config.n_heads,
            sparse=True,
            causal=True,
            factor=config.factor,
            sampling_seed=sampling_seed,
        )
        self.cross_attention = AttentionLayer(
            config.d_model, config.n_heads, sparse=False
        )
        self.feed_forward = FeedForward(config.d_model, config.d_ff, config.dropout)
        self.norms = nn.ModuleList(nn.LayerNorm(config.d_model) for _ in range(3))
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, tokens: Tensor, memory: Tensor) -> Tensor:
        """Decoder tokens (batch, L_dec, d_model) reading encoder ``memory`` (batch,
        L_enc, d_model); returns (batch, L_dec, d_model)."""
        tokens = self.norms[0](
            tokens + self.dropout(self.self_attention(tokens, tokens))
        )
        tokens = self.norms[1](
            tokens + self.dropout(self.cross_attention(tokens, memory))
        )
        update = self.dropout(self.feed_forward(tokens))
        normed: Tensor = self.norms[2](tokens + update)
        return normed


class Decoder(nn.Module):
    """Decoder layers, a LayerNorm and the projection of each token to a margin."""

    def __init__(self, config: InformerConfig) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            DecoderLayer(config, sampling_seed=1000 + i)
            for i in range(config.decoder_layers)
        )
        self.norm = nn.LayerNorm(config.d_model)
        self.projection = nn.Linear(config.d_model, 1)

    def forward(self, tokens: Tensor, memory: Tensor) -> Tensor:
        """(batch, L_dec, d_model) -> (batch, L_dec, 1) margins."""
        for layer in self.layers:
            tokens = layer(tokens, memory)
        margins: Tensor = self.projection(self.norm(tokens))
        return margins


# -- 6. the model -----------------------------------------------------------------


class Informer(nn.Module):
    """Margins after ``input_minutes`` minutes in, the next ``horizon`` out.

    The decoder input is the start token (the last ``start_minutes`` input margins)
    followed by ``horizon`` zeros, embedded at their game minutes; one forward pass
    fills every placeholder, and the last ``horizon`` outputs are the forecast.
    """

    encoder_minutes: Tensor
    decoder_minutes: Tensor

    def __init__(self, config: InformerConfig) -> None:
        super().__init__()
        self.config = config
        self.encoder_embedding = InputEmbedding(
            config.n_features, config.d_model, config.dropout
        )
        self.decoder_embedding = InputEmbedding(
            config.n_features, config.d_model, config.dropout
        )
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)

        first = config.first_minute
        last_input = first + config.input_minutes
        self.register_buffer(
            "encoder_minutes", torch.arange(first, last_input), persistent=False
        )
        self.register_buffer(
            "decoder_minutes",
            torch.arange(
                last_input - config.start_minutes, last_input + config.horizon
            ),
            persistent=False,
        )

    def forward(self, sequence: Tensor) -> Tensor:
        """Forecast from ``sequence`` of shape (batch, input_minutes, n_features).

        Returns
        -------
        tensor of shape (batch, horizon, 1)
        """
        config = self.config
        expected = (config.input_minutes, config.n_features)
        if sequence.ndim != 3 or tuple(sequence.shape[1:]) != expected:
            raise ValueError(
                f"Informer expects inputs of shape (batch, {expected[0]}, "
                f"{expected[1]}); got {tuple(sequence.shape)}"
            )
        batch = sequence.shape[0]

        # Encoder: every input minute, distilled into the pyramid's memory.
        memory = self.encoder(self.encoder_embedding(sequence, self.encoder_minutes))

        # Decoder input: start token then zero placeholders.
        # (batch, start_minutes + horizon, n_features)
        start = sequence[:, config.input_minutes - config.start_minutes :, :]
        placeholders = sequence.new_zeros(batch, config.horizon, config.n_features)
        decoder_input = torch.cat([start, placeholders], dim=1)
        tokens = self.decoder_embedding(decoder_input, self.decoder_minutes)

        # (batch, horizon, 1)
        forecast: Tensor = self.decoder(tokens, memory)[:, -config.horizon :, :]
        return forecast
