"""Realistic estimates for images, video and speech: the media catalog on the roofline.

A model name, a size or a duration and a deployment go in; time per output, system
throughput, the real-time factor, the bound, memory fit and the cost per image or per minute
come out, beside the paper's naive estimate (all FLOPs at peak) and the Cost-Per-Byte view
(bytes of the raw output, F_byte, T_byte). Every figure is computed by the engine
(:mod:`xlcpb.engine.media`, :mod:`xlcpb.engine.diffusion`, :mod:`xlcpb.engine.cpb`).

What is counted: the denoiser (or speech network) at every step with its guidance passes, the
text encoders once per output where the catalog gives their size, a speech vocoder once per
clip where the catalog gives its FLOPs per second of audio, and the weights read once per
step; when one copy is split over several devices, tensor parallelism's two all-reduces per
layer, as the LLM estimator counts them. Not counted: VAE decode, vocoders without sourced
FLOPs, and activation memory.
The compute efficiency and step overhead are the media profiles' (``media_profiles.toml``),
each fitted on published timings of the pipelines it times (:mod:`.media_calibration`):
"diffusers" for image, video and flow TTS, "speech" for mel-frame TTS with a vocoder; the
memory efficiency and usable memory are the generic LLM profile's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import lru_cache

import numpy as np

from ..data.bundled import bundled_toml
from ..data.sheet import Sheet, load_sheet, precisions, resolve_precision
from ..engine import content, cpb, diffusion, llm, media
from ..engine._inputs import whole_count
from ..errors import CPBError
from .llm import Efficiency, efficiency_inputs, profile_efficiency

MEDIA_PROFILES_FILE = "media_profiles.toml"
DEFAULT_PROFILE = "diffusers"
DECODE_PROFILE = "generic"  # autoregressive speech tokens are decode steps (serving_profiles)
SPEECH_PROFILE = "speech"   # mel-frame TTS + vocoder pipelines (media_profiles.toml)
# The profile each architecture is timed with unless the caller names one: the profile fitted
# on published timings of that kind of pipeline.
ARCHITECTURE_PROFILES = {"flow-tts": DEFAULT_PROFILE, "ar-codec": DECODE_PROFILE,
                         "wavenet": DECODE_PROFILE, "ar-mel-tts": SPEECH_PROFILE,
                         "non-ar-tts": SPEECH_PROFILE}
COUNTED = ("denoiser steps x guidance passes + text encoders once + a speech vocoder once "
           "where the catalog gives its FLOPs; weights read every step; tensor-parallel "
           "all-reduces when a copy spans devices; not counted: VAE decode, activations")
ADD_ROW = "xlcpb sheet add media_models"


@dataclass(frozen=True)
class MediaEstimate:
    """Everything :func:`estimate_image`, :func:`estimate_video` or :func:`estimate_speech`
    works out for one output (an image, a clip, a speech clip); numbers are floats."""

    model: str
    hardware: str
    modality: str
    precision: str
    profile: str                 # the serving profile whose efficiencies were used
    devices: float               # every device: devices per replica x replicas
    devices_per_replica: float
    replicas: float
    batch: float                 # outputs generated together on one replica
    steps: float                 # denoising steps, or audio tokens for autoregressive speech
    guidance_passes: float
    output_seconds: object       # video and speech: duration [s]; images: None
    tokens: float                # latent (or audio) tokens one pass sees
    step_flops: float            # one pass for one output [FLOP]
    total_flops: float           # one output: steps x passes x step + text encoders [FLOP]
    step_s: float                # one step for the batch [s]
    seconds_per_unit: float      # one output on one replica at the batch [s]
    units_per_s: float           # whole system [outputs/s]
    realtime_factor: object      # compute seconds per second of output (video, speech)
    bound: str                   # "compute" or "memory"
    weight_bytes: float          # every network of the pipeline [B]
    fits: bool                   # weights within the usable memory of one replica
    output_bytes: float          # raw output, as the paper counts it [B]
    flops_per_byte: float        # F_byte = F_total / S (eq. 5)
    naive_seconds: float         # the paper: F_total / peak FLOP/s of a replica (eq. 10)
    naive_time_per_byte_s: float  # the paper's T_byte = F_byte / P (eq. 6)
    time_per_byte_s: float       # the T_byte this deployment reaches
    efficiency: Efficiency
    counted: str = COUNTED
    price_per_device_hour: object = None
    cost_per_unit: object = None          # $ per image / per clip / per speech clip
    cost_per_minute: object = None        # video and speech: $ per minute of output
    naive_cost_per_unit: object = None    # the paper's C = T_byte x I x S (eq. 12)

    def as_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def media_profiles() -> dict:
    """The fitted media profiles of ``media_profiles.toml``, by name."""
    return bundled_toml(MEDIA_PROFILES_FILE)["profiles"]


def media_efficiency(profile: str = DEFAULT_PROFILE, vendor: str | None = None) -> Efficiency:
    """A media profile's compute efficiency and step overhead over the generic LLM profile's
    other fields; any other name is an LLM serving profile, used as it is."""
    fitted = media_profiles().get(str(profile).strip().lower())
    if fitted is None:
        return profile_efficiency(profile, vendor)
    return replace(profile_efficiency("generic", vendor), compute=fitted["compute_efficiency"],
                   step_overhead_s=fitted["step_overhead_s"], profile=str(profile).lower())


def _row(model: str, modality: str, sheet: Sheet) -> dict:
    row = sheet.media_model(model)
    if row["modality"] != modality:
        raise CPBError(f"model = {model!r}: {row['name']} makes {row['modality']}, not "
                       f"{modality}.", argument="model", value=model,
                       fix=f"Use 'xlcpb {row['modality']}' for it, or name a model that makes "
                           f"{modality} "
                           "('xlcpb sheet list --kind media_models').", kind="value")
    return row


def _needs(row: dict, *columns: str) -> None:
    """Refuse a catalog row missing a figure this estimate cannot do without."""
    missing = [column for column in columns if row.get(column) is None]
    if missing:
        raise CPBError(f"model = {row['id']!r}: the catalog has no {', '.join(missing)} for "
                       f"{row['name']} (no source gave it), so it cannot be estimated.",
                       argument="model", value=row["id"],
                       fix=f"Add a row with {', '.join(missing)} and its source: {ADD_ROW}.",
                       kind="value")


def _batch(batch) -> float:
    if isinstance(batch, str):
        raise CPBError(f"batch = {batch!r}: media estimates take a whole number of outputs "
                       "generated together.", argument="batch", value=batch,
                       fix='Give a batch such as 1 or 4 ("max" needs activation memory, which '
                           "the media estimators do not model).", kind="value")
    return whole_count("batch", batch, "outputs")


def _comm_seconds(row: dict, device: dict, tokens, batch, passes, per_replica, chosen):
    """A step's all-reduces when one copy is split over several devices (0 on one device)."""
    if not np.any(np.asarray(per_replica) > 1):
        return 0.0
    if row.get("layers") is None or row.get("hidden_size") is None:
        raise CPBError(f"devices: {row['name']} cannot be timed split over several devices: the "
                       "catalog has no layers and hidden size for it.", argument="devices",
                       value=None, fix="Give one device per replica (devices = replicas).",
                       kind="value")
    link = device.get("interconnect_bandwidth_bytes_per_s")
    if link is None:
        raise CPBError(f"hardware = {device['name']!r}: no interconnect bandwidth in the sheet, "
                       "so a copy split over devices cannot be timed.", argument="hardware",
                       value=device["name"], fix="Add interconnect_bandwidth_bytes_per_s to its "
                       "sheet row, or use one device per replica.", kind="value")
    if row["architecture"] == "mmdit":
        tokens = media.joint_tokens(tokens, row["text_tokens"])
    return media.split_step_comm_seconds(tokens, row["hidden_size"], row["layers"], batch,
                                         passes, per_replica, link, chosen.link_efficiency,
                                         chosen.allreduce_latency_s, chosen.activation_bytes)


