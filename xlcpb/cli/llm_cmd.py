"""``xlcpb llm``: a realistic serving estimate for one model on one piece of hardware."""

from __future__ import annotations

import argparse

from ..data.sheet import load_sheet
from ..estimators.llm import estimate_llm, refuse_unless_fits
from ..excel.contract import add_cli_options
from .options import (add_format, add_price_choice, chosen_price, number, price_source,
                      read_number)
from .output import emit
from .commands import help_of

FIELDS = [("batch", "concurrent sequences per replica", "sequences"),
          ("ttft_s", "time to first token", "s"), ("tpot_s", "time per output token", "s"),
          ("naive_tpot_s", "  the paper's formula would say", "s"),
          ("output_tokens_per_s", "output tokens per second (system)", "tokens/s"),
          ("output_tokens_per_s_per_replica", "  per replica", "tokens/s"),
          ("throughput_output_tokens_per_s", "  including prefill", "tokens/s"),
          ("requests_per_s", "requests per second (system)", "requests/s"),
          ("comm_share", "share of a decode step in all-reduces", "fraction"),
          ("kv_cache_bytes", "KV cache", "B"), ("weight_bytes", "weights", "B"),
          ("max_batch", "largest batch that fits", "sequences"),
          ("cost_per_mtok_input", "cost per 1M input tokens (prefill alone)", "$"),
          ("cost_per_mtok_output", "cost per 1M output tokens (whole request)", "$"),
          ("cost_per_mtok_blended", "cost per 1M tokens, blended (whole request)", "$"),
          ("output_input_cost_ratio", "output : input cost", "x")]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "llm", help=help_of("llm"),
        description="Estimate serving a model on hardware with a roofline of prefill and "
                    "decode, KV cache and batching, calibrated on published measurements.",
        epilog='Examples: xlcpb llm "Llama-3.1-8B" "H100 SXM" --precision fp8 --batch max\n'
               '  xlcpb llm "Llama-3.3-70B" "H100 SXM" --precision fp8 --replicas 4 '
               '--tensor-parallel 2 --mode server --tpot-slo 0.05',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help='a catalog model: "Llama-3.1-8B", "gpt2-xl"...')
    parser.add_argument("hardware", help='a sheet hardware name: "H100 SXM", "T4"...')
    parser.add_argument("--precision", default="bf16",
                        help="bf16 (default), fp16, fp8, fp4, int8, int4, q4_0, q4_k_m, fp32")
    parser.add_argument("--devices", type=number, default=1,
                        help="every device: tensor-parallel x replicas (default 1)")
    add_cli_options(parser, "CPB_LLM_TPOT",
                    names=["tensor_parallel", "replicas", "mode", "profile", "request_rate_per_s",
                           "ttft_slo_s", "tpot_slo_s", "max_batch"], number=number)
    parser.add_argument("--batch", default=None,
                        help='concurrent sequences per replica, or "max" (default: 1 in '
                             'latency mode, "max" under load)')
    parser.add_argument("--input-tokens", type=number, default=1000, help="prompt length")
    parser.add_argument("--output-tokens", type=number, default=200, help="output length")
    parser.add_argument("--price-per-hour", type=number,
                        help="per device; default the sheet's lowest on-demand price (in a "
                             "sheet of several currencies, name --provider)")
    add_price_choice(parser)
    parser.add_argument("--sheet", metavar="DIR", help="folder of your own sheet")
    add_format(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    sheet = load_sheet(args.sheet)
    price, row = args.price_per_hour, None
    if price is None:
        row = chosen_price(sheet, args.hardware, args)
        price = row["price_per_device_hour"]
    batch = (args.batch if args.batch is None or args.batch.strip().lower() == "max"
             else read_number(args.batch, args, "--batch"))
    estimate = estimate_llm(args.model, args.hardware, args.precision, args.devices, batch,
                            args.input_tokens, args.output_tokens, price,
                            tensor_parallel=args.tensor_parallel, replicas=args.replicas,
                            mode=args.mode, profile=args.profile,
                            request_rate_per_s=args.request_rate_per_s,
                            ttft_slo_s=args.ttft_slo_s, tpot_slo_s=args.tpot_slo_s,
                            max_batch=args.max_batch, sheet=sheet)
    refuse_unless_fits(estimate, None)
    values = estimate.as_dict()
    rows = [{"quantity": label, "value": values[key], "unit": unit}
            for key, label, unit in FIELDS]
    rows.insert(2, {"quantity": "bound (prefill / decode)",
                    "value": f"{estimate.bound['prefill']} / {estimate.bound['decode']}",
                    "unit": ""})
    emit(args.format, rows, ["quantity", "value", "unit"], values,
         title=f"{estimate.model} on {estimate.devices:g} x {estimate.hardware} "
               f"({estimate.replicas:g} replica(s) of {estimate.tensor_parallel:g}) "
               f"({estimate.precision}), {estimate.mode} mode, {estimate.profile} profile, "
               f"{estimate.input_tokens:g} in / {estimate.output_tokens:g} out, "
               + (f"{price:g}/device-h as given" if row is None else price_source(row)))
    return 0
