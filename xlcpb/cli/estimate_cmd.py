"""``xlcpb estimate``: one Cost-Per-Byte estimate from flags."""

from __future__ import annotations

from ..data.case_studies import load_case_study_steps
from ..data.sheet import load_sheet
from ..errors import CPBError
from ..estimators.content_cost import estimate_content
from .options import add_format, add_price_choice, chosen_price, number, price_source
from .output import emit
from .commands import help_of

# Which flags describe which modality's content; the modality is the one whose flags appear.
CONTENT_FLAGS = {
    "text": ("tokens", "bytes_per_token"),
    "audio": ("seconds", "sample_rate_hz", "bits_per_sample", "channels"),
    "video": ("seconds", "fps", "width_px", "height_px", "channels", "bits_per_channel"),
    "image": ("width_px", "height_px", "channels", "bits_per_channel", "images"),
    "bytes": ("size_bytes", "units"),
}
# The flag that, present, decides the modality (checked in this order).
DECIDING_FLAG = (("tokens", "text"), ("sample_rate_hz", "audio"), ("fps", "video"),
                 ("width_px", "image"), ("size_bytes", "bytes"))
COLUMNS = ["symbol", "name", "value", "unit"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "estimate", help=help_of("estimate"),
        description="Estimate the cost of generating content by C = T_byte x I x S. Give "
                    "the content (tokens, an image, audio or video, or raw bytes), the FLOPs "
                    "(per unit, a transformer's parameter count, or a total), the hardware "
                    "speed and its hourly price.",
        epilog="Example: xlcpb estimate --tokens 1000 --params 1.5e9 --flops-per-s 65e12 "
               "--price-per-hour 0.50")
    content = parser.add_argument_group("content (the modality follows from the flags)")
    content.add_argument("--tokens", type=number, help="text: tokens generated")
    content.add_argument("--bytes-per-token", type=number, help="text: bytes/token (default 4)")
    content.add_argument("--seconds", type=number, help="audio/video: duration [s]")
    content.add_argument("--sample-rate", dest="sample_rate_hz", type=number,
                         help="audio: samples per second [Hz]")
    content.add_argument("--bits-per-sample", type=number, help="audio: bit depth (default 16)")
    content.add_argument("--fps", type=number, help="video: frames per second")
    content.add_argument("--width", dest="width_px", type=number, help="image/video [px]")
    content.add_argument("--height", dest="height_px", type=number, help="image/video [px]")
    content.add_argument("--channels", type=number,
                         help="channels (default 3 for image/video, 1 for audio)")
    content.add_argument("--bits-per-channel", type=number, help="image/video (default 8)")
    content.add_argument("--images", type=number, help="image: how many (default 1)")
    content.add_argument("--bytes", dest="size_bytes", type=number,
                         help="raw content size [B], instead of content units")
    content.add_argument("--units", type=number, help="with --bytes: content units (default 1)")
    flops = parser.add_argument_group("FLOPs (give one)")
    flops.add_argument("--params", type=number,
                       help="transformer parameters N: F_token = 2N (paper eq. 5)")
    flops.add_argument("--n-layer", type=number, default=0, help="with --params: layers")
    flops.add_argument("--n-ctx", type=number, default=0, help="with --params: context tokens")
    flops.add_argument("--d-model", type=number, default=0, help="with --params: width")
    flops.add_argument("--flops-per-unit", type=number,
                       help="FLOPs per token/image/sample/frame")
    flops.add_argument("--total-flops", type=number, help="F_total [FLOP]")
    hardware = parser.add_argument_group(
        "hardware and price (numbers, or a name looked up in the sheet)")
    hardware.add_argument("--flops-per-s", type=number,
                          help="one device's speed [FLOP/s], e.g. 65e12 for 65 TFLOP/s")
    hardware.add_argument("--hardware", help='a name from the sheet, e.g. "H100 SXM"')
    hardware.add_argument("--precision", default="fp16",
                          help="with --hardware: whose peak FLOP/s (default fp16)")
    hardware.add_argument("--price-per-hour", type=number,
                          help="price of one device per hour; default with --hardware: the "
                               "sheet's lowest on-demand price")
    add_price_choice(hardware)
    hardware.add_argument("--sheet", metavar="DIR", help="folder of your own sheet")
    hardware.add_argument("--devices", type=number, default=1, help="devices (default 1)")
    hardware.add_argument("--compute-efficiency", type=number, default=1.0,
                          help="share of peak FLOP/s the work sustains (default 1: the paper's "
                               "assumption; the budget and the realistic estimators use fitted "
                               "ones)")
    hardware.add_argument("--utilisation", type=number, default=1.0,
                          help="share of paid device time that is busy (default 1: the "
                               "paper's; the budget's default is in budget_defaults.toml)")
    add_format(parser)
    parser.set_defaults(run=run)


