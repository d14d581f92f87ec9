"""A Hugging Face ``config.json`` as a model of the catalog: ``xlcpb sheet add models
--from-config config.json`` (or ``xlcpb import config.json``).

The config gives the shape (layers, widths, heads, experts, vocabulary, context); the layout
of its ``model_type`` (``xlcpb/data/hf_layouts.toml``) gives what the config leaves to its
model class; the parameter counts follow from both (:mod:`xlcpb.engine.model_shapes`). A field
the model needs that the config lacks is an error naming the field - never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from ..data.bundled import bundled_toml
from ..engine.model_shapes import (attention_params, decoder_params, gated_mlp_params,
                                   mla_attention_params, moe_active_params, moe_params)
from ..errors import CPBError
from .protocol import Format
from .report import ImportReport
from .text import read_json

# Each field the catalog needs, and the names the config families give it, in order.
FIELDS = {
    "d_model": ("hidden_size", "n_embd", "d_model"),
    "n_layers": ("num_hidden_layers", "n_layer", "num_layers"),
    "n_heads": ("num_attention_heads", "n_head"),
    "vocab_size": ("vocab_size",),
    "context_tokens": ("max_position_embeddings", "n_positions", "max_sequence_length"),
}


@lru_cache(maxsize=1)
def layouts() -> dict:
    return bundled_toml("hf_layouts.toml")


def _missing(field: str, names, source: str) -> CPBError:
    return CPBError(f"{source}: the config has no {field} ({' or '.join(names)}).",
                    argument=field, value=None,
                    fix="Use the model's own config.json (from its Hugging Face page), or add "
                        "the model by hand with 'xlcpb sheet add models --id ...'.")


def _whole(config: dict, names, field: str, source: str, required: bool = True):
    for name in names:
        value = config.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CPBError(f"{source}: {name} = {value!r} is not a whole number.",
                           argument=name, value=value, fix="Check the config file.")
        return value
    if required:
        raise _missing(field, names, source)
    return None


def _layout(config: dict, source: str) -> tuple[dict, dict]:
    """(the layout, the fields of the language model) of a config."""
    model_type = config.get("model_type")
    known = layouts()
    if model_type not in known:
        raise CPBError(f"{source}: model_type = {model_type!r} is not a layout xlcpb knows.",
                       argument="model_type", value=model_type,
                       fix=f"Known: {', '.join(sorted(known))}; add others by hand with "
                           "'xlcpb sheet add models --id ...'.")
    layout = known[model_type]
    if "text_config" in layout:  # a multimodal config: the text model's fields are nested
        nested = config.get("text_config")
        if not isinstance(nested, dict):
            raise _missing("text_config", ("text_config",), source)
        return known[layout["text_config"]], {**nested, "model_type": layout["text_config"]}
    return layout, config


def model_rows(config: dict, model_id: str, name: str, source: str,
               checked_on: str | None = None) -> tuple[dict, dict]:
    """(a ``models`` row, a ``model_attention`` row) for a parsed ``config.json``."""
    if not isinstance(config, dict):
        raise CPBError(f"{source}: not a config (a JSON object).", argument="config",
                       value=None, fix="Give the model's config.json.")
    layout, fields = _layout(config, source)
    shape = {field: _whole(fields, names, field, source) for field, names in FIELDS.items()}
    d, layers, heads = shape["d_model"], shape["n_layers"], shape["n_heads"]
    kv_heads = _whole(fields, ("num_key_value_heads",), "n_kv_heads", source, required=False)
    kv_heads = heads if kv_heads is None else kv_heads  # the classes' default: multi-head
    head_dim = _whole(fields, ("head_dim",), "head_dim", source, required=False)
    if head_dim is None:
        if d % heads:
            raise _missing("head_dim", ("head_dim",), source)
        head_dim = d // heads  # the classes' default
    tied = fields.get("tie_word_embeddings", layout["tie_word_embeddings"])
    bias = fields.get("attention_bias", layout["qkv_bias"])
    attention = {"id": model_id, "attention": layout["attention"], "source_url": source,
                 "tie_word_embeddings": "true" if tied else "false"}
    if layout["attention"] == "mla":
        ranks = {key: _whole(fields, (key,), key, source) for key in
                 ("kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim")}
        q_rank = _whole(fields, ("q_lora_rank",), "q_lora_rank", source, required=False) or 0
        per_layer_attention = mla_attention_params(d, heads, q_rank, ranks["kv_lora_rank"],
                                                   ranks["qk_nope_head_dim"],
                                                   ranks["qk_rope_head_dim"],
                                                   ranks["v_head_dim"])
        attention.update(kv_lora_rank=ranks["kv_lora_rank"],
                         qk_rope_head_dim=ranks["qk_rope_head_dim"])
    else:
        per_layer_attention = attention_params(
            d, heads, kv_heads, head_dim, int(bool(bias)), int(layout["qk_norm"]),
            int(layout.get("output_bias", False)), int(layout.get("sinks", False)))
    window = fields.get("sliding_window")
    if isinstance(window, int) and window > 0 and fields.get("use_sliding_window", True):
        kinds = fields.get("layer_types")
        local = (sum(kind == "sliding_attention" for kind in kinds)
                 if isinstance(kinds, list) else None)
        attention.update(attention="hybrid" if local and local < layers else "sliding_window",
                         sliding_window_tokens=window, sliding_window_layers=local)
    intermediate = _whole(fields, ("intermediate_size", "n_inner"), "intermediate_size",
                          source, required=not layout["moe"])
    experts = active = chosen = None
    if layout["moe"]:
        experts = _whole(fields, ("num_local_experts", "n_routed_experts", "num_experts"),
                         "n_experts", source)
        chosen = _whole(fields, ("num_experts_per_tok", "experts_per_token"),
                        "experts_per_token", source)
        expert_width = _whole(fields, ("moe_intermediate_size",), "moe_intermediate_size",
                              source, required=False) or intermediate
        if expert_width is None:
            raise _missing("moe_intermediate_size", ("moe_intermediate_size",
                                                     "intermediate_size"), source)
        shared = _whole(fields, ("n_shared_experts",), "n_shared_experts", source,
                        required=False) or 0
        dense_layers = _whole(fields, ("first_k_dense_replace",), "first_k_dense_layers",
                              source, required=False) or 0
        bias_e = int(layout.get("expert_bias", False))
        block = moe_params(d, expert_width, experts, shared, bias_e, bias_e)
        block_active = moe_active_params(d, expert_width, experts, chosen, shared, bias_e,
                                         bias_e)
        dense_mlp = gated_mlp_params(d, intermediate) if dense_layers else 0
        common = dict(tied_embeddings=int(bool(tied)),
                      norms_per_layer=layout["norms_per_layer"], n_dense_layers=dense_layers,
                      dense_mlp_per_layer=dense_mlp)
        params = decoder_params(shape["vocab_size"], d, layers, per_layer_attention, block,
                                **common)
        active = decoder_params(shape["vocab_size"], d, layers, per_layer_attention,
                                block_active, **common)
        attention.update(n_shared_experts=shared, moe_intermediate_size=expert_width,
                         intermediate_size=intermediate, first_k_dense_layers=dense_layers)
    else:
        params = decoder_params(shape["vocab_size"], d, layers, per_layer_attention,
                                gated_mlp_params(d, intermediate),
                                tied_embeddings=int(bool(tied)),
                                norms_per_layer=layout["norms_per_layer"])
        attention.update(intermediate_size=intermediate)
    row = {"id": model_id, "name": name, "aliases": (), "params": int(params),
           "active_params": int(active) if active is not None else None,
           "n_experts": experts, "experts_per_token": chosen if experts else None,
           "n_layers": layers, "d_model": d, "n_heads": heads, "n_kv_heads": kv_heads,
           "head_dim": head_dim, "vocab_size": shape["vocab_size"],
           "context_tokens": shape["context_tokens"], "source_url": source,
           "checked_on": checked_on or dt.date.today().isoformat(),
           "notes": f"From a Hugging Face config.json ({fields['model_type']} layout); "
                    "parameter counts computed from the shape (xlcpb.engine.model_shapes)."}
    return row, attention


def model_id_of(config: dict, path: Path) -> str:
    """A catalog id for a config: its ``_name_or_path`` (``org/name``), else the folder's."""
    named = config.get("_name_or_path") if isinstance(config, dict) else None
    base = str(named).rsplit("/", 1)[-1] if named else path.parent.name or path.stem
    return re.sub(r"[^a-z0-9.]+", "-", base.lower()).strip("-.") or "user-model"


def import_config(path: Path, report: ImportReport, model_id: str | None = None,
                  name: str | None = None, source_url: str | None = None) -> None:
    config = read_json(path)
    report.rows_read += 1
    chosen_id = model_id or model_id_of(config, path)
    row, attention = model_rows(config, chosen_id, name or chosen_id,
                                source_url or f"config.json: {path.name}")
    report.accept("models", row, f"{chosen_id}: {row['params']:,} parameters"
                  + (f" ({row['active_params']:,} active)" if row["active_params"] else ""))
    report.accept("model_attention", attention, f"{chosen_id}: {attention['attention']}")


def _is_config(document) -> bool:
    return isinstance(document, dict) and isinstance(document.get("model_type"), str) \
        and ("architectures" in document or "num_hidden_layers" in document
             or "text_config" in document)


FORMATS = (
    Format("hf-config", "Hugging Face model config.json (a model for the catalog)",
           lambda head: _is_config(head.document),
           lambda path, report, options: import_config(path, report)),
)