def _refuse_unless_fits(fits, row: dict, device: dict, weights) -> None:
    """A pipeline whose weights do not fit gets an error, never a time it cannot reach."""
    fits = np.asarray(fits)
    if fits.all():
        return
    index = int(np.flatnonzero(~fits.ravel())[0])
    where = "" if fits.ndim == 0 else f" (item {index + 1} of {fits.size})"
    raise CPBError(f"devices{where}: {row['name']}'s weights ({float(np.max(weights)):.3g} B) "
                   f"do not fit in the usable memory of one copy on {device['name']}.",
                   argument="devices" + where, value=None,
                   fix="Give more devices per replica (devices / replicas) or a smaller "
                       "precision such as fp8.", kind="num")


def _transformer_step(row: dict, tokens) -> float:
    """One pass of a DiT / MMDiT / flow TTS over ``tokens`` (MMDiT adds the text tokens)."""
    _needs(row, "denoiser_params", "layers", "hidden_size")
    if row["architecture"] == "mmdit":
        _needs(row, "text_tokens")
        tokens = media.joint_tokens(tokens, row["text_tokens"])
    return diffusion.transformer_step_flops(row["denoiser_params"], tokens, row["layers"],
                                            row["hidden_size"])


def _text_encoder_flops(row: dict) -> float:
    if row.get("text_encoder_params") is None or row.get("text_tokens") is None:
        return 0.0
    return diffusion.transformer_step_flops(row["text_encoder_params"], row["text_tokens"])


