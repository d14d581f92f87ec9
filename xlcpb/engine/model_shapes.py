"""Parameter counts of decoder-only transformers from their shape (a ``config.json``).

A model's weights are the sum of its matrices; each count below is the matrix sizes of the
layer as the reference implementations define it (Hugging Face ``transformers``:
``LlamaAttention``, ``MixtralSparseMoeBlock``, ``DeepseekV3Attention`` / ``DeepseekV3MoE``),
plus one weight vector per RMSNorm. Counted this way, Llama-3.1-8B is 8,030,261,248 and
Mixtral-8x7B 46,702,792,704 (12,879,925,248 active), the totals its publishers state.

Multi-head latent attention (MLA) is DeepSeek-V2's: queries through a rank-``q_lora_rank``
projection, keys and values from a shared rank-``kv_lora_rank`` latent plus a decoupled RoPE
key of ``qk_rope_head_dim`` (DeepSeek-AI, *DeepSeek-V2*, 2024, section 2.1, eqs. 9-11).
"""

from __future__ import annotations

from ._inputs import non_negative, positive, scalar_or_array, vectorised


@vectorised
def attention_params(d_model, n_heads, n_kv_heads, head_dim, bias=0, qk_norm=0,
                     output_bias=0, sinks=0):
    """Weights of one grouped-query attention layer [parameters].

    .. math:: P = 2\\,d\\,h\\,d_h + 2\\,d\\,h_{kv}\\,d_h
              + b\\,(h + 2h_{kv})\\,d_h + n_{qk}\\,2\\,d_h + b_o\\,d + s\\,h

    Q and O are ``d_model x n_heads x head_dim``, K and V ``d_model x n_kv_heads x
    head_dim``; ``bias`` 1 adds the Q, K, V biases (Qwen2, gpt-oss), ``qk_norm`` 1 the
    per-head RMSNorm of queries and keys (Qwen3, Gemma-3), ``output_bias`` 1 the output
    projection's bias and ``sinks`` 1 one learned attention-sink logit per head (gpt-oss).

    Parameters
    ----------
    d_model : array_like
        Residual width [features].
    n_heads, n_kv_heads : array_like
        Query heads and key/value heads [heads].
    head_dim : array_like
        Features per head [features].
    bias, qk_norm : array_like, optional
        1 where the layer has Q/K/V biases, or Q/K norms; default 0.

    Returns
    -------
    float or ndarray
        Parameters of the attention layer.

    Examples
    --------
    Llama-3.1-8B: 4096 wide, 32 heads, 8 KV heads of 128.

    >>> attention_params(4096, 32, 8, 128)
    41943040.0
    """
    d, h, kv, hd = (positive(n, v, u) for n, v, u in (
        ("d_model", d_model, "features"), ("n_heads", n_heads, "heads"),
        ("n_kv_heads", n_kv_heads, "heads"), ("head_dim", head_dim, "features")))
    b = non_negative("bias", bias, "0 or 1")
    norm = non_negative("qk_norm", qk_norm, "0 or 1")
    b_out = non_negative("output_bias", output_bias, "0 or 1")
    sink = non_negative("sinks", sinks, "0 or 1")
    return scalar_or_array(2 * d * h * hd + 2 * d * kv * hd + b * (h + 2 * kv) * hd
                           + norm * 2 * hd + b_out * d + sink * h)


@vectorised
def mla_attention_params(d_model, n_heads, q_lora_rank, kv_lora_rank, qk_nope_head_dim,
                         qk_rope_head_dim, v_head_dim):
    """Weights of one multi-head latent attention layer (DeepSeek-V2 eqs. 9-11) [parameters].

    .. math:: P = d\\,r_q + r_q + r_q\\,h\\,(d_n + d_r) + d\\,(r_{kv} + d_r) + r_{kv}
              + r_{kv}\\,h\\,(d_n + d_v) + h\\,d_v\\,d

    With ``q_lora_rank`` 0 (DeepSeek-V2-Lite) queries are one ``d x h (d_n + d_r)`` matrix.

    Examples
    --------
    DeepSeek-V3: 7168 wide, 128 heads, ranks 1536 and 512, head dims 128/64/128.

    >>> mla_attention_params(7168, 128, 1536, 512, 128, 64, 128)
    187107328.0
    """
    d, h = positive("d_model", d_model, "features"), positive("n_heads", n_heads, "heads")
    rq = non_negative("q_lora_rank", q_lora_rank, "rank")
    rkv = positive("kv_lora_rank", kv_lora_rank, "rank")
    nope, rope, v = (positive(n, x, "features") for n, x in (
        ("qk_nope_head_dim", qk_nope_head_dim), ("qk_rope_head_dim", qk_rope_head_dim),
        ("v_head_dim", v_head_dim)))
    query = (rq > 0) * (d * rq + rq + rq * h * (nope + rope)) + (rq == 0) * d * h * (nope + rope)
    return scalar_or_array(query + d * (rkv + rope) + rkv + rkv * h * (nope + v) + h * v * d)


