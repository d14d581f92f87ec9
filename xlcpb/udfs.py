"""The CPB_* Excel functions: one module for classic xlwings and for xlwings Lite / Server.

Classic desktop: ``UDF_MODULES = "xlcpb.udfs"`` and *Import Functions*. xlwings Lite: paste
the output of ``xlcpb lite`` into the Lite editor. Every function takes single cells or
ranges, broadcasts ranges, returns one array for a range in one vectorised engine call, and
shows errors as Excel errors (see :mod:`xlcpb.excel.calls`). No arithmetic lives here: each
function names the engine or sheet function it calls.
"""

from __future__ import annotations

try:
    import xlwings as xw
except ImportError:  # building workbooks needs the functions, not Excel: no-op decorators
    from .excel import no_xlwings as xw

from . import __version__, engine
from .data.sheet import load_sheet
from .estimators.llm import estimate_llm, refuse_unless_fits
from .excel.calls import call, lookup, numbers_or_lookup, whole_call_error
from .excel.cells import CellError, single_text

__all__ = [  # what `from xlcpb.udfs import *` (xlwings Lite's main.py) registers
    "cpb_bytes_audio", "cpb_bytes_image", "cpb_bytes_text", "cpb_bytes_video", "cpb_cost",
    "cpb_cost_from_flops", "cpb_cost_per_second", "cpb_flops_per_byte", "cpb_flops_per_token",
    "cpb_frames", "cpb_hardware_flops", "cpb_hw", "cpb_price", "cpb_samples", "cpb_tbyte",
    "cpb_time", "cpb_total_flops", "cpb_version", "cpb_llm_ttft", "cpb_llm_tpot",
    "cpb_llm_tokens_per_s", "cpb_llm_max_batch", "cpb_llm_cost_per_mtok",
]
CATEGORY = "xlcpb"
DEFAULT_PRECISION = "fp16"  # the paper's "mixed precision" tensor-core peaks (T4, V100)


def excel_function(**argument_docs):
    """Register a function with xlwings, each argument with its help text.

    Every argument is read as a 2-D range with error cells kept as their codes, so that
    :mod:`xlcpb.excel.cells` can apply one rule per kind of cell.
    """
    def decorate(function):
        function = xw.func(category=CATEGORY)(function)  # category: classic's wizard only
        for name, doc in argument_docs.items():
            function = xw.arg(name, ndim=2, err_to_str=True, doc=doc)(function)
        return function
    return decorate


# -- the paper's equations -----------------------------------------------------------------

@excel_function(total_flops="F_total: FLOPs to generate the content [FLOP]",
                size_bytes="S: size of the content [bytes], > 0")
def cpb_flops_per_byte(total_flops, size_bytes):
    """FLOPs per byte, eq. (3): F_byte = F_total / S [FLOP/byte]."""
    return call(engine.flops_per_byte, ("total_flops", total_flops, None),
                ("size_bytes", size_bytes, None))


@excel_function(flops_per_byte="F_byte: FLOPs per byte [FLOP/byte]",
                hardware="P_hardware in FLOP/s (e.g. 65E12), or a hardware name from the "
                         'sheet such as "T4" or "H100 SXM"',
                precision="with a hardware name: fp32, tf32, fp16 (default), bf16, fp8, int8 "
                          "or fp4")
def cpb_tbyte(flops_per_byte, hardware, precision=None):
    """Per-byte generation time, eq. (2): T_byte = F_byte / P_hardware [s/byte]."""
    chosen, problem = single_text("precision", precision, DEFAULT_PRECISION)
    if problem:
        return whole_call_error(problem)
    speeds = numbers_or_lookup("hardware", hardware,
                               lambda name: load_sheet().flops_per_s(name, chosen))
    return call(engine.time_per_byte, ("flops_per_byte", flops_per_byte, None),
                ("hardware", speeds, None))


@excel_function(t_byte="T_byte: per-byte generation time [s/byte]",
                cost_per_second="I: inference cost per second [$/s], see CPB_COST_PER_SECOND",
                size_bytes="S: size of the content [bytes], > 0")