def _modality(args) -> str:
    for flag, modality in DECIDING_FLAG:
        if getattr(args, flag) is not None:
            return modality
    raise CPBError("no content given.", argument="content", value=None,
                   fix="Give --tokens, --seconds with --sample-rate or --fps, "
                       "--width/--height, or --bytes.", kind="value")


def _hardware_figures(args) -> tuple[float, float, dict | None]:
    """(FLOP/s per device, price per device-hour, the price row used or None)."""
    if args.hardware is None:
        missing = [flag for flag, value in (("--flops-per-s", args.flops_per_s),
                                            ("--price-per-hour", args.price_per_hour))
                   if value is None]
        if missing:
            raise CPBError(f"{' and '.join(missing)} missing.", argument=missing[0],
                           value=None, fix="Give them as numbers, or name --hardware to look "
                                           "them up in the sheet.", kind="value")
        return args.flops_per_s, args.price_per_hour, None
    sheet = load_sheet(args.sheet)
    flops = args.flops_per_s or sheet.flops_per_s(args.hardware, args.precision)
    if args.price_per_hour is not None:
        return flops, args.price_per_hour, None
    row = chosen_price(sheet, args.hardware, args)
    return flops, row["price_per_device_hour"], row


def run(args) -> int:
    flops_per_s, price_per_hour, price_row = _hardware_figures(args)
    modality = _modality(args)
    content = {flag: getattr(args, flag) for flag in CONTENT_FLAGS[modality]
               if getattr(args, flag) is not None}
    stray = sorted({flag for flags in CONTENT_FLAGS.values() for flag in flags
                    if getattr(args, flag) is not None} - set(content))
    if stray:
        raise CPBError(f"--{stray[0].replace('_', '-')} does not apply to {modality} content.",
                       argument=stray[0], value=getattr(args, stray[0]),
                       fix=f"{modality} takes --{', --'.join(CONTENT_FLAGS[modality])}.")
    estimate = estimate_content(
        modality, flops_per_s_per_device=flops_per_s,
        price_per_device_hour=price_per_hour, devices=args.devices,
        flops_per_unit=args.flops_per_unit, params=args.params, n_layer=args.n_layer,
        n_ctx=args.n_ctx, d_model=args.d_model, total_flops=args.total_flops,
        compute_efficiency=args.compute_efficiency, utilisation=args.utilisation, **content)
    values = estimate.as_dict()
    rows = [{"symbol": step["symbol"], "name": step["name"], "value": values[step["key"]],
             "unit": step["unit"]} for step in load_case_study_steps()]
    source = f"; {price_source(price_row)}" if price_row else ""
    emit(args.format, rows, COLUMNS, {"modality": modality, **values, "price_row": price_row},
         title=f"Cost-Per-Byte estimate ({modality}) at {args.compute_efficiency:.0%} of peak "
               f"FLOP/s and {args.utilisation:.0%} utilisation{source}")
    return 0
