"""One Cost-Per-Byte estimate, composed from the engine: content -> bytes -> FLOPs -> cost.

This is what ``xlcpb estimate`` and the case studies run: the paper's method exactly, with
peak FLOP/s (see :mod:`xlcpb.estimators` for why real LLM serving needs more).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .. import engine
from ..errors import CPBError

MODALITIES = ("text", "image", "audio", "video", "bytes")


@dataclass(frozen=True)
class ContentEstimate:
    """Every step of the paper's method; each field a float (or an array when broadcast).

    Attributes carry their unit in the name or in the comment.
    """

    units: float            # N_unit: tokens, images, audio samples or video frames
    flops_per_unit: float   # F_unit [FLOP/unit]
    total_flops: float      # F_total [FLOP]
    size_bytes: float       # S [B]
    flops_per_byte: float   # F_byte [FLOP/B], eq. (3)
    flops_per_s: float      # P_hardware [FLOP/s], eq. (24)
    t_byte_s: float         # T_byte [s/B], eq. (2)
    generation_s: float     # t [s]
    cost_per_s: float       # I [currency/s]
    cost: float             # C [currency], eq. (1)
    cost_eq4: float         # C [currency] by eq. (4): equal to cost

    def as_dict(self) -> dict:
        return asdict(self)


def _content(modality: str, content: dict) -> tuple:
    """(units, size_bytes) for a modality's own arguments."""
    def take(*names, **defaults):
        unknown = set(content) - set(names) - set(defaults)
        if unknown:
            raise CPBError(f"{modality} content does not take {sorted(unknown)}.",
                           argument=sorted(unknown)[0], value=None,
                           fix=f"Use {', '.join(names + tuple(defaults))}.", kind="value")
        missing = [name for name in names if name not in content]
        if missing:
            raise CPBError(f"{modality} content needs {', '.join(missing)}.",
                           argument=missing[0], value=None,
                           fix=f"Give {', '.join(missing)}.", kind="value")
        return {**defaults, **content}

    if modality == "text":
        args = take("tokens", bytes_per_token=4)
        return args["tokens"], engine.text_bytes(args["tokens"], args["bytes_per_token"])
    if modality == "image":
        args = take("width_px", "height_px", channels=3, bits_per_channel=8, images=1)
        return args["images"], engine.image_bytes(**args)
    if modality == "audio":
        args = take("seconds", "sample_rate_hz", bits_per_sample=16, channels=1)
        return (engine.samples(args["seconds"], args["sample_rate_hz"]),
                engine.audio_bytes(**args))
    if modality == "video":
        args = take("seconds", "fps", "width_px", "height_px", channels=3, bits_per_channel=8)
        return engine.frames(args["seconds"], args["fps"]), engine.video_bytes(**args)
    if modality == "bytes":
        args = take("size_bytes", units=1)
        return args["units"], args["size_bytes"]
    raise CPBError(f"modality = {modality!r} is not known.", argument="modality",
                   value=modality, fix=f"Use one of {', '.join(MODALITIES)}.", kind="value")


def estimate_content(modality: str, *, flops_per_s_per_device, price_per_device_hour,
                     devices=1, flops_per_unit=None, params=None, n_layer=0, n_ctx=0,
                     d_model=0, total_flops=None, compute_efficiency=1.0, utilisation=1.0,
                     **content) -> ContentEstimate:
    """Cost of generating content by the Cost-Per-Byte Principle, every step kept.

    Parameters
    ----------
    modality : {"text", "image", "audio", "video", "bytes"}
        Which content arguments follow: text ``tokens, bytes_per_token``; image
        ``width_px, height_px, channels, bits_per_channel, images``; audio ``seconds,
        sample_rate_hz, bits_per_sample, channels``; video ``seconds, fps, width_px,
        height_px, channels, bits_per_channel``; bytes ``size_bytes, units``.
    flops_per_s_per_device : float
        One device's speed [FLOP/s].
    price_per_device_hour : float
        [currency per device-hour].
    devices : int
        Devices working together; they multiply both speed (eq. 24) and price (eq. 27).
    flops_per_unit : float, optional
        FLOPs per token / image / sample / frame. Give this, or ``params`` (transformer
        2N, plus the attention term with ``n_layer, n_ctx, d_model``), or ``total_flops``.
    total_flops : float, optional
        F_total directly [FLOP], instead of a per-unit figure.
    compute_efficiency : float, optional
        Share of peak FLOP/s the work sustains (default 1, the paper's assumption); P_hardware
        in the result is the sustained speed.
    utilisation : float, optional
        Share of paid device time that is busy (default 1, the paper's); I in the result is
        the cost of a busy second, idle time included.

    Returns
    -------
    ContentEstimate

    Examples
    --------
    >>> e = estimate_content("text", tokens=1000, params=1.5e9,
    ...                      flops_per_s_per_device=65e12, price_per_device_hour=0.5)
    >>> f"{e.cost:.3g}"
    '6.41e-06'
    """
    units, size_bytes = _content(modality, content)
    given = [name for name, value in (("flops_per_unit", flops_per_unit), ("params", params),
                                      ("total_flops", total_flops)) if value is not None]
    if len(given) != 1:
        raise CPBError(f"the FLOPs are given {len(given)} ways ({', '.join(given) or 'none'}).",
                       argument="flops_per_unit", value=None,
                       fix="Give exactly one of flops_per_unit, params or total_flops.",
                       kind="value")
    if params is not None:
        flops_per_unit = engine.flops_per_token(params, n_layer, n_ctx, d_model)
    if total_flops is None:
        total_flops = engine.total_flops(flops_per_unit, units)
    else:
        flops_per_unit = engine.flops_per_unit(total_flops, units)
    f_byte = engine.flops_per_byte(total_flops, size_bytes)
    speed = engine.sustained_flops_per_s(
        engine.hardware_flops_per_s(flops_per_s_per_device, devices), compute_efficiency)
    t_byte = engine.time_per_byte(f_byte, speed)
    rate = engine.cost_per_busy_second(
        engine.cost_per_second(price_per_device_hour, devices), utilisation)
    return ContentEstimate(
        units=units, flops_per_unit=flops_per_unit, total_flops=total_flops,
        size_bytes=size_bytes, flops_per_byte=f_byte, flops_per_s=speed, t_byte_s=t_byte,
        generation_s=engine.generation_time(t_byte, size_bytes), cost_per_s=rate,
        cost=engine.cost(t_byte, rate, size_bytes),
        cost_eq4=engine.cost_from_flops(total_flops, speed, rate))
