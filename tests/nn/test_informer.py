"""The Informer network: ProbSparse attention, the causal mask, distilling, the
pyramid encoder, the generative decoder, and the tiny lengths of case M4."""

from __future__ import annotations

import math

import pytest
import torch

from halftime.errors import ConfigError
from halftime.nn import attention, embedding
from halftime.nn.attention import (
    AttentionLayer,
    full_attention,
    probsparse_attention,
    sparsity_sizes,
)
from halftime.nn.informer import (
    DecoderLayer,
    DistillingLayer,
    Encoder,
    EncoderStack,
    Informer,
    InformerConfig,
    informer_preset,
    stack_input_lengths,
)


def _qkv(length: int, *, seed: int = 0) -> tuple[torch.Tensor, ...]:
    """Random queries, keys and values of shape (batch 2, heads 3, length, d 4)."""
    generator = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(2, 3, length, 4, generator=generator) for _ in range(3))


# -- sizes of the sample and of the active set ------------------------------------


def test_an_18_minute_input_keeps_15_of_18_queries_with_factor_5() -> None:
    # ceil(ln 18) = 3, so factor 5 gives 15 sampled keys and 15 active queries.
    assert sparsity_sizes(18, 18, factor=5) == (15, 15)


def test_one_step_sequence_still_has_one_query_and_one_key() -> None:
    # ln 1 = 0 would give zero of each without the clamp (case M4).
    assert sparsity_sizes(1, 1, factor=5) == (1, 1)
    assert sparsity_sizes(1, 18, factor=5) == (15, 1)


@pytest.mark.parametrize("factor", [1, 3, 5, 25])
def test_sample_and_active_set_stay_between_one_and_the_length(factor: int) -> None:
    for query_length in range(1, 60):
        for key_length in (1, 2, 5, 18, 59):
            n_sampled, n_active = sparsity_sizes(query_length, key_length, factor)
            assert 1 <= n_sampled <= key_length
            assert 1 <= n_active <= query_length


# -- ProbSparse attention ---------------------------------------------------------


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize(("length", "factor"), [(7, 4), (18, 6), (18, 50), (1, 5)])
def test_probsparse_equals_full_attention_once_every_query_is_active(
    causal: bool, length: int, factor: int
) -> None:
    assert sparsity_sizes(length, length, factor)[1] == length
    queries, keys, values = _qkv(length)

    sparse = probsparse_attention(queries, keys, values, factor=factor, causal=causal)
    full = full_attention(queries, keys, values, causal=causal)

    torch.testing.assert_close(sparse, full)


def test_lazy_queries_get_the_mean_of_the_values() -> None:
    # Length 40: ceil(ln 40) = 4, factor 2 -> 8 active queries of 40.
    queries, keys, values = _qkv(40, seed=1)

    sparse = probsparse_attention(queries, keys, values, factor=2)

    full = full_attention(queries, keys, values)
    mean = values.mean(dim=2, keepdim=True).expand_as(values)
    # (batch, heads, L): which rows are full attention and which are the mean
    is_full = torch.isclose(sparse, full, atol=1e-6).all(dim=-1)
    is_mean = torch.isclose(sparse, mean, atol=1e-6).all(dim=-1)
    assert (is_full | is_mean).all()
    assert (is_full.sum(dim=-1) == 8).all()


PEAKED = torch.tensor([3, 7, 11, 19, 23, 29, 31, 37])


def _peaked_queries(like: torch.Tensor) -> torch.Tensor:
    """Zero queries except at :data:`PEAKED`, whose entries are large.

    A zero query scores every key alike, so M(q) = max - mean = 0; the eight large
    ones have M(q) > 0, so with u = 8 they are exactly the active queries.
    """
    queries = torch.zeros_like(like)
    generator = torch.Generator().manual_seed(11)
    queries[:, :, PEAKED] = 5.0 * torch.randn(2, 3, 8, 4, generator=generator)
    return queries


@pytest.mark.parametrize("causal", [False, True])
def test_active_queries_are_those_whose_scores_are_far_from_uniform(
    causal: bool,
) -> None:
    # Length 40: ceil(ln 40) = 4, factor 2 -> u = 8 active queries.
    _, keys, values = _qkv(40, seed=3)
    queries = _peaked_queries(keys)

    sparse = probsparse_attention(queries, keys, values, factor=2, causal=causal)

    full = full_attention(queries, keys, values, causal=causal)
    torch.testing.assert_close(sparse[:, :, PEAKED], full[:, :, PEAKED])
    lazy = torch.ones(40, dtype=torch.bool)
    lazy[PEAKED] = False
    if causal:
        # Lazy queries under the mask: the sum of the values up to their position.
        expected = values.cumsum(dim=2)
    else:
        expected = values.mean(dim=2, keepdim=True).expand_as(values)
    torch.testing.assert_close(sparse[:, :, lazy], expected[:, :, lazy])


