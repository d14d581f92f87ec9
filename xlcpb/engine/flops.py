"""FLOPs models: how many floating-point operations generating content takes.

Sources: Kaplan et al., *Scaling Laws for Neural Language Models* (2020), Table 1 and eq. 2.2:
a decoder-only transformer's forward pass costs C_forward = 2N + 2 n_layer n_ctx d_model
FLOPs per token, N the non-embedding parameters; the paper under study uses the 2N term alone
(its eq. 5). Seed 002 discusses the derivation.
"""

from __future__ import annotations

from ._inputs import non_negative, positive, scalar_or_array, vectorised


@vectorised
def flops_per_token(params, n_layer=0, n_ctx=0, d_model=0):
    """Forward-pass FLOPs per token of a decoder-only transformer (Kaplan et al., Table 1).

    .. math:: F_{token} = 2N + 2\\, n_{layer}\\, n_{ctx}\\, d_{model}

    With the attention arguments left at 0 this is the paper's eq. (5), F_token = 2N.

    Parameters
    ----------
    params : array_like
        N, model parameters [parameters] (non-embedding, strictly; the paper uses the total).
    n_layer : array_like, optional
        Transformer layers [layers]. Default 0 (no attention term).
    n_ctx : array_like, optional
        Tokens of context attended to [tokens]. Default 0.
    d_model : array_like, optional
        Residual stream width [features]. Default 0.

    Returns
    -------
    float or ndarray
        F_token [FLOP/token].

    Examples
    --------
    GPT-2 1.5B, paper eq. (5):

    >>> flops_per_token(1.5e9)
    3000000000.0

    With the attention term for GPT-2 XL (48 layers, d_model 1,600) at a 1,024-token context:

    >>> flops_per_token(1.5e9, 48, 1024, 1600)
    3157286400.0
    """
    n_params = positive("params", params, "parameters")
    layers = non_negative("n_layer", n_layer, "layers")
    context = non_negative("n_ctx", n_ctx, "tokens")
    width = non_negative("d_model", d_model, "features")
    return scalar_or_array(2.0 * n_params + 2.0 * layers * context * width)


@vectorised
def total_flops(flops_per_unit, units):
    """Total FLOPs from FLOPs per content unit, eqs. (13) and (22).

    .. math:: F_{total} = F_{unit} \\times N_{unit}

    Parameters
    ----------
    flops_per_unit : array_like
        FLOPs per token, per audio sample or per video frame [FLOP/unit].
    units : array_like
        Units generated [units] (tokens, samples, frames).

    Returns
    -------
    float or ndarray
        F_total [FLOP].

    Examples
    --------
    WaveNet, 1e9 FLOPs per sample over 1,440,000 samples (paper eq. 13):

    >>> total_flops(1e9, 1_440_000) == 1.44e15
    True
    """
    per_unit = non_negative("flops_per_unit", flops_per_unit, "FLOP per unit")
    count = positive("units", units, "units")
    return scalar_or_array(per_unit * count)


@vectorised
def flops_per_unit(total_flops, units):
    """FLOPs per content unit from a total: the inverse of :func:`total_flops`.

    Parameters
    ----------
    total_flops : array_like
        F_total [FLOP].
    units : array_like
        Units generated [units], > 0.

    Returns
    -------
    float or ndarray
        F_unit [FLOP/unit].

    Examples
    --------
    >>> flops_per_unit(1.8e18, 1800) == 1e15
    True
    """
    total = non_negative("total_flops", total_flops, "FLOP")
    count = positive("units", units, "units")
    return scalar_or_array(total / count)
