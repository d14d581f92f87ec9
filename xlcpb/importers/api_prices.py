"""API token prices: LiteLLM's model price table and OpenRouter's models endpoint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..engine.units import per_million_tokens
from .protocol import Format
from .report import ImportReport
from .text import read_json

TEXT_MODES = {"chat", "completion", "responses"}


def _row(provider, model, input_price, output_price, cached, date, source):
    return {"provider": provider, "model": model,
            "input_price_per_mtok": per_million_tokens(input_price, 1),
            "output_price_per_mtok": per_million_tokens(output_price, 1),
            "cached_input_price_per_mtok": (per_million_tokens(cached, 1)
                                            if cached is not None else None),
            "currency": "USD", "effective_date": date, "source_url": source}


def import_litellm(path: Path, report: ImportReport, progress=None, encoding=None,
                   effective_date=None) -> None:
    table = read_json(path, encoding)
    updated = table.get("last_updated") if isinstance(table.get("last_updated"), str) else None
    date = effective_date or (updated[:10] if updated else None)
    if date is None:
        date = dt.date.today().isoformat()
        report.notes.append("the file carries no date: effective date set to today "
                            "(use --effective-date)")
    source = f"LiteLLM model_prices_and_context_window.json ({path.name})"
    for key, entry in table.items():
        if not isinstance(entry, dict) or key == "sample_spec":
            continue
        report.rows_read += 1
        mode = entry.get("mode")
        if mode not in TEXT_MODES:
            report.skip(f"mode {mode!r} is not priced per text token", key)
            continue
        prices = [entry.get("input_cost_per_token"), entry.get("output_cost_per_token")]
        if not all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in prices):
            report.skip("no input and output price per token", key)
            continue
        cached = entry.get("cache_read_input_token_cost")
        cached = cached if isinstance(cached, (int, float)) else None
        report.converted("per token -> per 1M tokens")
        report.accept("api_prices", _row(entry.get("litellm_provider") or "unknown", key,
                                         prices[0], prices[1], cached, date, source),
                      f"{key}: {prices[0]!r}/{prices[1]!r} per token")


def import_openrouter(path: Path, report: ImportReport, progress=None, encoding=None,
                      effective_date=None) -> None:
    models = read_json(path, encoding).get("data", [])
    date = effective_date or dt.date.today().isoformat()
    if not effective_date:
        report.notes.append("OpenRouter's file carries no date: effective date set to today "
                            "(use --effective-date)")
    source = f"OpenRouter /api/v1/models ({path.name})"
    for entry in models:
        report.rows_read += 1
        pricing = entry.get("pricing", {})
        try:
            prompt, completion = float(pricing["prompt"]), float(pricing["completion"])
        except (KeyError, TypeError, ValueError):
            report.skip("no prompt and completion price", entry.get("id", ""))
            continue
        if prompt < 0 or completion < 0:
            report.skip("variable price (-1: set by the routed provider)", entry.get("id", ""))
            continue
        if str(entry.get("id", "")).endswith(":free") or prompt == completion == 0:
            report.skip("free variant ($0, rate-limited): not a price to budget with",
                        entry.get("id", ""))
            continue
        cached = pricing.get("input_cache_read")
        report.converted("per token -> per 1M tokens")
        report.accept("api_prices", _row("openrouter", entry.get("id", ""), prompt, completion,
                                         float(cached) if cached not in (None, "") else None,
                                         date, source),
                      f"{entry.get('id')}: {pricing['prompt']}/{pricing['completion']} per token")


def _litellm(document) -> bool:
    return isinstance(document, dict) and any(isinstance(value, dict) and "litellm_provider"
                                              in value for value in document.values())


FORMATS = (
    Format("litellm", "LiteLLM model price JSON",
           lambda head: _litellm(head.document) and not isinstance(head.document.get("data"),
                                                                   list),
           lambda path, report, options: import_litellm(
               path, report, encoding=options.encoding, effective_date=options.effective_date)),
    Format("openrouter", "OpenRouter /api/v1/models JSON",
           lambda head: isinstance(head.document, dict)
           and isinstance(head.document.get("data"), list),
           lambda path, report, options: import_openrouter(
               path, report, encoding=options.encoding, effective_date=options.effective_date)),
)
