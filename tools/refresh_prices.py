"""Refresh the bundled price sheet from vendor files, reproducibly (maintainers' tool).

    python tools/refresh_prices.py --litellm model_prices_and_context_window.json \\
        --litellm-url URL-OF-THAT-FILE-AT-A-COMMIT
    python tools/refresh_prices.py --write \\
        --vendor index.json=https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/... \\
        --vendor skus.json=https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus

API prices: xlcpb/data/api_prices.csv is rebuilt from LiteLLM's price table for the models
listed in tools/api_price_selection.toml (token, cache, batch and long-context prices, and the
image, speech and video units). Rental prices: each --vendor file goes through xlcpb's own
importers (the same code as `xlcpb import`); its rows replace the bundled rows with the same key
(chip, provider, region, instance, pricing model, purchase option) and every other row is kept.

Without --write nothing is written: the script prints what would change. With --check it exits
with status 1 when the bundled API prices differ from what the LiteLLM file gives (use it in CI
with the file the bundled rows cite).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlcpb.data.csvfiles import parse_csv_text, table_to_csv, write_atomic  # noqa: E402
from xlcpb.data.schema import schema  # noqa: E402
from xlcpb.data.sheet import load_bundled  # noqa: E402
from xlcpb.engine.units import per_million_tokens  # noqa: E402
from xlcpb.importers.run import read_file  # noqa: E402

DATA = ROOT / "xlcpb" / "data"
SELECTION = Path(__file__).with_name("api_price_selection.toml")
LITELLM_URL = ("https://github.com/RoCry/llm-api-price/blob/"
               "8442b939a6ead479f7995b5d74d8dce488bd0966/model_prices_and_context_window.json")
LONG_CONTEXT = re.compile(r"^input_cost_per_token_above_(\d+)k_tokens$")
# LiteLLM field -> (unit, scale to the unit's price): per character -> per 1M characters
UNIT_FIELDS = [("input_cost_per_image", "image", False), ("output_cost_per_image", "image", False),
               ("input_cost_per_character", "1M characters", True),
               ("output_cost_per_video_per_second", "second of video", False),
               ("input_cost_per_second", "second of audio", False)]
VIDEO_SECONDS = "output_cost_per_second"


def _per_mtok(value):
    """Per token -> per 1M tokens, to 12 significant digits (0.25, not 0.24999999999999998)."""
    return None if value is None else float(f"{float(per_million_tokens(value, 1)):.12g}")


def api_row(provider: str, model: str, entry: dict, date: str, source: str,
            note: str = "") -> dict:
    """One api_prices row from a LiteLLM entry: every price it publishes, nothing guessed."""
    row = {"provider": provider, "model": model, "currency": "USD", "effective_date": date,
           "source_url": source}
    if entry.get("mode") in ("chat", "completion", "responses"):
        row["input_price_per_mtok"] = _per_mtok(entry.get("input_cost_per_token"))
        row["output_price_per_mtok"] = _per_mtok(entry.get("output_cost_per_token"))
        row["cached_input_price_per_mtok"] = _per_mtok(entry.get("cache_read_input_token_cost"))
        if entry.get("cache_creation_input_token_cost"):   # DeepSeek lists 0: not a price
            row["cache_write_price_per_mtok"] = _per_mtok(
                entry["cache_creation_input_token_cost"])
        row["batch_input_price_per_mtok"] = _per_mtok(entry.get("input_cost_per_token_batches"))
        row["batch_output_price_per_mtok"] = _per_mtok(
            entry.get("output_cost_per_token_batches"))
        for field, value in entry.items():
            match = LONG_CONTEXT.match(field)
            if match and not field.endswith("_priority"):
                row["long_context_threshold_tokens"] = int(match.group(1)) * 1000
                row["long_context_input_price_per_mtok"] = _per_mtok(value)
                row["long_context_output_price_per_mtok"] = _per_mtok(
                    entry.get(field.replace("input_", "output_", 1)))
    else:
        for field, unit, per_million in UNIT_FIELDS:
            if entry.get(field):
                row["unit"] = unit
                row["price_per_unit"] = (_per_mtok(entry[field]) if per_million
                                         else float(entry[field]))
                break
        else:
            if entry.get("mode") == "video_generation" and entry.get(VIDEO_SECONDS):
                row["unit"], row["price_per_unit"] = "second of video", float(entry[VIDEO_SECONDS])
    if "unit" not in row and row.get("input_price_per_mtok") is None:
        raise SystemExit(f"{model}: LiteLLM entry has no price this script understands")
    row["notes"] = ("LiteLLM model_prices_and_context_window.json entry "
                    f"{entry.get('_key')!r}. " + note).strip()
    return row


def api_rows(litellm: Path, source: str, date: str | None = None) -> list[dict]:
    """The bundled api_prices rows, rebuilt from a LiteLLM file for the selected models."""
    table = json.loads(litellm.read_text("utf-8"))
    date = date or str(table.get("last_updated") or "")[:10]
    if not date:
        raise SystemExit("the LiteLLM file carries no last_updated date: give --date")
    selection = tomllib.loads(SELECTION.read_text("utf-8"))["model"]
    rows = []
    for item in selection:
        if item["key"] not in table:
            raise SystemExit(f"{item['key']}: not in {litellm}")
        entry = {**table[item["key"]], "_key": item["key"]}
        rows.append(api_row(item["provider"], item["model"], entry, date, source,
                            item.get("note", "")))
    kind = schema()["api_prices"]
    # through the schema, exactly as the bundled file will be read back
    return parse_csv_text(kind, table_to_csv(kind, rows), "refreshed api_prices")


def vendor_rows(paths: list) -> list[dict]:
    """Price rows from vendor files, through xlcpb's importers.

    Each item is a path, or ``PATH=URL``: the URL the rows cite (where the file was
    published, at a version or date), with the importer's own description kept in notes.
    """
    rows = []
    for item in paths:
        path, _, url = str(item).partition("=")
        path = Path(path)
        report = read_file(path, "auto", load_bundled(), {})
        for row in report.accepted.get("prices", []):
            cited = {"source_url": url, "notes": f"{row.get('notes') or ''} "
                     f"From {row['source_url']}.".strip()} if url else {}
            rows.append({**row, **cited, "source_kind": "vendor-price-file",
                         "price_per_instance_hour": row["price_per_device_hour"]
                         * row["devices_per_instance"]})
        print(f"{path.name}: {len(report.accepted.get('prices', []))} price row(s), "
              f"{sum(report.skipped.values())} skipped")
    return rows


def merged(kind_name: str, old: list[dict], new: list[dict]) -> list[dict]:
    kind = schema()[kind_name]
    by_key = {kind.key_of(row): row for row in old}
    for row in new:
        by_key[kind.key_of(row)] = row
    return list(by_key.values())


def _changes(kind_name: str, old: list[dict], new: list[dict]) -> list[str]:
    kind = schema()[kind_name]
    before = {kind.key_of(r): {c: r.get(c) for c in kind.column_names} for r in old}
    after = {kind.key_of(r): {c: r.get(c) for c in kind.column_names} for r in new}
    lines = [f"  + {' / '.join(k)}" for k in after if k not in before]
    lines += [f"  - {' / '.join(k)}" for k in before if k not in after]
    lines += [f"  ~ {' / '.join(k)}" for k in after if k in before and after[k] != before[k]]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--litellm", type=Path, help="LiteLLM model_prices_and_context_window.json")
    parser.add_argument("--litellm-url", default=LITELLM_URL,
                        help="the URL (with commit) the bundled rows cite for that file")
    parser.add_argument("--date", help="the file's date if it carries no last_updated")
    parser.add_argument("--vendor", action="append", default=[], metavar="FILE[=URL]",
                        help="a vendor price file xlcpb can import, and the URL its rows "
                             "cite (repeat)")
    parser.add_argument("--write", action="store_true", help="write the bundled CSV files")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the bundled API prices differ from the LiteLLM file")
    args = parser.parse_args(argv)
    bundled = load_bundled().tables
    strip = [{k: v for k, v in row.items() if k != "origin"} for row in bundled["api_prices"]]
    plans = []
    if args.litellm:
        fresh = api_rows(args.litellm, args.litellm_url, args.date)
        plans.append(("api_prices", strip, fresh))
    if args.vendor:
        old = [{k: v for k, v in row.items() if k != "origin"} for row in bundled["prices"]]
        plans.append(("prices", old, merged("prices", old, vendor_rows(args.vendor))))
    if not plans:
        parser.error("give --litellm and/or --vendor")
    differs = False
    for kind_name, old, new in plans:
        lines = _changes(kind_name, old, new)
        differs |= bool(lines)
        print(f"{kind_name}: {len(new)} rows, {len(lines)} change(s)")
        print("\n".join(lines[:200]))
        if args.write and lines:
            kind = schema()[kind_name]
            write_atomic(DATA / kind.file, table_to_csv(kind, new))
            print(f"wrote {DATA / kind.file}")
    return 1 if args.check and differs else 0


if __name__ == "__main__":
    sys.exit(main())
