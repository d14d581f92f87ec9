"""The Calculations cell of an image, audio or video workload that names a media model: its
device-seconds per unit from CPB_IMAGE_ / CPB_VIDEO_ / CPB_SPEECH_SECONDS over the Workloads
inputs, as :func:`xlcpb.estimators.budget_media.media_device_seconds` computes it.

    device-seconds per unit = devices x seconds per batch / batch      (an image)
                              ... x 60 / clip_seconds                  (an audio or video minute)

The call's arguments follow the function's declaration (``functions.toml``), each filled from
the Workloads column of the same name; ``xlcpb publish`` freezes the call to its value and
guards it on every one of these inputs.
"""

from __future__ import annotations

from ...estimators.budget_media import PER_MINUTE
from ...excel.contract import functions

SECONDS_FUNCTIONS = {"image": "CPB_IMAGE_SECONDS", "video": "CPB_VIDEO_SECONDS",
                     "audio": "CPB_SPEECH_SECONDS"}
COLUMN_OF = {"seconds": "clip_seconds"}  # the function's argument -> the plan's column
FIXED = {"replicas": "1"}                # one replica: the budget counts replicas itself
LAST_ARGUMENT = "replicas"               # the profile after it: the estimator's default


def media_seconds_formula(modality: str, ref) -> str:
    """The native formula of the cell; ``ref(column)`` is the workload's Workloads cell."""
    name = SECONDS_FUNCTIONS[modality]
    args = []
    for argument in functions()[name].args:
        args.append(FIXED.get(argument.name) or ref(COLUMN_OF.get(argument.name,
                                                                  argument.name)))
        if argument.name == LAST_ARGUMENT:
            break
    formula = f"={ref('devices')}*{name}({','.join(args)})/{ref('batch')}"
    if modality in PER_MINUTE:
        formula += f"*60/{ref('clip_seconds')}"
    return formula