def _visual_step(row: dict, width, height, frames):
    """(tokens one pass sees, FLOPs of that pass) for an image or video model."""
    _needs(row, "vae_spatial_compression")
    spatial = row["vae_spatial_compression"]
    temporal = row.get("vae_temporal_compression") or 1
    if row["architecture"] == "unet":
        _needs(row, "ref_step_flops", "ref_width_px", "ref_height_px")
        tokens = diffusion.latent_tokens(width, height, spatial, 1, frames, temporal)
        return tokens, media.scaled_step_flops(row["ref_step_flops"], width, height,
                                               row["ref_width_px"], row["ref_height_px"])
    _needs(row, "patch_size")
    tokens = diffusion.latent_tokens(width, height, spatial, row["patch_size"], frames, temporal,
                                     row.get("patch_size_temporal") or 1)
    return tokens, _transformer_step(row, tokens)


def _serve(row, hardware, precision, *, modality, tokens, step_flops, steps, passes, once_flops,
           output_bytes, output_seconds, devices, replicas, batch, price_per_hour, profile,
           sheet, efficiency=None, weights_read=None) -> MediaEstimate:
    """The roofline, memory, cost and Cost-Per-Byte views common to every modality."""
    device = sheet.hardware(hardware)
    canonical = resolve_precision(precision)
    spec = precisions()[canonical]
    chosen = efficiency or media_efficiency(profile, device["vendor"])
    rates = efficiency_inputs(chosen, canonical)
    per_replica, copies, every_device = llm.deployment(devices, 0, replicas)
    outputs = _batch(batch)
    flops_per_s = cpb.hardware_flops_per_s(sheet.flops_per_s(device["id"], canonical),
                                           per_replica)
    bytes_per_s = llm.per_device_scaled(device["memory_bandwidth_bytes_per_s"], per_replica)
    compute_efficiency = media.precision_efficiency(rates["compute_efficiency"],
                                                    rates["precision_compute_factor"])
    denoiser = row.get("denoiser_params") or 0.0
    read = media.weight_bytes(denoiser, spec["weight_bytes"]) if weights_read is None \
        else weights_read
    total_weights = media.weight_bytes(denoiser, spec["weight_bytes"],
                                       row.get("text_encoder_params") or 0.0,
                                       row.get("vae_params") or 0.0,
                                       row.get("vocoder_params") or 0.0)
    comm_s = _comm_seconds(row, device, tokens, outputs, passes, per_replica, chosen)
    step_s = media.pass_seconds(step_flops, outputs, passes, read, flops_per_s, bytes_per_s,
                                compute_efficiency, chosen.memory, chosen.step_overhead_s,
                                comm_s)
    seconds = media.run_seconds(step_s, steps, outputs, once_flops, flops_per_s,
                                compute_efficiency)
    bound = np.where(media.compute_bound(step_flops, outputs, passes, read, flops_per_s,
                                         bytes_per_s, compute_efficiency, chosen.memory),
                     "compute", "memory")
    memory = llm.per_device_scaled(device["memory_bytes"], per_replica)
    fits = media.weights_fit(total_weights, memory, chosen.usable_memory_fraction)
    _refuse_unless_fits(fits, row, device, total_weights)
    total = media.generation_flops(step_flops, steps, passes, once_flops)
    f_byte = cpb.flops_per_byte(total, output_bytes)
    naive_t_byte = cpb.time_per_byte(f_byte, flops_per_s)
    naive_seconds = cpb.generation_time(naive_t_byte, output_bytes)
    costs = {}
    if price_per_hour is not None:
        cost = media.cost_per_output(price_per_hour, per_replica, seconds, outputs)
        costs = {"price_per_device_hour": price_per_hour, "cost_per_unit": cost,
                 "naive_cost_per_unit": cpb.cost(naive_t_byte, cpb.cost_per_second(
                     price_per_hour, per_replica), output_bytes),
                 "cost_per_minute": (None if output_seconds is None
                                     else media.per_output_minute(cost, output_seconds))}
    return MediaEstimate(
        model=row["id"], hardware=device["id"], modality=modality, precision=canonical,
        profile=chosen.profile, devices=every_device, devices_per_replica=per_replica,
        replicas=copies, batch=outputs, steps=steps, guidance_passes=passes,
        output_seconds=output_seconds, tokens=tokens, step_flops=step_flops, total_flops=total,
        step_s=step_s, seconds_per_unit=seconds,
        units_per_s=media.units_per_second(outputs, seconds, copies),
        realtime_factor=(None if output_seconds is None
                         else media.per_output_second(seconds, output_seconds)),
        bound=str(bound) if np.ndim(bound) == 0 else bound, weight_bytes=total_weights,
        fits=fits, output_bytes=output_bytes,
        flops_per_byte=f_byte, naive_seconds=naive_seconds,
        naive_time_per_byte_s=naive_t_byte,
        time_per_byte_s=media.realised_time_per_byte(seconds, outputs, output_bytes),
        efficiency=chosen, **costs)


