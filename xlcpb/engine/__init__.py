"""Layer 1, the engine: pure, vectorised functions of the paper and the models.

No I/O, no files, no xlwings. Everything numeric in xlcpb lives here, once.

- :mod:`.cpb`      the Cost-Per-Byte Principle, eqs. (1)-(4), I and t
- :mod:`.content`  content units (tokens, pixels, samples, frames) to bytes
- :mod:`.flops`    FLOPs models (2N, Kaplan attention term, totals)
- :mod:`.llm`      roofline primitives of transformer serving: KV cache, weight reads, memory
- :mod:`.serving`  forward steps, all-reduces, continuous batching, rates, latency targets
- :mod:`.budget`   fleet budgets month by month: scenarios, devices, costs, break-even
- :mod:`.calendar` budget months: labels, Excel serial dates, quarters and years
- :mod:`.units`    vendor prices normalised: per hour, per device, per 1M tokens, amortised
- :mod:`.rounding` Excel's ROUND (halves away from zero)
- :mod:`.significant_digits` comparing a figure with one printed in a paper
"""

from .content import (audio_bytes, frames, image_bytes, samples, text_bytes, utf8_bytes,
                      video_bytes)
from .cpb import (cost, cost_from_flops, cost_of_seconds, cost_per_busy_second, cost_per_second,
                  flops_per_byte, generation_time, hardware_flops_per_s, sustained_flops_per_s,
                  time_per_byte)
from .flops import flops_per_token, flops_per_unit, total_flops

__all__ = [
    "audio_bytes", "cost", "cost_from_flops", "cost_of_seconds", "cost_per_busy_second",
    "cost_per_second", "flops_per_byte", "sustained_flops_per_s",
    "flops_per_token", "flops_per_unit", "frames", "generation_time", "hardware_flops_per_s", "image_bytes",
    "samples", "text_bytes", "time_per_byte", "total_flops", "utf8_bytes", "video_bytes",
]