def test_causal_attention_needs_as_many_queries_as_keys() -> None:
    queries, keys, values = _qkv(5)
    with pytest.raises(ValueError, match="as many queries as keys"):
        probsparse_attention(queries[:, :, :3], keys, values, factor=5, causal=True)


# -- the causal mask --------------------------------------------------------------


@pytest.mark.parametrize("factor", [2, 50])
def test_changing_a_later_value_leaves_earlier_outputs_unchanged(factor: int) -> None:
    # factor 2 on length 40 keeps 8 of 40 queries: the mask must hold for both
    # the active queries and the lazy ones.
    queries, keys, values = _qkv(40, seed=4)
    later = values.clone()
    later[:, :, 25:] += 10.0

    before = probsparse_attention(
        queries,
        keys,
        values,
        factor=factor,
        causal=True,
        generator=torch.Generator().manual_seed(0),
    )
    after = probsparse_attention(
        queries,
        keys,
        later,
        factor=factor,
        causal=True,
        generator=torch.Generator().manual_seed(0),
    )

    torch.testing.assert_close(before[:, :, :25], after[:, :, :25])
    assert not torch.allclose(before[:, :, 25:], after[:, :, 25:])


def test_a_decoder_placeholder_does_not_see_later_placeholders() -> None:
    # Every query active (factor 20 on 15 steps), so the mask alone hides the future.
    config = InformerConfig(d_model=16, n_heads=2, d_ff=32, factor=20, dropout=0.0)
    layer = DecoderLayer(config, sampling_seed=0).eval()
    generator = torch.Generator().manual_seed(5)
    tokens = torch.randn(2, 15, 16, generator=generator)
    memory = torch.randn(2, 10, 16, generator=generator)
    changed = tokens.clone()
    changed[:, 11:] = torch.randn(2, 4, 16, generator=generator)

    before = layer(tokens, memory)
    after = layer(changed, memory)

    torch.testing.assert_close(before[:, :11], after[:, :11])
    assert not torch.allclose(before[:, 11:], after[:, 11:])


def test_evaluation_mode_forecasts_the_same_numbers_every_call() -> None:
    layer = AttentionLayer(16, 2, sparse=True, factor=1, sampling_seed=7).eval()
    tokens = torch.randn(3, 30, 16)
    torch.testing.assert_close(layer(tokens, tokens), layer(tokens, tokens))


# -- distilling and the pyramid ---------------------------------------------------


@pytest.mark.parametrize(
    ("length", "halved"), [(18, 9), (9, 5), (5, 3), (2, 1), (1, 1)]
)
def test_distilling_halves_the_length_rounding_up(length: int, halved: int) -> None:
    layer = DistillingLayer(8)
    assert layer(torch.randn(3, length, 8)).shape == (3, halved, 8)


def test_three_layer_stack_distils_18_minutes_to_9_then_5() -> None:
    config = informer_preset("tiny")
    stack = EncoderStack(config, n_layers=3, seed=0)
    assert len(stack.distilling) == 2
    assert stack(torch.randn(2, 18, 16)).shape == (2, 5, 16)


def test_pyramid_replica_reads_the_last_quarter_and_aligns_with_the_main_stack() -> (
    None
):
    config = informer_preset("tiny")
    assert stack_input_lengths(config) == [18, 5]
    assert Encoder(config)(torch.randn(2, 18, 16)).shape == (2, 10, 16)


def test_pyramid_replica_reads_at_least_one_minute() -> None:
    config = informer_preset("tiny", input_minutes=1, start_minutes=0)
    assert stack_input_lengths(config) == [1, 1]


def test_without_distilling_the_main_stack_keeps_every_minute() -> None:
    config = informer_preset("tiny", distil=False)
    assert Encoder(config)(torch.randn(2, 18, 16)).shape == (2, 18 + 5, 16)


# -- the whole network ------------------------------------------------------------


def test_decoder_reads_the_start_token_then_the_forecast_minutes() -> None:
    network = Informer(informer_preset("tiny", start_minutes=9))
    # Input minutes 1..18; the decoder covers 10..18 (known) and 19..24.
    assert network.encoder_minutes.tolist() == list(range(1, 19))
    assert network.decoder_minutes.tolist() == list(range(10, 25))


