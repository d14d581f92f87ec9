"""A Hugging Face config.json becomes a usable model with one command (issue 12)."""

import json
from pathlib import Path

import pytest

import xlcpb.udfs as udfs
from xlcpb.cli import main
from xlcpb.data.sheet import load_sheet
from xlcpb.errors import CPBError
from xlcpb.importers.hf_config import model_rows
from excel_calls import scalar

CONFIGS = Path(__file__).parent / "data" / "hf_configs"  # provenance: PROVENANCE.md there

# Totals the publishers state (model cards, safetensors metadata, papers). A count computed
# from the shape must give them back: exactly where they are stated exactly.
PUBLISHED = {
    # Hugging Face safetensors metadata of meta-llama/Llama-3.1-8B: 8,030,261,248 parameters
    "llama-3.1-8b": (8_030_261_248, None, 0.0),
    # Mistral AI's Mixtral-8x7B announcement: 46.7B total, 12.9B active; exact count as
    # loaded by transformers 46,702,792,704 (12,879,925,248 active)
    "mixtral-8x7b-v0.1": (46_702_792_704, 12_879_925_248, 0.0),
    # DeepSeek-V3 technical report (arXiv 2412.19437), section 1: 671B total, 37B activated
    "deepseek-v3": (671e9, 37e9, 0.02),
    # OpenAI gpt-oss model card, Table 1: 20.91B total parameters
    "gpt-oss-20b": (20.91e9, None, 0.001),
}


def rows_of(name):
    config = json.loads((CONFIGS / f"{name}.json").read_text(encoding="utf-8"))
    return model_rows(config, name, name, f"tests/data/hf_configs/{name}.json")


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_parameter_counts_match_what_the_publishers_state(name):
    total, active, tolerance = PUBLISHED[name]
    row, _ = rows_of(name)
    assert row["params"] == pytest.approx(total, rel=tolerance, abs=0)
    if active:
        assert row["active_params"] == pytest.approx(active, rel=tolerance, abs=0)


def test_every_family_reads_its_shape_and_attention():
    shapes = {name: rows_of(name) for name in (
        "llama-3.1-8b", "qwen3-8b", "mixtral-8x22b-v0.1", "gemma-3-1b-it", "deepseek-v3",
        "gpt-oss-20b")}
    llama, _ = shapes["llama-3.1-8b"]
    assert (llama["n_layers"], llama["d_model"], llama["n_heads"], llama["n_kv_heads"],
            llama["head_dim"], llama["vocab_size"], llama["context_tokens"]) == \
        (32, 4096, 32, 8, 128, 128256, 131072)  # the config's own fields
    assert shapes["deepseek-v3"][1]["attention"] == "mla"
    assert (shapes["deepseek-v3"][1]["kv_lora_rank"],
            shapes["deepseek-v3"][1]["qk_rope_head_dim"]) == (512, 64)
    assert shapes["mixtral-8x22b-v0.1"][0]["n_experts"] == 8
    assert shapes["gpt-oss-20b"][0]["experts_per_token"] == 4
    assert shapes["gemma-3-1b-it"][1]["sliding_window_tokens"] == 512


def test_a_multimodal_gemma3_config_reads_its_text_model():
    flat = json.loads((CONFIGS / "gemma-3-1b-it.json").read_text(encoding="utf-8"))
    nested = {"model_type": "gemma3", "architectures": ["Gemma3ForConditionalGeneration"],
              "text_config": {**flat, "model_type": "gemma3_text"}}
    assert model_rows(nested, "g", "g", "nested")[0]["params"] == rows_of("gemma-3-1b-it")[0][
        "params"]


@pytest.mark.parametrize("drop,field", [("num_hidden_layers", "n_layers"),
                                        ("vocab_size", "vocab_size"),
                                        ("max_position_embeddings", "context_tokens"),
                                        ("intermediate_size", "intermediate_size")])
def test_a_config_lacking_a_needed_field_names_it(drop, field):
    config = json.loads((CONFIGS / "llama-3.1-8b.json").read_text(encoding="utf-8"))
    config.pop(drop)
    with pytest.raises(CPBError, match=f"the config has no {field} \\({drop}"):
        model_rows(config, "x", "x", "config.json")


def test_an_unknown_layout_is_refused_naming_the_known_ones():
    with pytest.raises(CPBError, match="model_type = 'falcon'.*Known: deepseek_v3"):
        model_rows({"model_type": "falcon"}, "x", "x", "config.json")


def test_one_command_makes_a_model_every_estimator_and_excel_function_uses(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XLCPB_HOME", str(tmp_path))
    config = tmp_path / "config.json"
    config.write_bytes((CONFIGS / "qwen3-8b.json").read_bytes())
    assert main(["sheet", "add", "models", "--from-config", str(config), "--id", "our-qwen",
                 "--name", "Our Qwen3 8B"]) == 0
    assert "8,190,735,360 parameters" in capsys.readouterr().out
    assert load_sheet().model("Our Qwen3 8B")["id"] == "our-qwen"
    assert main(["llm", "our-qwen", "H100 SXM", "--format", "json"]) == 0
    tpot = scalar(udfs, "cpb_llm_tpot", "our-qwen", "H100 SXM")
    bundled = scalar(udfs, "cpb_llm_tpot", "Qwen3-8B", "H100 SXM")
    assert tpot == bundled  # the same shape as the bundled Qwen3-8B row, so the same time


def test_a_config_with_duplicate_keys_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XLCPB_HOME", str(tmp_path))
    config = tmp_path / "config.json"
    config.write_text('{"model_type": "llama", "hidden_size": 4096, "hidden_size": 8192}')
    assert main(["sheet", "add", "models", "--from-config", str(config)]) == 2
    assert "hidden_size" in capsys.readouterr().err
