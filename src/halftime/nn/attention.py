"""Attention for the Informer: ProbSparse self-attention and canonical attention.

ProbSparse self-attention is the Informer's main idea (Zhou et al., AAAI 2021) and
a mechanism of its own, tested on its own against full attention, so it is read
here before the network in :mod:`halftime.nn.informer` that uses it:

- :func:`sparsity_sizes` - how many keys are sampled and queries kept active.
- :func:`full_attention` - scaled dot-product attention over every key.
- :func:`probsparse_attention` - score each query's "sparsity" on a sample of keys,
  attend fully with the top ``u`` queries only and give the others the mean of the
  values (the cumulative sum under a causal mask).
- :class:`AttentionLayer` - multi-head projections around either of the two.

Paper symbols used below: ``L_Q`` and ``L_K`` are the query and key lengths,
``u = factor * ceil(ln L_Q)`` the number of active queries,
``factor * ceil(ln L_K)`` the number of sampled keys, ``d`` the width of one head.

At halftime's lengths the sparsity buys little. With an 18-minute input,
``ceil(ln 18) = 3`` and ``factor = 5`` give ``u = 15`` active queries out of 18 in the
first encoder layer; distilling takes 18 steps to 9 to 5, where ``u`` reaches ``L``
and attention is full, as it is in the pyramid's replica (the last 5 minutes) and in
the decoder (9 start minutes + 6 placeholders: ``u = 15`` of 15).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn


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