def cpb_cost(t_byte, cost_per_second, size_bytes):
    """Total cost, eq. (1), the Cost-Per-Byte Principle: C = T_byte x I x S [$]."""
    return call(engine.cost, ("t_byte", t_byte, None),
                ("cost_per_second", cost_per_second, None), ("size_bytes", size_bytes, None))


@excel_function(price_per_hour="price of one device for one hour [$/device-hour]",
                devices="devices rented together (default 1)")
def cpb_cost_per_second(price_per_hour, devices=None):
    """Inference cost per second: I = price per hour x devices / 3600 [$/s]."""
    return call(engine.cost_per_second, ("price_per_hour", price_per_hour, None),
                ("devices", devices, 1.0))


@excel_function(t_byte="T_byte: per-byte generation time [s/byte]",
                size_bytes="S: size of the content [bytes]")
def cpb_time(t_byte, size_bytes):
    """Generation time: t = T_byte x S [s]."""
    return call(engine.generation_time, ("t_byte", t_byte, None),
                ("size_bytes", size_bytes, None))


@excel_function(flops_per_s_per_device="one device's speed [FLOP/s]",
                devices="devices working together (default 1)")
def cpb_hardware_flops(flops_per_s_per_device, devices=None):
    """Speed of several identical devices, eq. (24): P = devices x P_device [FLOP/s]."""
    return call(engine.hardware_flops_per_s,
                ("flops_per_s_per_device", flops_per_s_per_device, None),
                ("devices", devices, 1.0))


@excel_function(total_flops="F_total [FLOP]",
                flops_per_s="P_hardware [FLOP/s]",
                cost_per_second="I [$/s]")
def cpb_cost_from_flops(total_flops, flops_per_s, cost_per_second):
    """Total cost straight from FLOPs, eq. (4): C = F_total / P_hardware x I [$]."""
    return call(engine.cost_from_flops, ("total_flops", total_flops, None),
                ("flops_per_s", flops_per_s, None), ("cost_per_second", cost_per_second, None))


# -- content to bytes ------------------------------------------------------------------------

@excel_function(tokens="tokens generated", bytes_per_token="bytes per token (default 4)")
def cpb_bytes_text(tokens, bytes_per_token=None):
    """Size of text: S = tokens x bytes per token [bytes]."""
    return call(engine.text_bytes, ("tokens", tokens, None),
                ("bytes_per_token", bytes_per_token, 4.0))


@excel_function(width="width [pixels]", height="height [pixels]",
                channels="channels per pixel (default 3, RGB)",
                bits="bits per channel (default 8)")
def cpb_bytes_image(width, height, channels=None, bits=None):
    """Size of a raw image: S = width x height x channels x bits / 8 [bytes]."""
    return call(engine.image_bytes, ("width", width, None), ("height", height, None),
                ("channels", channels, 3.0), ("bits", bits, 8.0))


@excel_function(seconds="duration [s]", sample_rate="samples per second [Hz]",
                bits="bits per sample (default 16)", channels="channels (default 1, mono)")
def cpb_bytes_audio(seconds, sample_rate, bits=None, channels=None):
    """Size of raw audio: S = seconds x sample rate x channels x bits / 8 [bytes]."""
    return call(engine.audio_bytes, ("seconds", seconds, None),
                ("sample_rate", sample_rate, None), ("bits", bits, 16.0),
                ("channels", channels, 1.0))


@excel_function(seconds="duration [s]", fps="frames per second", width="width [pixels]",
                height="height [pixels]", channels="channels per pixel (default 3, RGB)",
                bits="bits per channel (default 8)")
def cpb_bytes_video(seconds, fps, width, height, channels=None, bits=None):
    """Size of raw video: S = seconds x fps x width x height x channels x bits / 8 [bytes]."""
    return call(engine.video_bytes, ("seconds", seconds, None), ("fps", fps, None),
                ("width", width, None), ("height", height, None), ("channels", channels, 3.0),
                ("bits", bits, 8.0))


