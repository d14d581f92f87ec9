"""Device time per unit of a budget's image, audio and video workloads.

A workload names a media catalog model (``model``: SDXL, Wan2.1-14B, F5-TTS...) with the
size and duration of one output, and the media estimators (:mod:`.media`) time it at the
plan's deployment (devices per replica, batch, precision); or, for work no catalog model
covers, it gives ``flops_per_unit`` and is timed at the calibrated compute efficiency. The
budget's units: an image, a minute of audio, a minute of video - a minute is made of
60 / clip_seconds clips.

>>> from xlcpb.data.plan import parse_plan_text
>>> from xlcpb.estimators.budget import prepare
>>> plan = parse_plan_text("name,modality,model,hardware,monthly_volume,width_px,height_px\\n"
...                        "ads,image,SDXL,L4,1000,1024,1024\\n", "doc")
>>> seconds = prepare(plan).device_seconds_per_unit[0]
>>> bool(seconds == estimate_image("SDXL", "L4", 1024, 1024, 50).seconds_per_unit)
True
"""

from __future__ import annotations

from ..data.plan import budget_defaults
from ..data.sheet import Sheet
from ..engine import budget as arithmetic
from ..engine import media as media_arithmetic
from ..errors import CPBError
from .llm import default_efficiency
from .media import MediaEstimate, estimate_image, estimate_speech, estimate_video

# the budget's modality -> the media estimators' (audio workloads are speech)
ESTIMATED_AS = {"image": "image", "video": "video", "audio": "speech"}
# the size and duration inputs each modality takes, in the Excel functions' order
SIZE_COLUMNS = {"image": ("width_px", "height_px", "steps"),
                "video": ("clip_seconds", "width_px", "height_px", "fps", "steps"),
                "audio": ("clip_seconds", "steps")}
MEDIA_COLUMNS = ("width_px", "height_px", "clip_seconds", "fps", "steps")
PER_MINUTE = ("video", "audio")  # priced per minute of output, made of clips
UNIT_OF = {"image": "image", "video": "video minute", "audio": "audio minute"}


def _refuse(row: dict, column: str, message: str, fix: str) -> None:
    raise CPBError(f"workload {row['name']!r}: {column} = {row.get(column)!r}: {message}",
                   argument=column, value=row.get(column), fix=fix)


def refuse_media_columns(row: dict, allowed: tuple = ()) -> None:
    """A size or duration a workload cannot use is an error, never silently ignored."""
    for column in MEDIA_COLUMNS:
        if column in allowed or row.get(column) is None:
            continue
        if row["modality"] == "text" or not row.get("model"):
            _refuse(row, column, "only an image, audio or video workload that names a media "
                                 "model uses it.",
                    "Leave it blank, or name a media model (xlcpb sheet list --kind "
                    "media_models) instead of flops_per_unit.")
        _refuse(row, column, f"{row['modality']} has no {column}.",
                f"Leave it blank; {row['modality']} takes {', '.join(allowed)}.")


def _choose(row: dict) -> None:
    """Exactly one of a media model and flops_per_unit."""
    if row.get("model") and row.get("flops_per_unit") is not None:
        _refuse(row, "flops_per_unit", f"and model = {row['model']!r}: give one, not both.",
                "Leave flops_per_unit blank to price by the model, or blank the model to "
                "price by FLOPs.")
    if not row.get("model") and row.get("flops_per_unit") is None:
        raise CPBError(f"workload {row['name']!r}: {row['modality']} needs a media model or "
                       "flops_per_unit (both are blank).", argument="model", value=None,
                       fix="Name a media catalog model (SDXL, Wan2.1-14B, F5-TTS...: xlcpb "
                           "sheet list --kind media_models), or give the FLOPs per image, "
                           "audio minute or video minute.")