@vectorised
def gated_mlp_params(d_model, intermediate_size, bias=0):
    """Weights of one gated (SwiGLU) MLP: gate, up and down projections [parameters].

    .. math:: P = 3\\,d\\,i + b\\,(2i + d)

    Examples
    --------
    >>> gated_mlp_params(4096, 14336)
    176160768.0
    """
    d = positive("d_model", d_model, "features")
    i = positive("intermediate_size", intermediate_size, "features")
    b = non_negative("bias", bias, "0 or 1")
    return scalar_or_array(3 * d * i + b * (2 * i + d))


@vectorised
def moe_params(d_model, expert_intermediate_size, n_experts, n_shared_experts=0,
               expert_bias=0, router_bias=0):
    """Weights of one mixture-of-experts block: routed and shared experts and the router.

    .. math:: P = (E + E_s)\\,P_{mlp}(d, i) + d\\,E + b_r\\,E

    Examples
    --------
    Mixtral-8x7B: 8 experts of 14336 in a 4096-wide model.

    >>> moe_params(4096, 14336, 8)
    1409318912.0
    """
    experts = positive("n_experts", n_experts, "experts")
    shared = non_negative("n_shared_experts", n_shared_experts, "experts")
    d = positive("d_model", d_model, "features")
    one = gated_mlp_params(d, expert_intermediate_size, expert_bias)
    router = non_negative("router_bias", router_bias, "0 or 1")
    return scalar_or_array((experts + shared) * one + d * experts + router * experts)


@vectorised
def moe_active_params(d_model, expert_intermediate_size, n_experts, experts_per_token,
                      n_shared_experts=0, expert_bias=0, router_bias=0):
    """Weights one token passes through in a mixture-of-experts block [parameters].

    .. math:: P_{active} = (k + E_s)\\,P_{mlp}(d, i) + d\\,E + b_r\\,E

    The router scores every expert; only the ``experts_per_token`` chosen (k) and the shared
    experts run.

    Examples
    --------
    >>> moe_active_params(4096, 14336, 8, 2)
    352354304.0
    """
    d = positive("d_model", d_model, "features")
    experts = positive("n_experts", n_experts, "experts")
    chosen = positive("experts_per_token", experts_per_token, "experts")
    shared = non_negative("n_shared_experts", n_shared_experts, "experts")
    router = non_negative("router_bias", router_bias, "0 or 1")
    one = gated_mlp_params(d, expert_intermediate_size, expert_bias)
    return scalar_or_array((chosen + shared) * one + d * experts + router * experts)


@vectorised
def decoder_params(vocab_size, d_model, n_layers, attention_per_layer, mlp_per_layer,
                   tied_embeddings=1, norms_per_layer=2, n_dense_layers=0,
                   dense_mlp_per_layer=0):
    """Weights of a decoder-only transformer [parameters].

    .. math:: P = V d\\,(2 - t) + d + L\\,(P_{attn} + n_{norm} d)
              + (L - L_d)\\,P_{mlp} + L_d\\,P_{dense}

    ``mlp_per_layer`` is the MLP (or MoE block) of the layers; the first ``n_dense_layers``
    (DeepSeek's ``first_k_dense_replace``) have a dense MLP of ``dense_mlp_per_layer``
    instead. With ``tied_embeddings`` 1 the output projection is the embedding matrix.

    Examples
    --------
    Llama-3.1-8B (untied embeddings, 128,256 tokens, 32 layers):

    >>> decoder_params(128256, 4096, 32, 41943040, 176160768, tied_embeddings=0)
    8030261248.0
    """
    v = positive("vocab_size", vocab_size, "tokens")
    d = positive("d_model", d_model, "features")
    layers = positive("n_layers", n_layers, "layers")
    dense = non_negative("n_dense_layers", n_dense_layers, "layers")
    attention = non_negative("attention_per_layer", attention_per_layer, "parameters")
    mlp = non_negative("mlp_per_layer", mlp_per_layer, "parameters")
    dense_mlp = non_negative("dense_mlp_per_layer", dense_mlp_per_layer, "parameters")
    norms = non_negative("norms_per_layer", norms_per_layer, "norms")
    tied = non_negative("tied_embeddings", tied_embeddings, "0 or 1")
    return scalar_or_array(v * d * (2 - tied) + d + layers * (attention + norms * d)
                           + (layers - dense) * mlp + dense * dense_mlp)