@excel_function(seconds="duration [s]", sample_rate="samples per second [Hz]")
def cpb_samples(seconds, sample_rate):
    """Audio samples in a clip: seconds x sample rate [samples]."""
    return call(engine.samples, ("seconds", seconds, None), ("sample_rate", sample_rate, None))


@excel_function(seconds="duration [s]", fps="frames per second")
def cpb_frames(seconds, fps):
    """Video frames in a clip: seconds x fps [frames]."""
    return call(engine.frames, ("seconds", seconds, None), ("fps", fps, None))


# -- FLOPs -------------------------------------------------------------------------------------

@excel_function(params="N: model parameters", n_layer="layers (optional, attention term)",
                n_ctx="context tokens (optional)", d_model="model width (optional)")
def cpb_flops_per_token(params, n_layer=None, n_ctx=None, d_model=None):
    """Transformer FLOPs per token: 2N + 2 x n_layer x n_ctx x d_model (Kaplan) [FLOP]."""
    return call(engine.flops_per_token, ("params", params, None), ("n_layer", n_layer, 0.0),
                ("n_ctx", n_ctx, 0.0), ("d_model", d_model, 0.0))


@excel_function(flops_per_unit="FLOPs per token, sample or frame",
                units="tokens, samples or frames generated")
def cpb_total_flops(flops_per_unit, units):
    """Total FLOPs: F_total = FLOPs per unit x units [FLOP]."""
    return call(engine.total_flops, ("flops_per_unit", flops_per_unit, None),
                ("units", units, None))


# -- the hardware/price sheet ---------------------------------------------------------------

@excel_function(hardware='a hardware name: "H100 SXM", "h100-sxm5-80gb", "T4"...',
                field="a sheet column (memory_bytes, memory_bandwidth_bytes_per_s, "
                      "bf16_flops_per_s, tdp_watts, name, notes, source_url...) or a "
                      "precision (bf16, fp8...)")
def cpb_hw(hardware, field):
    """One field of the hardware sheet, like Bloomberg's BDP: CPB_HW("H100 SXM","fp8")."""
    return lookup(lambda name, column: load_sheet().field(name, column),
                  ("hardware", hardware, None), ("field", field, None))


@excel_function(hardware='a hardware name: "H100 SXM", "A100 SXM4 40GB"...',
                provider='e.g. "aws", "gcp", "lambda" (default: any)',
                pricing_model='on-demand (default), spot, reserved-1y, reserved-3y, '
                              'committed-1y, contract...',
                region='e.g. "us-east-1" (default: any)')
def cpb_price(hardware, provider=None, pricing_model=None, region=None):
    """Price per device-hour from the sheet [$/device-hour]; default the lowest on-demand."""
    return lookup(lambda name, who, model, where: load_sheet().price(
                      name, who, model, where)["price_per_device_hour"],
                  ("hardware", hardware, None), ("provider", provider, None),
                  ("pricing_model", pricing_model, None), ("region", region, None))


# -- realistic LLM serving (roofline of prefill and decode, calibrated) -------------------

_LLM_DOCS = dict(
    model='a catalog model: "Llama-3.1-8B", "gpt2-xl", "Mixtral-8x7B"...',
    hardware='a sheet hardware name: "H100 SXM", "T4"...',
    precision="bf16 (default), fp16, fp8, fp4, int8, int4, q4_0, q4_k_m or fp32",
    batch='concurrent sequences (default 1), or "max" for the largest that fits',
    input_tokens="prompt tokens per sequence (default 1000)",
    output_tokens="output tokens per sequence (default 200)",
    devices="devices in tensor parallel (default 1)")
LLM_DEFAULTS = {"precision": "bf16", "batch": 1.0, "input_tokens": 1000.0,
                "output_tokens": 200.0, "devices": 1.0, "direction": "blended"}
COST_FIELDS = {"input": "cost_per_mtok_input", "output": "cost_per_mtok_output",
               "blended": "cost_per_mtok_blended"}


