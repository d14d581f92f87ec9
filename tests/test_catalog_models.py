"""The catalog models added for issue 12: each row is what its config gives, counted by the
importer's own code, and lands near the size its publisher states.

Configs: tests/data/hf_configs (provenance in PROVENANCE.md there). Published sizes are the
publishers' rounded statements, so they are checked with the tolerance their rounding allows;
the config-to-row check is exact.
"""

import json
from pathlib import Path

import pytest

from xlcpb.data.sheet import load_bundled
from xlcpb.engine.model_shapes import (attention_params, decoder_params, gated_mlp_params,
                                       moe_active_params, moe_params)
from xlcpb.importers.hf_config import model_rows

CONFIGS = Path(__file__).parent / "data" / "hf_configs"

# catalog id -> (config file, layout the importer reads it with (None: its own model_type),
#                published total, published active, relative tolerance of that statement)
ADDED = {
    # Qwen2.5 model card: "Number of Parameters: 32.5B"
    "qwen2.5-32b": ("qwen2.5-32b-instruct", None, 32.5e9, None, 0.01),
    # Qwen3 model card: "Number of Parameters: 14.8B"
    "qwen3-14b": ("qwen3-14b", None, 14.8e9, None, 0.005),
    # text decoder 23,572,403,200 as stated for Mistral-Small-3.2 in public code (exact)
    # (mistral3 is multimodal: its text_config is read with the mistral layout)
    "mistral-small-3.1-24b": ("mistral-small-3.1-24b", "mistral", 23_572_403_200, None, 0.0),
    # Microsoft: 14B; phi3 has the Llama/Mistral parameter layout (fused, no biases)
    "phi-3-medium-4k": ("phi-3-medium-4k-instruct", "mistral", 14e9, None, 0.01),
    # DeepSeek-V2 paper: 15.7B total; the 2.4B activated excludes the input embedding, so
    # the active count is checked against 2.4B + 102,400 x 2,048 below
    "deepseek-v2-lite": ("deepseek-v2-lite", "deepseek_v3", 15.7e9, None, 0.005),
    # keras-hub gemma3_presets.py 'gemma3_4b_text': 3,880,099,328 (exact)
    "gemma-3-4b": ("gemma-3-4b", None, 3_880_099_328, None, 0.0),
}


def _config(name, layout):
    config = json.loads((CONFIGS / f"{name}.json").read_text(encoding="utf-8"))
    if layout:
        config = config.get("text_config", config)  # the text model of a multimodal config
        config["model_type"] = layout
    return config


def _catalog(model_id):
    return next(row for row in load_bundled().tables["models"] if row["id"] == model_id)


@pytest.mark.parametrize("model_id", sorted(ADDED))
def test_catalog_row_is_what_the_importer_reads_from_the_config(model_id):
    name, layout, *_ = ADDED[model_id]
    row, attention = model_rows(_config(name, layout), model_id, model_id, "test")
    catalog = _catalog(model_id)
    for field in ("params", "active_params", "n_experts", "experts_per_token", "n_layers",
                  "d_model", "n_heads", "n_kv_heads", "head_dim", "vocab_size",
                  "context_tokens"):
        assert catalog[field] == row[field], field
    bundled = next(a for a in load_bundled().tables["model_attention"]
                   if a["id"] == model_id)
    assert bundled["intermediate_size"] == attention["intermediate_size"]


@pytest.mark.parametrize("model_id", sorted(ADDED))
def test_counts_match_what_the_publishers_state(model_id):
    _, _, total, active, tolerance = ADDED[model_id]
    assert _catalog(model_id)["params"] == pytest.approx(total, rel=tolerance, abs=0)


def test_deepseek_v2_lite_active_count_is_the_published_one_plus_its_embedding():
    # 2.4B activated (DeepSeek-V2 paper) leaves out the 102,400 x 2,048 input embedding
    active = _catalog("deepseek-v2-lite")["active_params"]
    assert active - 102_400 * 2_048 == pytest.approx(2.4e9, rel=0.025)


def test_qwen15_moe_counts_from_its_config_with_the_engine_functions():
    # No qwen2_moe layout in the importer: count with the engine as the catalog note says
    # (QKV biases; shared expert 5632 = 4 experts of 1408; a 2048-wide shared-expert gate).
    config = _config("qwen1.5-moe-a2.7b", None)
    d, layers = config["hidden_size"], config["num_hidden_layers"]
    shared = config["shared_expert_intermediate_size"] // config["moe_intermediate_size"]
    assert shared * config["moe_intermediate_size"] == config["shared_expert_intermediate_size"]
    attention = attention_params(d, config["num_attention_heads"],
                                 config["num_key_value_heads"], d // config["num_attention_heads"],
                                 1)
    block = moe_params(d, config["moe_intermediate_size"], config["num_experts"], shared) + d
    chosen = moe_active_params(d, config["moe_intermediate_size"], config["num_experts"],
                               config["num_experts_per_tok"], shared) + d
    total = decoder_params(config["vocab_size"], d, layers, attention, block, tied_embeddings=0)
    active = decoder_params(config["vocab_size"], d, layers, attention, chosen,
                            tied_embeddings=0)
    catalog = _catalog("qwen1.5-moe-a2.7b")
    assert (catalog["params"], catalog["active_params"]) == (int(total), int(active))
    # Qwen: 14.3B total, 2.7B activated
    assert catalog["params"] == pytest.approx(14.3e9, rel=0.005)
    assert catalog["active_params"] == pytest.approx(2.7e9, rel=0.02)


def test_llama4_maverick_counts_match_the_model_card():
    # Config copy in TensorRT-LLM's tests (2 of 48 layers kept there): 24 MoE layers of 128
    # experts + 1 shared expert (8192 wide) alternate with 24 dense layers (16384 wide).
    d, vocab = 5120, 202_048
    attention = attention_params(d, 40, 8, 128)
    dense = gated_mlp_params(d, 16_384)
    total = decoder_params(vocab, d, 48, attention, moe_params(d, 8192, 128, 1),
                           tied_embeddings=0, n_dense_layers=24, dense_mlp_per_layer=dense)
    active = decoder_params(vocab, d, 48, attention, moe_active_params(d, 8192, 128, 1, 1),
                            tied_embeddings=0, n_dense_layers=24, dense_mlp_per_layer=dense)
    catalog = _catalog("llama-4-maverick")
    assert (catalog["params"], catalog["active_params"]) == (int(total), int(active))
    # Meta's model card: 400B total, 17B active
    assert catalog["params"] == pytest.approx(400e9, rel=0.005)
    assert catalog["active_params"] == pytest.approx(17e9, rel=0.02)
