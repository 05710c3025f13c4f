"""The Informer (Zhou et al., "Informer: Beyond Efficient Transformer for Long Sequence
Time-Series Forecasting", AAAI 2021), for one series: a game's margin by minute.

The parts come in the paper's order:

1. :class:`InputEmbedding` - the margin projected by a circular ``Conv1d``, plus a
   sinusoidal position code and a learned embedding of the game minute.
2. :func:`probsparse_attention` - ProbSparse self-attention: score each query's
   "sparsity" on a sample of keys, attend fully with the top ``u`` queries only and
   give the others the mean of the values (the cumulative sum under a causal mask).
3. :class:`DistillingLayer` - self-attention distilling between encoder layers:
   ``Conv1d`` + ``BatchNorm1d`` + ELU + ``MaxPool1d`` halves the sequence length.
4. :class:`Encoder` - the main stack plus shorter replicas on the end of the input
   (the "pyramid"), their outputs joined along time.
5. :class:`Decoder` - the generative decoder: a start token of the last known minutes
   followed by zero placeholders for the horizon, masked ProbSparse self-attention,
   full cross-attention to the encoder, all forecast minutes in one forward pass.
6. :class:`Informer` - the whole network: margins in, forecast margins out.

Paper symbols used below: ``L`` is a sequence length, ``u = factor * ceil(ln L_Q)``
the number of active queries, ``factor * ceil(ln L_K)`` the number of sampled keys,
``d`` the width of one attention head.

At halftime's lengths the sparsity buys little. With an 18-minute input,
``ceil(ln 18) = 3`` and ``factor = 5`` give ``u = 15`` active queries out of 18 in the
first encoder layer; distilling takes 18 steps to 9 to 5, where ``u`` reaches ``L``
and attention is full, as it is in the pyramid's replica (the last 5 minutes) and in
the decoder (9 start minutes + 6 placeholders: ``u = 15`` of 15).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import Tensor, nn

from halftime.constants import (
    DEFAULT_CUTOFF,
    DEFAULT_HORIZON,
    OVERTIME_MINUTES,
    REGULATION_MINUTES,
)
from halftime.errors import ConfigError

MAX_MINUTE = REGULATION_MINUTES + OVERTIME_MINUTES
"""Largest game minute the minute embedding knows (regulation plus one overtime)."""


# -- config -----------------------------------------------------------------------


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


# -- 1. input embedding -------------------------------------------------------------


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


# -- 2. ProbSparse self-attention -------------------------------------------------


def sparsity_sizes(query_length: int, key_length: int, factor: int) -> tuple[int, int]:
    """Sampled keys per query and active queries: ``factor * ceil(ln L)``.

    Both are clamped to ``1..L`` (case M4): ``ln 1 = 0`` would give no query at all
    for a one-step sequence, and on short sequences ``factor * ceil(ln L)`` exceeds
    ``L``.

    Returns
    -------
    (n_sampled_keys, n_active_queries) : tuple of int
    """
    n_sampled = factor * math.ceil(math.log(key_length))
    n_active = factor * math.ceil(math.log(query_length))
    return (
        min(max(n_sampled, 1), key_length),
        min(max(n_active, 1), query_length),
    )


def full_attention(
    queries: Tensor, keys: Tensor, values: Tensor, *, causal: bool = False
) -> Tensor:
    """Scaled dot-product attention over every key (the canonical self-attention).

    Shapes as in :func:`probsparse_attention`.
    """
    scale = 1.0 / math.sqrt(queries.shape[-1])
    # (batch, heads, L_Q, L_K)
    scores = queries @ keys.transpose(-2, -1) * scale
    if causal:
        scores = scores.masked_fill(
            _future_mask(scores.shape[-2:], scores.device), -math.inf
        )
    return torch.softmax(scores, dim=-1) @ values


def probsparse_attention(
    queries: Tensor,
    keys: Tensor,
    values: Tensor,
    *,
    factor: int,
    causal: bool = False,
    generator: torch.Generator | None = None,
) -> Tensor:
    """ProbSparse self-attention (the paper's Eq. 3, with the measure M-bar of Eq. 4).

    1. For every query, sample ``factor * ceil(ln L_K)`` keys and compute the
       sparsity measure ``M(q) = max(q K^T / sqrt d) - mean(q K^T / sqrt d)`` over
       them: a query whose scores are far from uniform matters.
    2. Keep the top ``u = factor * ceil(ln L_Q)`` queries by ``M`` and give them
       full attention over all keys (only keys not later than the query when
       ``causal``).
    3. Every other query gets the mean of the values, or under the causal mask the
       cumulative sum of the values up to its own position (as in the authors'
       code), so no query reads a later position.

    Which queries are active depends on scores against sampled keys, later ones
    included, as in the paper. In the decoder every later position is a zero
    placeholder known before the forecast, so no forecast value leaks through.

    Parameters
    ----------
    queries : tensor of shape (batch, heads, L_Q, d)
    keys, values : tensors of shape (batch, heads, L_K, d)
    factor : int
        The sampling factor ``c``.
    causal : bool
        Mask later positions; needs ``L_Q == L_K``.
    generator : torch.Generator, optional
        Source of the key sample; the global generator when None.

    Returns
    -------
    tensor of shape (batch, heads, L_Q, d)
    """
    query_length, width = queries.shape[2:]
    key_length = keys.shape[2]
    if causal and query_length != key_length:
        raise ValueError(
            f"causal attention needs as many queries as keys; got {query_length} "
            f"queries and {key_length} keys"
        )
    n_sampled, n_active = sparsity_sizes(query_length, key_length, factor)
    scale = 1.0 / math.sqrt(width)

    # Step 1: the sparsity measure on a sample of keys, the same sample for every
    # sequence of the batch.
    sample = torch.randint(
        key_length, (query_length, n_sampled), generator=generator
    ).to(queries.device)
    # (batch, heads, L_Q, n_sampled, d)
    sampled_keys = keys[:, :, sample, :]
    # (batch, heads, L_Q, n_sampled)
    sampled_scores = (queries.unsqueeze(-2) @ sampled_keys.transpose(-2, -1)).squeeze(
        -2
    ) * scale
    measure = sampled_scores.amax(dim=-1) - sampled_scores.mean(dim=-1)

    # Step 2: full attention for the top-u queries.
    # (batch, heads, u)
    active = measure.topk(n_active, dim=-1, sorted=False).indices
    # (batch, heads, u, d)
    active_queries = torch.gather(
        queries, 2, active[..., None].expand(-1, -1, -1, width)
    )
    # (batch, heads, u, L_K)
    scores = active_queries @ keys.transpose(-2, -1) * scale
    if causal:
        later = torch.arange(key_length, device=queries.device) > active[..., None]
        scores = scores.masked_fill(later, -math.inf)
    active_context = torch.softmax(scores, dim=-1) @ values

    # Step 3: the lazy queries' context, overwritten where a query is active.
    if causal:
        context = values.cumsum(dim=2)
    else:
        context = values.mean(dim=2, keepdim=True).expand(-1, -1, query_length, -1)
    # (batch, heads, L_Q, d)
    context = context.clone()
    context.scatter_(2, active[..., None].expand(-1, -1, -1, width), active_context)
    return context


def _future_mask(shape: torch.Size, device: torch.device) -> Tensor:
    """True above the diagonal: key positions later than the query."""
    return torch.ones(shape, dtype=torch.bool, device=device).triu(diagonal=1)


class AttentionLayer(nn.Module):
    """Multi-head attention: project, attend per head (ProbSparse or full), merge.

    In evaluation mode the ProbSparse key sample is drawn from a generator seeded
    with ``sampling_seed`` at every call, so a fitted model forecasts the same
    numbers every time (and after it is saved and loaded).
    """

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        *,
        sparse: bool,
        causal: bool = False,
        factor: int = 5,
        sampling_seed: int = 0,
    ) -> None:
        super().__init__()
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.out = nn.Linear(d_model, d_model)
        self.n_heads = n_heads
        self.sparse = sparse
        self.causal = causal
        self.factor = factor
        self.sampling_seed = sampling_seed

    def forward(self, target: Tensor, source: Tensor) -> Tensor:
        """Attend from ``target`` (batch, L_Q, d_model) to ``source`` (batch, L_K,
        d_model); returns (batch, L_Q, d_model)."""
        batch, query_length, d_model = target.shape

        def split_heads(tokens: Tensor) -> Tensor:
            # (batch, heads, length, d_model / heads)
            return tokens.view(
                batch, -1, self.n_heads, d_model // self.n_heads
            ).transpose(1, 2)

        queries = split_heads(self.query(target))
        keys = split_heads(self.key(source))
        values = split_heads(self.value(source))
        if self.sparse:
            generator = None
            if not self.training:
                generator = torch.Generator().manual_seed(self.sampling_seed)
            context = probsparse_attention(
                queries,
                keys,
                values,
                factor=self.factor,
                causal=self.causal,
                generator=generator,
            )
        else:
            context = full_attention(queries, keys, values, causal=self.causal)
        # (batch, L_Q, d_model)
        merged = context.transpose(1, 2).reshape(batch, query_length, d_model)
        projected: Tensor = self.out(merged)
        return projected


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