def _fill_defaults(row: dict, sheet: Sheet) -> None:
    """The row's blanks as the estimate will take them (budget_defaults.toml [media_defaults]
    and the catalog model's own), written into the row so the workbook shows and uses them."""
    defaults = budget_defaults()["media_defaults"]
    for key in ("precision", "devices", "batch"):
        if row.get(key) is None:
            row[key] = defaults[key]
    model = sheet.media_model(row["model"])
    own = {"width_px": model.get("default_width_px"),
           "height_px": model.get("default_height_px"), "fps": model.get("default_fps"),
           "steps": model.get("default_steps")}
    if row["modality"] == "audio" and model.get("architecture") != "flow-tts":
        own["steps"] = None  # one pass per audio token: no denoising steps
    for column in SIZE_COLUMNS[row["modality"]]:
        if row.get(column) is None and own.get(column) is not None:
            row[column] = own[column]
    if row.get("clip_seconds") is None:
        if row["modality"] == "audio":
            row["clip_seconds"] = float(defaults["speech_clip_seconds"])
        elif model.get("default_frames") and row.get("fps"):
            row["clip_seconds"] = float(media_arithmetic.clip_seconds(model["default_frames"],
                                                                      row["fps"]))


def media_estimate(row: dict, sheet: Sheet) -> MediaEstimate:
    """One output of a workload naming a media model, at its deployment: the estimate the
    workbook's CPB_IMAGE_ / CPB_VIDEO_ / CPB_SPEECH_SECONDS cell makes with the same inputs."""
    common = dict(precision=row["precision"], devices=row["devices"], replicas=1,
                  batch=row["batch"], sheet=sheet)
    try:
        if row["modality"] == "image":
            return estimate_image(row["model"], row["hardware"], row["width_px"],
                                  row["height_px"], row["steps"], **common)
        if row["modality"] == "video":
            return estimate_video(row["model"], row["hardware"], row["clip_seconds"],
                                  row["width_px"], row["height_px"], row["fps"], row["steps"],
                                  **common)
        return estimate_speech(row["model"], row["hardware"], row["clip_seconds"],
                               row.get("steps"), **common)
    except CPBError as error:
        message = str(error).removesuffix(f" {error.fix}")
        raise CPBError(f"workload {row['name']!r}: {message}", argument=error.argument,
                       value=error.value, fix=error.fix, kind=error.kind) from None


def media_device_seconds(row: dict, sheet: Sheet, assumptions: list) -> float:
    """Device-seconds per image, audio minute or video minute of a non-text workload (the
    row gets the defaults it was timed with); ``assumptions`` gets the sentence saying
    which efficiency and utilisation apply."""
    _choose(row)
    unit = UNIT_OF[row["modality"]]
    if not row.get("model"):
        refuse_media_columns(row)
        efficiency = default_efficiency().compute
        peak = sheet.flops_per_s(row["hardware"], row["precision"])
        assumptions.append(
            f"{row['name']}: {row['flops_per_unit']:.4g} FLOPs per {unit} at {efficiency:.1%} "
            f"of {row['hardware']}'s {row['precision']} peak (the calibrated generic compute "
            f"efficiency), utilisation {row['utilisation']:.0%}")
        # the same device-time whether one device or several share the work
        return float(arithmetic.flops_device_seconds_per_unit(row["flops_per_unit"], peak,
                                                              efficiency))
    refuse_media_columns(row, SIZE_COLUMNS[row["modality"]])
    _fill_defaults(row, sheet)
    estimate = media_estimate(row, sheet)
    per_output = arithmetic.replica_device_seconds_per_output(
        estimate.devices_per_replica, estimate.seconds_per_unit, estimate.batch)
    seconds = (media_arithmetic.per_output_minute(per_output, row["clip_seconds"])
               if row["modality"] in PER_MINUTE else per_output)
    output = "image" if row["modality"] == "image" else f"{row['clip_seconds']:g}-s clip"
    assumptions.append(
        f"{row['name']}: {row['model']} on {estimate.devices_per_replica:g} x "
        f"{row['hardware']} ({estimate.precision}, batch {estimate.batch:g}): "
        f"{estimate.seconds_per_unit:.4g} s per {output}, {float(seconds):.4g} device-s per "
        f"{unit} (media estimator, {estimate.profile} profile: compute efficiency "
        f"{estimate.efficiency.compute:.1%} of peak), utilisation {row['utilisation']:.0%}")
    return float(seconds)
