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

# What ``import xlcpb`` offers, imported on first use (PEP 562): the command line starts
# without numpy, and ``xlcpb.cost`` still works.
_EXPORTS = {
    "engine": ("audio_bytes", "cost", "cost_from_flops", "cost_per_second", "flops_per_byte",
               "flops_per_token", "flops_per_unit", "frames", "generation_time",
               "hardware_flops_per_s", "image_bytes", "samples", "text_bytes", "time_per_byte",
               "total_flops", "utf8_bytes", "video_bytes"),
    "errors": ("CPBError",),
    "estimators.case_studies": ("case_studies",),
    "estimators.content_cost": ("estimate_content",),
    "estimators.llm": ("estimate_llm", "implied_efficiency"),
    "estimators.media": ("estimate_image", "estimate_speech", "estimate_video"),
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = ["__version__", *sorted(_HOME)]


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'xlcpb' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
