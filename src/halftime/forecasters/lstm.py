"""An LSTM that reads the margin minute by minute and forecasts the horizon at once.

The network runs a stacked LSTM over the margin sequence of minutes ``1..cutoff``
and maps the last minute's hidden state through one linear layer to the ``horizon``
forecast minutes, all in one shot (no feeding forecasts back in). Training,
scaling and saving are shared with the Informer in :mod:`halftime.forecasters.neural`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from halftime.errors import ConfigError
from halftime.forecasters.neural import NeuralForecaster
from halftime.forecasters.neural_config import NetworkConfig


@dataclass(frozen=True)
class LSTMConfig(NetworkConfig):
    """Options of :class:`LSTMForecaster`.

    Parameters
    ----------
    hidden_size : int
        Units in each LSTM layer.
    num_layers : int
        Stacked LSTM layers.
    dropout : float
        Dropout between stacked layers (unused with one layer).
    inputs, target
        Feature options, see :class:`~halftime.forecasters.neural_config.NetworkConfig`.
    """

    hidden_size: int = 64
    num_layers: int = 2
    dropout: float = 0.1

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("hidden_size", "num_layers"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be an integer >= 1; got {value!r}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout must be in [0, 1); got {self.dropout}")


class MarginLSTM(nn.Module):
    """LSTM over (batch, cutoff, n_features) -> linear head -> (batch, horizon)."""

    def __init__(self, config: LSTMConfig, *, horizon: int, n_features: int) -> None:
        super().__init__()
        self.lstm = nn.LSTM(
            input_size=n_features,
            hidden_size=config.hidden_size,
            num_layers=config.num_layers,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
            batch_first=True,
        )
        self.head = nn.Linear(config.hidden_size, horizon)

    def forward(self, margins: torch.Tensor) -> torch.Tensor:
        # (batch, cutoff, hidden_size)
        states, _ = self.lstm(margins)
        # (batch, horizon)
        return self.head(states[:, -1, :])  # type: ignore[no-any-return]


class LSTMForecaster(NeuralForecaster[LSTMConfig]):
    """Forecast margins after the cutoff with :class:`MarginLSTM`.

    Parameters
    ----------
    config : LSTMConfig, optional
    training : TrainingConfig, optional
        Defaults: Adam at 1e-3, batch 32, up to 50 epochs, patience 5 on the
        validation MAE in points, gradient norm clipped at 1.0, seed 2021.

    Examples
    --------
    >>> model = LSTMForecaster().fit(train, validation)  # doctest: +SKIP
    >>> model.predict(test).shape  # doctest: +SKIP
    (n_games, 6)
    """

    kind = "lstm"
    config_class = LSTMConfig
    # Its matrices are tiny (batch 32 x 64 units): a second thread costs more in
    # synchronisation than it saves (2 epochs on 20,000 games: 4 s on 1 thread,
    # 17 s on 2 on a busy 2-core machine).
    auto_threads = 1

    def build_network(self, *, cutoff: int, horizon: int, n_features: int) -> nn.Module:
        return MarginLSTM(self.config, horizon=horizon, n_features=n_features)
