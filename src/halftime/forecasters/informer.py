"""The Informer as a halftime forecaster.

The network is :class:`halftime.nn.informer.Informer`; this module gives it the
forecaster contract through :class:`~halftime.forecasters.neural.NeuralForecaster`
(train-only scaling, early stopping on the validation MAE in points, weights-only
files) and holds the presets:

- ``"tiny"``: ``d_model`` 16, for tests and smoke runs;
- ``"default"``: ``d_model`` 64, 4 heads, ``d_ff`` 128, trained with the paper's
  recipe with larger batches and steps and at most 6 epochs, about a minute on 2
  CPU cores;
- ``"paper"``: the paper's model (``d_model`` 512, 8 heads, ``d_ff`` 2048, encoder
  3 + 1 layers, decoder 2 layers) and training (Adam at 1e-4 halved every epoch,
  batch 32, at most 8 epochs, early stopping with patience 3, MSE loss).

The paper forecasts the series' own values. A margin six minutes on is mostly the
margin now, so by default the target is the change from the margin at the cutoff,
which the base class adds back; ``target="levels"`` gives the paper's setting.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, ClassVar, Self

from torch import nn

from halftime.constants import DEFAULT_CUTOFF, DEFAULT_HORIZON
from halftime.errors import ConfigError
from halftime.forecasters.features import InputRepresentation, TargetRepresentation
from halftime.forecasters.neural import NeuralForecaster, build_config
from halftime.forecasters.neural_config import NetworkConfig, TrainingConfig
from halftime.nn.informer import PRESETS, Informer, InformerConfig, informer_preset
from halftime.safe_io import write_json

NETWORK_FILE = "informer.json"
"""The full network config, written beside the weights for readers of the model."""

PAPER_TRAINING = TrainingConfig(
    learning_rate=1e-4,
    batch_size=32,
    max_epochs=8,
    patience=3,
    grad_clip=None,
    lr_decay=0.5,
)
"""The paper's training recipe."""

DEFAULT_TRAINING = replace(
    PAPER_TRAINING, learning_rate=1e-3, batch_size=128, max_epochs=6
)
"""The paper's recipe with larger batches and steps and at most 6 epochs, to train
in about a minute on 2 CPU cores (the validation MAE moves by hundredths of a
point after the first epochs)."""

TRAINING_PRESETS: dict[str, TrainingConfig] = {
    "tiny": DEFAULT_TRAINING,
    "default": DEFAULT_TRAINING,
    "paper": PAPER_TRAINING,
}
"""Training by preset name (the keys of :data:`halftime.nn.informer.PRESETS`)."""


@dataclass(frozen=True)
class InformerSettings(NetworkConfig):
    """The Informer forecaster's options: features, preset and network shape.

    The input length, horizon and number of features come from the games when
    fitting. Every shape field left as None takes the value of ``preset`` (see
    :data:`halftime.nn.informer.PRESETS`); a value given here overrides it, with the
    meaning it has in :class:`~halftime.nn.informer.InformerConfig`. ``inputs`` and
    ``target`` are described in
    :class:`~halftime.forecasters.neural_config.NetworkConfig`.

    Parameters
    ----------
    preset : {"tiny", "default", "paper"}
        Network shape, and the training used when none is given.
    start_minutes : int or None
        Decoder start token length; None is half the input, as in the paper.
    """

    inputs: InputRepresentation = "levels"
    target: TargetRepresentation = "change"
    preset: str = "default"
    start_minutes: int | None = None
    d_model: int | None = None
    n_heads: int | None = None
    d_ff: int | None = None
    encoder_layers: tuple[int, ...] | None = None
    decoder_layers: int | None = None
    factor: int | None = None
    dropout: float | None = None
    distil: bool | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.preset not in PRESETS:
            raise ConfigError(
                f"unknown Informer preset {self.preset!r}; accepted: "
                f"{', '.join(PRESETS)}"
            )
        if self.encoder_layers is not None:
            # JSON gives a list back; keep the frozen config hashable.
            layers = tuple(int(n) for n in self.encoder_layers)
            object.__setattr__(self, "encoder_layers", layers)
        # Check the network options now rather than at the first fit.
        self.network_config(cutoff=DEFAULT_CUTOFF, horizon=DEFAULT_HORIZON)

    def network_config(
        self, *, cutoff: int, horizon: int, n_features: int = 1
    ) -> InformerConfig:
        """The network's config for games cut at ``cutoff`` minutes.

        Raises
        ------
        ConfigError
            If an option is out of range, or ``start_minutes`` exceeds ``cutoff``.
        """
        shape = {
            f.name: getattr(self, f.name)
            for f in fields(InformerConfig)
            if f.name in self.__dataclass_fields__ and getattr(self, f.name) is not None
        }
        shape.setdefault("start_minutes", cutoff // 2)
        if shape["start_minutes"] > cutoff:
            raise ConfigError(
                f"informer start_minutes ({shape['start_minutes']}) exceeds the "
                f"{cutoff} input minutes; choose at most {cutoff}"
            )
        return informer_preset(
            self.preset,
            input_minutes=cutoff,
            horizon=horizon,
            n_features=n_features,
            **shape,
        )


class InformerForecaster(NeuralForecaster[InformerSettings]):
    """Forecast margins after the cutoff with the Informer.

    Parameters
    ----------
    config : InformerSettings, optional
        Features, preset and network shape; the ``"default"`` preset when None.
    training : TrainingConfig, optional
        The training of ``config.preset`` (:data:`TRAINING_PRESETS`) when None.

    Examples
    --------
    >>> forecaster = InformerForecaster(InformerSettings(preset="paper"))
    >>> forecaster.training.learning_rate
    0.0001
    """

    kind = "informer"
    config_class: ClassVar[type[NetworkConfig]] = InformerSettings

    def __init__(
        self,
        config: InformerSettings | None = None,
        training: TrainingConfig | None = None,
    ) -> None:
        config = config if config is not None else InformerSettings()
        if training is None:
            training = TRAINING_PRESETS[config.preset]
        super().__init__(config, training)
        self.network_config_: InformerConfig | None = None

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        """Build from ``{"network": {...}, "training": {...}}``.

        Training options not given take the values of the network's preset, so
        ``{"network": {"preset": "paper"}}`` trains as the paper does.
        """
        settings = build_config(
            InformerSettings, dict(config.get("network", {})), "informer"
        )
        training = dict(config.get("training", {}))
        build_config(TrainingConfig, training, "training")  # names unknown options
        return cls(settings, replace(TRAINING_PRESETS[settings.preset], **training))

    def build_network(self, *, cutoff: int, horizon: int, n_features: int) -> nn.Module:
        """An :class:`~halftime.nn.informer.Informer` for these sizes."""
        self.network_config_ = self.config.network_config(
            cutoff=cutoff, horizon=horizon, n_features=n_features
        )
        return Informer(self.network_config_)

    def _save_files(self, directory: Path) -> None:
        super()._save_files(directory)
        if self.network_config_ is not None:
            write_json(directory / NETWORK_FILE, self.network_config_.to_dict())
