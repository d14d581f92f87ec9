"""xlcpb: price generated content by the Cost-Per-Byte Principle, in Python and in Excel.

Layers, each importing only the ones before it:

1. :mod:`xlcpb.engine`      pure vectorised equations (paper eqs. 1-4, content bytes, FLOPs)
2. :mod:`xlcpb.data`        bundled data files, their schema, loading and the user's sheet
3. :mod:`xlcpb.estimators`  estimates composed from engine + data (case studies, ...)
4. adapters                 :mod:`xlcpb.cli` (the ``xlcpb`` command), :mod:`xlcpb.udfs`

The engine's functions are importable from here::

    >>> import xlcpb
    >>> c = xlcpb.cost(xlcpb.time_per_byte(7.5e8, 65e12), xlcpb.cost_per_second(0.5), 4000)
    >>> f"${c:.3g}"
    '$6.41e-06'
"""

__version__ = "0.1.0"

from .engine import (audio_bytes, cost, cost_from_flops, cost_per_second, flops_per_byte,
                     flops_per_token, flops_per_unit, frames, generation_time,
                     hardware_flops_per_s, image_bytes, samples, text_bytes, time_per_byte,
                     total_flops, utf8_bytes, video_bytes)
from .errors import CPBError
from .estimators.case_studies import case_studies
from .estimators.content_cost import estimate_content
from .estimators.llm import estimate_llm, implied_efficiency

__all__ = [
    "CPBError", "__version__", "audio_bytes", "case_studies", "cost", "cost_from_flops",
    "cost_per_second", "estimate_content", "estimate_llm", "implied_efficiency", "flops_per_byte", "flops_per_token",
    "flops_per_unit", "frames", "generation_time", "hardware_flops_per_s", "image_bytes",
    "samples", "text_bytes", "time_per_byte", "total_flops", "utf8_bytes", "video_bytes",
]
