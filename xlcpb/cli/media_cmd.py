"""``xlcpb image``, ``xlcpb video``, ``xlcpb speech``: realistic estimates for generated media."""

from __future__ import annotations

import argparse

from ..data.sheet import load_sheet
from ..estimators.media import (COUNTED, DEFAULT_PROFILE, estimate_image, estimate_speech,
                                estimate_video)
from .commands import help_of
from .options import add_format, number
from .output import emit

COMMON_FIELDS = [
    ("seconds_per_unit", "time per {unit} (one replica, at the batch)", "s"),
    ("naive_seconds", "  the paper's formula would say (all FLOPs at peak)", "s"),
    ("units_per_s", "{units} per second (system)", "{unit}/s"),
    ("realtime_factor", "compute seconds per second of output", "s/s"),
    ("cost_per_unit", "cost per {unit}", "$"),
    ("naive_cost_per_unit", "  the paper's formula would say", "$"),
    ("cost_per_minute", "cost per minute of output", "$"),
    ("steps", "{steps}", "steps"), ("guidance_passes", "network passes per step", "passes"),
    ("tokens", "tokens one pass sees", "tokens"),
    ("step_flops", "FLOPs of one pass", "FLOP"), ("total_flops", "FLOPs per {unit}", "FLOP"),
    ("step_s", "time of one step for the batch", "s"),
    ("weight_bytes", "weights", "B"),
    ("output_bytes", "output size S (raw)", "B"),
    ("flops_per_byte", "F_byte = F_total / S", "FLOP/B"),
    ("naive_time_per_byte_s", "T_byte = F_byte / P (paper)", "s/B"),
    ("time_per_byte_s", "T_byte reached by this deployment", "s/B"),
]
WORDS = {"image": {"unit": "image", "units": "images", "steps": "denoising steps"},
         "video": {"unit": "clip", "units": "clips", "steps": "denoising steps"},
         "speech": {"unit": "clip", "units": "clips",
                    "steps": "denoising steps (flow) or audio tokens (autoregressive)"}}
EXAMPLES = {
    "image": 'Examples: xlcpb image "SDXL" "H100 SXM" --width 1024 --height 1024 --steps 30\n'
             '  xlcpb image "FLUX.1-schnell" "L4" --batch 4 --format json',
    "video": 'Examples: xlcpb video "Wan2.1-14B" "H100 SXM" --seconds 5 --width 1280 '
             '--height 720 --fps 16\n  xlcpb video "HunyuanVideo" "H100 SXM" --devices 8',
    "speech": 'Examples: xlcpb speech "F5-TTS" "L4" --seconds 60\n'
              '  xlcpb speech "XTTS-v2" "L4" --seconds 60 --batch 8',
}
DESCRIPTIONS = {
    "image": "Estimate generating one image: per denoising step, the roofline of compute "
             "(steps x guidance passes) against the weights read at the batch.",
    "video": "Estimate generating one video clip: latent tokens from size, frames, VAE "
             "compression and patch; attention grows with the square of the clip's length.",
    "speech": "Estimate synthesising speech: flow-matching TTS runs its steps over every mel "
              "frame; autoregressive models one pass per audio token, reading the weights.",
}


def register(subparsers) -> None:
    for modality in ("image", "video", "speech"):
        parser = subparsers.add_parser(
            modality, help=help_of(modality),
            description=f"{DESCRIPTIONS[modality]} Counted: {COUNTED}. Efficiencies: the "
                        "profile's (--profile), fitted on published timings.",
            epilog=EXAMPLES[modality], formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.add_argument("model", help="a media catalog model ('xlcpb sheet list --kind "
                                          "media_models')")
        parser.add_argument("hardware", help='a sheet hardware name: "H100 SXM", "L4"...')
        if modality == "video":
            parser.add_argument("--seconds", type=number,
                                help="clip length (default: the model's own frames at its fps)")
            parser.add_argument("--fps", type=number, help="frames per second (default the "
                                                           "model's)")
        if modality == "speech":
            parser.add_argument("--seconds", type=number, default=60,
                                help="seconds of speech (default 60)")
        if modality != "speech":
            parser.add_argument("--width", type=number, help="pixels (default the model's)")
            parser.add_argument("--height", type=number, help="pixels (default the model's)")
        parser.add_argument("--steps", type=number,
                            help="denoising steps (default the model's)")
        parser.add_argument("--precision", default="bf16",
                            help="bf16 (default), fp16, fp8, fp32...")
        parser.add_argument("--devices", type=number, default=1,
                            help="every device: devices per replica x replicas (default 1)")
        parser.add_argument("--replicas", type=number, default=1,
                            help="independent copies of the model (default 1)")
        parser.add_argument("--batch", type=number, default=1,
                            help="outputs generated together on one replica (default 1)")
        parser.add_argument("--price-per-hour", type=number,
                            help="per device; default the sheet's lowest on-demand price")
        parser.add_argument("--profile", default=None if modality == "speech" else
                            DEFAULT_PROFILE,
                            help="diffusers (default; for speech, by model: speech for "
                                 "Tacotron 2 and FastPitch, diffusers for F5-TTS, the LLM "
                                 "decode profile generic for XTTS, Bark and WaveNet): fitted on "
                                 "published timings; or an LLM serving profile such as generic")
        parser.add_argument("--sheet", metavar="DIR", help="folder of your own sheet")
        add_format(parser)
        parser.set_defaults(run=run, modality=modality)


def run(args) -> int:
    sheet = load_sheet(args.sheet)
    price = args.price_per_hour
    if price is None:
        price = sheet.price(args.hardware)["price_per_device_hour"]
    common = dict(steps=args.steps, precision=args.precision, devices=args.devices,
                  replicas=args.replicas, batch=args.batch, price_per_hour=price,
                  profile=args.profile, sheet=sheet)
    if args.modality == "image":
        estimate = estimate_image(args.model, args.hardware, args.width, args.height, **common)
        size = _size(args)
    elif args.modality == "video":
        estimate = estimate_video(args.model, args.hardware, args.seconds, args.width,
                                  args.height, args.fps, **common)
        size = f"{estimate.output_seconds:g} s at {_size(args)}"
    else:
        estimate = estimate_speech(args.model, args.hardware, args.seconds, **common)
        size = f"{estimate.output_seconds:g} s of speech"
    values = estimate.as_dict()
    words = WORDS[args.modality]
    rows = [{"quantity": label.format(**words), "value": values[key],
             "unit": unit.format(**words)}
            for key, label, unit in COMMON_FIELDS if values[key] is not None]
    rows.insert(1, {"quantity": "bound", "value": estimate.bound, "unit": ""})
    rows.append({"quantity": "weights fit in memory", "value": "yes" if estimate.fits else
                 "NO: add devices per replica or lower the precision", "unit": ""})
    emit(args.format, rows, ["quantity", "value", "unit"], values,
         title=f"{estimate.model} on {estimate.devices:g} x {estimate.hardware} "
               f"({estimate.replicas:g} replica(s) of {estimate.devices_per_replica:g}), "
               f"{estimate.precision}, batch {estimate.batch:g}, {size}, "
               f"{estimate.profile} profile, ${price:g}/device-h")
    return 0


def _size(args) -> str:
    """The size asked for, as shown in the title ("default" where the model's applies)."""
    return " x ".join("default" if side is None else f"{side:g}"
                      for side in (args.width, args.height)) + " px"