@pytest.mark.parametrize("start_minutes", [0, 6])
@pytest.mark.parametrize("distil", [True, False])
@pytest.mark.parametrize("training", [True, False])
def test_m4_one_step_horizon_after_18_minutes(
    start_minutes: int,
    distil: bool,
    training: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sizes_seen: list[tuple[int, int, int, int]] = []
    original = attention.sparsity_sizes

    def recording(query_length: int, key_length: int, factor: int) -> tuple[int, int]:
        n_sampled, n_active = original(query_length, key_length, factor)
        sizes_seen.append((query_length, key_length, n_sampled, n_active))
        return n_sampled, n_active

    monkeypatch.setattr(attention, "sparsity_sizes", recording)
    config = InformerConfig(
        input_minutes=18, horizon=1, start_minutes=start_minutes, distil=distil
    )
    network = Informer(config).train(training)

    forecast = network(torch.randn(2, 18, 1))

    assert forecast.shape == (2, 1, 1)
    assert torch.isfinite(forecast).all()
    assert sizes_seen, "ProbSparse attention was never called"
    for query_length, key_length, n_sampled, n_active in sizes_seen:
        assert 1 <= n_sampled <= key_length
        assert 1 <= n_active <= query_length
    # The decoder's self-attention runs on start_minutes + 1 steps.
    assert (start_minutes + 1, start_minutes + 1) in {s[:2] for s in sizes_seen}


def test_at_18_minutes_only_the_first_encoder_layer_is_sparse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sizes_seen: list[tuple[int, int]] = []
    original = attention.sparsity_sizes

    def recording(query_length: int, key_length: int, factor: int) -> tuple[int, int]:
        n_sampled, n_active = original(query_length, key_length, factor)
        sizes_seen.append((query_length, n_active))
        return n_sampled, n_active

    monkeypatch.setattr(attention, "sparsity_sizes", recording)
    Informer(informer_preset("tiny"))(torch.randn(2, 18, 1))

    # Main stack 18 -> 9 -> 5, replica on 5, decoder on 9 + 6 = 15 steps twice.
    assert sizes_seen == [(18, 15), (9, 9), (5, 5), (5, 5), (15, 15), (15, 15)]


def test_paper_preset_has_the_papers_shape() -> None:
    config = informer_preset("paper")
    assert (config.d_model, config.n_heads, config.d_ff) == (512, 8, 2048)
    assert config.encoder_layers == (3, 1)
    assert config.decoder_layers == 2
    assert (config.factor, config.dropout, config.distil) == (5, 0.05, True)


def test_gradients_reach_every_parameter() -> None:
    network = Informer(informer_preset("tiny"))
    network(torch.randn(4, 18, 1)).sum().backward()
    missing = [n for n, p in network.named_parameters() if p.grad is None]
    assert missing == []


def test_wrong_input_shape_is_refused_with_the_expected_shape() -> None:
    network = Informer(informer_preset("tiny"))
    with pytest.raises(ValueError, match=r"\(batch, 18, 1\)"):
        network(torch.randn(4, 17, 1))


# -- config -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"n_heads": 3}, "must divide d_model"),
        ({"start_minutes": 19}, "start_minutes"),
        ({"encoder_layers": (1, 3)}, "non-increasing"),
        ({"encoder_layers": ()}, "non-empty"),
        ({"dropout": 1.0}, "dropout"),
        ({"horizon": 0}, "horizon"),
        ({"horizon": 40}, "minute embedding"),
    ],
)
def test_config_refuses_bad_values_naming_the_field(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        InformerConfig(**options)  # type: ignore[arg-type]


def test_config_round_trips_through_json_values() -> None:
    config = informer_preset("paper", start_minutes=6, distil=False)
    assert InformerConfig.from_dict(config.to_dict()) == config


def test_config_refuses_unknown_fields() -> None:
    with pytest.raises(ConfigError, match="e_layers"):
        InformerConfig.from_dict({"e_layers": 3})


def test_unknown_preset_lists_the_accepted_ones() -> None:
    with pytest.raises(ConfigError, match="tiny, default, paper"):
        informer_preset("huge")


def test_sinusoidal_code_starts_with_sine_zero_and_cosine_one() -> None:
    table = embedding.sinusoidal_table(torch.arange(3), 6)
    assert table.shape == (3, 6)
    torch.testing.assert_close(table[0], torch.tensor([0.0, 1.0] * 3))
    assert math.isclose(float(table[1, 0]), math.sin(1.0), rel_tol=1e-6)