def estimate_image(model: str, hardware: str, width_px=None, height_px=None, steps=None,
                   precision: str = "bf16", devices=1, replicas=1, batch=1,
                   price_per_hour=None, profile: str = DEFAULT_PROFILE,
                   efficiency: Efficiency | None = None,
                   sheet: Sheet | None = None) -> MediaEstimate:
    """Generate one image with ``model`` on ``hardware``: time, throughput, memory and cost.

    Parameters
    ----------
    model : str
        A media catalog model: "SDXL", "FLUX.1-dev", "SD 3.5 Large"...
    hardware : str
        A sheet hardware name ("H100 SXM").
    width_px, height_px, steps : int, optional
        Image size [pixels] and denoising steps; default the model's own (catalog).
    precision : str
        Weights and math (bf16 default, fp16, fp8...).
    devices : int
        Every device: devices per replica x replicas. A replica's devices add their FLOP/s
        and bandwidth, and exchange two all-reduces per layer every step (transformers only).
    replicas : int
        Independent copies of the pipeline.
    batch : int
        Images generated together on one replica.
    price_per_hour : float, optional
        Price per device-hour; with it, the cost per image.
    profile : str
        "diffusers" (default): the media profile fitted on published diffusers timings
        (``media_profiles.toml``); or an LLM serving profile (generic, tensorrt-llm...).
    efficiency : Efficiency, optional
        Instead of the profile's (calibration uses it).

    Examples
    --------
    >>> e = estimate_image("SDXL", "H100 SXM", 1024, 1024, steps=30)
    >>> e.bound, e.tokens, e.seconds_per_unit > e.naive_seconds
    ('compute', 16384.0, True)
    """
    sheet = sheet or load_sheet()
    row = _row(model, "image", sheet)
    width = row["default_width_px"] if width_px is None else width_px
    height = row["default_height_px"] if height_px is None else height_px
    count = row["default_steps"] if steps is None else steps
    _needs(row, "default_steps", "guidance_passes")
    tokens, step_flops = _visual_step(row, width, height, 1)
    return _serve(row, hardware, precision, modality="image", tokens=tokens,
                  step_flops=step_flops, steps=count, passes=row["guidance_passes"],
                  once_flops=_text_encoder_flops(row),
                  output_bytes=content.image_bytes(width, height), output_seconds=None,
                  devices=devices, replicas=replicas, batch=batch,
                  price_per_hour=price_per_hour, profile=profile, efficiency=efficiency,
                  sheet=sheet)


def estimate_video(model: str, hardware: str, seconds=None, width_px=None, height_px=None,
                   fps=None, steps=None, precision: str = "bf16", devices=1, replicas=1,
                   batch=1, price_per_hour=None, profile: str = DEFAULT_PROFILE,
                   efficiency: Efficiency | None = None,
                   sheet: Sheet | None = None) -> MediaEstimate:
    """Generate one video clip: time, real-time factor, throughput, memory and cost per minute.

    ``seconds`` x ``fps`` frames at ``width_px`` x ``height_px``; each default is the model's
    own (its default frames at its fps). Attention over the whole clip makes a step grow
    with the square of its length. Other parameters as :func:`estimate_image`.

    Examples
    --------
    >>> e = estimate_video("Wan2.1-14B", "H100 SXM", 5, 1280, 720, 16)
    >>> e.tokens, e.bound, e.realtime_factor > 100
    (75600.0, 'compute', True)
    """
    sheet = sheet or load_sheet()
    row = _row(model, "video", sheet)
    _needs(row, "default_steps", "guidance_passes", "default_fps")
    rate = row["default_fps"] if fps is None else fps
    if seconds is None:
        _needs(row, "default_frames")
        seconds = media.clip_seconds(row["default_frames"], rate)
    width = row["default_width_px"] if width_px is None else width_px
    height = row["default_height_px"] if height_px is None else height_px
    count = row["default_steps"] if steps is None else steps
    tokens, step_flops = _visual_step(row, width, height, content.frames(seconds, rate))
    return _serve(row, hardware, precision, modality="video", tokens=tokens,
                  step_flops=step_flops, steps=count, passes=row["guidance_passes"],
                  once_flops=_text_encoder_flops(row),
                  output_bytes=content.video_bytes(seconds, rate, width, height),
                  output_seconds=seconds, devices=devices, replicas=replicas, batch=batch,
                  price_per_hour=price_per_hour, profile=profile, efficiency=efficiency,
                  sheet=sheet)