def _llm_call(field, model, hardware, precision, batch, input_tokens, output_tokens, devices,
              with_price=False, price_per_hour=None):
    """One vectorised estimate over the numeric ranges; model, hardware, precision are cells."""
    names = {}
    for name, value in (("model", model), ("hardware", hardware), ("precision", precision)):
        names[name], problem = single_text(name, value, LLM_DEFAULTS.get(name))
        if problem:
            return whole_call_error(problem)
    batch_text, _ = single_text("batch", batch, None)
    use_max = isinstance(batch_text, str) and batch_text.strip().lower() == "max"

    def run(*numbers):
        numbers = list(numbers)
        chosen_batch = "max" if use_max else numbers.pop(0)
        price = numbers.pop() if with_price else None
        estimate = estimate_llm(names["model"], names["hardware"], names["precision"],
                                numbers[2], chosen_batch, numbers[0], numbers[1], price)
        return refuse_unless_fits(estimate, getattr(estimate, field))

    arguments = [] if use_max else [("batch", batch, LLM_DEFAULTS["batch"])]
    arguments += [("input_tokens", input_tokens, LLM_DEFAULTS["input_tokens"]),
                  ("output_tokens", output_tokens, LLM_DEFAULTS["output_tokens"]),
                  ("devices", devices, LLM_DEFAULTS["devices"])]
    if with_price:
        arguments.append(("price_per_hour", price_per_hour, None))
    return call(run, *arguments)


@excel_function(**_LLM_DOCS)
def cpb_llm_ttft(model, hardware, precision=None, batch=None, input_tokens=None,
                 output_tokens=None, devices=None):
    """Time to first token: prefill of the batch's prompts, on the roofline [s]."""
    return _llm_call("ttft_s", model, hardware, precision, batch, input_tokens, output_tokens,
                     devices)


@excel_function(**_LLM_DOCS)
def cpb_llm_tpot(model, hardware, precision=None, batch=None, input_tokens=None,
                 output_tokens=None, devices=None):
    """Time per output token at this batch: decode reads weights and KV cache each step [s]."""
    return _llm_call("tpot_s", model, hardware, precision, batch, input_tokens, output_tokens,
                     devices)


@excel_function(**_LLM_DOCS)
def cpb_llm_tokens_per_s(model, hardware, precision=None, batch=None, input_tokens=None,
                         output_tokens=None, devices=None):
    """Output tokens per second of the whole system at this batch [tokens/s]."""
    return _llm_call("output_tokens_per_s", model, hardware, precision, batch, input_tokens,
                     output_tokens, devices)


@excel_function(**{k: v for k, v in _LLM_DOCS.items() if k != "batch"})
def cpb_llm_max_batch(model, hardware, precision=None, input_tokens=None, output_tokens=None,
                      devices=None):
    """Largest batch whose weights and KV cache fit in the devices' memory [sequences]."""
    return _llm_call("max_batch", model, hardware, precision, None, input_tokens,
                     output_tokens, devices)


@excel_function(model=_LLM_DOCS["model"], hardware=_LLM_DOCS["hardware"],
                price_per_hour="price of one device per hour [$], e.g. =CPB_PRICE(hardware)",
                direction="input, output or blended (default)", precision=_LLM_DOCS["precision"],
                batch=_LLM_DOCS["batch"], input_tokens=_LLM_DOCS["input_tokens"],
                output_tokens=_LLM_DOCS["output_tokens"], devices=_LLM_DOCS["devices"])
def cpb_llm_cost_per_mtok(model, hardware, price_per_hour, direction=None, precision=None,
                          batch=None, input_tokens=None, output_tokens=None, devices=None):
    """Cost per million tokens served: input, output or blended [$/1M tokens]."""
    chosen, problem = single_text("direction", direction, LLM_DEFAULTS["direction"])
    if problem or chosen.strip().lower() not in COST_FIELDS:
        return whole_call_error(problem or CellError(
            "#VALUE!", f"direction = {chosen!r}: use input, output or blended."))
    return _llm_call(COST_FIELDS[chosen.strip().lower()], model, hardware, precision, batch,
                     input_tokens, output_tokens, devices, with_price=True,
                     price_per_hour=price_per_hour)


@xw.func
def cpb_version():
    """xlcpb's version and the price sheet's version, for provenance."""
    return f"xlcpb {__version__}; sheet {load_sheet().version}"