def default_profile(row: dict) -> str:
    """The profile a catalog model is timed with unless the caller names one."""
    return ARCHITECTURE_PROFILES.get(row["architecture"], DEFAULT_PROFILE)


def _vocoder_flops(row: dict, seconds):
    rate = row.get("vocoder_flops_per_audio_second")
    return 0.0 if rate is None else media.vocoder_flops(rate, seconds)


def estimate_speech(model: str, hardware: str, seconds=60, steps=None,
                    precision: str = "bf16", devices=1, replicas=1, batch=1,
                    price_per_hour=None, profile: str | None = None,
                    efficiency: Efficiency | None = None,
                    sheet: Sheet | None = None) -> MediaEstimate:
    """Synthesise ``seconds`` of speech: time, real-time factor, throughput and cost per minute.

    Flow-matching TTS (F5-TTS) runs ``steps`` passes over all the clip's mel frames;
    non-autoregressive TTS (FastPitch) one pass over them; autoregressive models (XTTS,
    WaveNet, Tacotron 2) one pass per audio token, sample or mel frame, each reading the
    weights. A vocoder whose FLOPs per second of audio the catalog gives (WaveGlow, HiFi-GAN)
    then runs once over the clip at the compute rate. ``profile`` defaults by architecture
    (:data:`ARCHITECTURE_PROFILES`): a flow model's steps are denoising passes (the
    "diffusers" profile); mel-frame pipelines with a vocoder (Tacotron 2, FastPitch) use the
    "speech" profile fitted on their published timings; codec and sample models are timed as
    the LLM serving estimator times decode steps (its "generic" profile) - a diffusion
    pipeline's fixed 23 ms per step would be charged 1.44 million times for a minute of
    WaveNet. Other parameters as :func:`estimate_image`.

    Examples
    --------
    >>> e = estimate_speech("F5-TTS", "L4", 60)
    >>> e.steps, e.guidance_passes, e.realtime_factor < 1
    (32, 2, True)
    >>> t = estimate_speech("Tacotron 2", "T4", 7, precision="fp16")
    >>> t.profile, round(t.steps), t.bound
    ('speech', 603, 'memory')
    """
    sheet = sheet or load_sheet()
    row = _row(model, "speech", sheet)
    _needs(row, "tokens_per_audio_second", "sample_rate_hz")
    if profile is None:
        profile = default_profile(row)
    tokens = content.samples(seconds, row["tokens_per_audio_second"])
    output_bytes = content.audio_bytes(seconds, row["sample_rate_hz"])
    common = dict(modality="speech", output_bytes=output_bytes, output_seconds=seconds,
                  once_flops=_vocoder_flops(row, seconds), devices=devices, replicas=replicas,
                  batch=batch, price_per_hour=price_per_hour, profile=profile,
                  efficiency=efficiency, sheet=sheet)
    if row["architecture"] == "flow-tts":
        _needs(row, "default_steps", "guidance_passes")
        count = row["default_steps"] if steps is None else steps
        return _serve(row, hardware, precision, tokens=tokens,
                      step_flops=_transformer_step(row, tokens), steps=count,
                      passes=row["guidance_passes"], **common)
    if steps is not None:
        raise CPBError(f"steps = {steps!r}: {row['name']} has no denoising steps (one pass "
                       "per audio token, or one pass over the whole clip).", argument="steps",
                       value=steps, fix="Leave steps out for this speech model.", kind="value")
    if row["architecture"] == "non-ar-tts":
        return _serve(row, hardware, precision, tokens=tokens,
                      step_flops=_transformer_step(row, tokens), steps=1, passes=1, **common)
    if row.get("flops_per_audio_token") is not None:
        per_token = row["flops_per_audio_token"]
    else:
        _needs(row, "denoiser_params")
        per_token = diffusion.transformer_step_flops(row["denoiser_params"], 1)
    return _serve(row, hardware, precision, tokens=1.0, step_flops=per_token, steps=tokens,
                  passes=1, weights_read=None if row.get("denoiser_params") else 0.0,
                  **common)
