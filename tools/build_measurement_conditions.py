"""Derive ``xlcpb/data/llm_measurement_conditions.csv`` from ``llm_measurements.csv``.

One output row per measurement, same order, with the conditions the serving-aware estimator
needs as structured values (see the "Structured conditions" section of
``xlcpb/data/llm_measurements.md``). What is mechanical is derived here (ids, catalog ids from
the free-text labels, ms -> s, per-GPU -> system, achieved request rates quoted in the row);
what needs judgement is written down per source below, with the reason in each row's
``notes`` / ``why_not``. The output is checked by ``tests/test_measurement_conditions.py``.

Run from the repository root::

    python tools/build_measurement_conditions.py

Not part of the package: a maintainer's tool, re-run when llm_measurements.csv changes.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "xlcpb" / "data"
SOURCE = DATA / "llm_measurements.csv"
TARGET = DATA / "llm_measurement_conditions.csv"

COLUMNS = ["id", "use", "why_not", "model", "hardware", "precision", "tensor_parallel",
           "replicas", "mode", "batch", "concurrency", "request_rate_per_s", "max_batch",
           "input_tokens", "output_tokens", "profile", "throughput_output_tokens_per_s",
           "ttft_s", "tpot_s", "notes"]

# model label (first match wins, case-insensitive substring) -> models.csv id
MODELS = [
    ("llama-3.1-8b", "llama-3.1-8b"), ("llama-3.3-70b", "llama-3.3-70b"),
    ("llama-3.1-70b", "llama-3.1-70b"), ("llama-3.1-405b", "llama-3.1-405b"),
    ("meta-llama-3-8b", "llama-3-8b"), ("llama-3-8b", "llama-3-8b"),
    ("meta-llama-3-70b", "llama-3-70b"),
    ("llama-2-7b", "llama-2-7b"), ("llama-2-13b", "llama-2-13b"), ("llama-2-70b", "llama-2-70b"),
    ("llama 7b", "llama-7b"), ("llama 70b", "llama-2-70b"),
    ("mixtral 8x7b", "mixtral-8x7b"), ("mixtral-8x7b", "mixtral-8x7b"),
    ("mixtral 8x22b", "mixtral-8x22b"),
    ("qwen3-235b-a22b", "qwen3-235b-a22b"), ("qwen3-30b-a3b", "qwen3-30b-a3b"),
    ("llama-4-scout", "llama-4-scout"), ("llama-4-maverick", "llama-4-maverick"),
    ("deepseek-v3", "deepseek-v3"), ("deepseek-r1", "deepseek-r1"),
    ("gpt-oss-20b", "gpt-oss-20b"), ("gpt-oss-120b", "gpt-oss-120b"),
]

# gpu label prefix (first match wins) -> (hardware.csv id, assumption note or "")
HARDWARE = [
    ("H100 SXM", "h100-sxm5-80gb", ""),
    ("H100 80GB (form factor not stated)", "h100-sxm5-80gb",
     "H100 form factor not stated: SXM5 assumed (most likely for a multi-GPU server)."),
    ("H100 PCIe", "h100-pcie-80gb", ""), ("H100 NVL", "h100-nvl-94gb", ""),
    ("H200", "h200-sxm-141gb", ""), ("GB200", "gb200", ""), ("B200", "b200", ""),
    ("GH200 480GB (96GB HBM3 GPU)", "gh200", ""),
    ("GH200 144GB", "gh200",
     "GH200 144GB HBM3e superchip; the catalog's gh200 row is the 96GB HBM3 part, so memory "
     "and bandwidth differ (assumption)."),
    ("L40S", "l40s", ""), ("A40", "a40", ""), ("RTX 4090", "rtx-4090", ""),
    ("A100 SXM", "a100-sxm4-80gb", ""), ("A100 PCIe 80GB", "a100-pcie-80gb", ""),
    ("A100 80GB", "a100-sxm4-80gb",
     "A100 80GB form factor not stated: SXM4 assumed (assumption)."),
    ("A100", "a100-sxm4-80gb",
     "'A100' with no memory or form factor: A100 SXM4 80GB assumed (assumption)."),
    ("AMD Instinct MI300X", "mi300x", ""), ("AMD Instinct MI325X", "mi325x", ""),
]
NOT_IN_CATALOG = ("RTX 3090", "RTX 6000 Ada", "RTX PRO 6000", "Apple", "AMD Instinct MI250X")

PROFILES = [("NIM", "tensorrt-llm"), ("TensorRT", "tensorrt-llm"), ("NVIDIA MLPerf", "tensorrt-llm"),
            ("vLLM", "vllm"), ("AMD MLPerf", "vllm"), ("SGLang", "sglang"),
            ("llama.cpp", "llama.cpp"), ("LMDeploy", "lmdeploy"), ("gpt-fast", "gpt-fast")]


def _peaks() -> dict:
    """hardware id -> the precision names whose FLOP/s column the sheet fills."""
    import tomllib
    columns = {name: spec["column"] for name, spec in
               tomllib.loads((DATA / "precisions.toml").read_text("utf-8")).items()}
    with (DATA / "hardware.csv").open(newline="", encoding="utf-8") as handle:
        return {row["id"]: {name for name, column in columns.items() if row[column].strip()}
                for row in csv.DictReader(handle)}


PEAKS = _peaks()


# A rate-driven run whose achieved request rate falls below this share of the offered rate
# was overloaded: the queue grew for the whole run, so its TTFT measures the run's length,
# not the system; the server ran at its full batch, which is the offline steady state.
OVERLOAD = 0.8
SATURATED: dict = {}  # TensorRT-LLM serving configuration -> its QPS=INF request rate


def overloaded(offered: float, achieved: float) -> str:
    return (f"Overloaded: offered {offered:g} req/s, achieved {achieved:.2f} req/s "
            f"(< {OVERLOAD:g} x offered), so the queue grew all run: treated as offline "
            "(saturated throughput); its TTFT is queueing time, not a steady-state value.")


def first(pairs, text, how=str.startswith):
    for key, *value in pairs:
        if how(text.lower(), key.lower()):
            return value
    return None


def number(text: str) -> float | None:
    match = re.match(r"\s*([0-9]+(?:\.[0-9]+)?)", text or "")
    return float(match.group(1)) if match else None


def fmt(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        text = f"{value:.6g}"
        return text
    return str(value)


def precision_of(text: str, notes: list[str]) -> str:
    low = text.lower()
    if "uncertain" in low and "not stated" in low:
        return ""
    if "int8 weight-only" in low:
        notes.append("INT8 weight-only: int8 weights, fp16/bf16 compute (w8a16).")
        return "w8a16"
    if "int4 weight-only" in low:
        notes.append("INT4 weight-only (group 32): int4 weights, fp16/bf16 compute.")
        return "int4"
    if "mxfp4" in low:
        notes.append("MXFP4 recorded as fp4 (MXFP4 covers the MoE experts; attention is BF16 "
                     "as released).")
        return "fp4"
    if low.startswith("fp8"):
        if "kv" in low:
            notes.append("FP8 KV cache.")
        return "fp8"
    if low.startswith("fp4"):
        return "fp4"
    if low.startswith("bf16"):
        return "bf16"
    if low.startswith(("fp16", "f16")):
        return "fp16"
    if low.startswith("q4_k_m"):
        return "q4_k_m"
    if low.startswith("q4_0"):
        return "q4_0"
    raise SystemExit(f"unmapped precision {text!r}")


def parallel_shape(row) -> tuple[str, str, str]:
    """(tensor_parallel, replicas, note) from the parallelism text; blanks when not TP."""
    text, gpus = row["parallelism"], int(row["num_gpus"])
    if "PP" in text and not text.endswith("PP1"):
        return "", "", f"pipeline parallel ({text}): not a tensor-parallel shape."
    if text.startswith("llama.cpp layer split"):
        return "", "", f"llama.cpp splits layers over {gpus} GPUs (run in sequence), not TP."
    if text == "none":
        return "1", "1", ""
    match = re.match(r"TP(\d+) x (\d+) replicas", text)
    if match:
        return match.group(1), match.group(2), ""
    match = re.match(r"TP(\d+)", text)
    if match and int(match.group(1)) == gpus:
        note = ""
        if "DP attention" in text:
            note = ("SGLang --enable-dp-attention: attention runs data-parallel over the 8 GPUs, "
                    "MoE/dense layers tensor-parallel.")
        return match.group(1), "1", note
    if text == "not checked (TP2 in NVIDIA base config)":
        return "2", str(gpus // 2), ("TP2 x 4 taken from NVIDIA's base config; the submitter's "
                                      "own config was not checked (assumption).")
    if text == "not checked (TP1 per GPU in NVIDIA config)":
        return "1", str(gpus), ("TP1 per GPU taken from NVIDIA's config; the submitter's own "
                                 "config was not checked (assumption).")
    if text.startswith("not checked for v5.0"):
        return "1", str(gpus), "TP1 x 8 from AMD's v5.1 harness config (v5.0 not checked)."
    return "", "", f"parallelism not stated ({text})."


def achieved_rate(row) -> float | None:
    match = re.search(r"completed samples/s ([0-9.]+)", row["other_metric"])
    if match:
        return float(match.group(1))
    match = re.search(r"achieved ([0-9.]+) req/s", row["other_metric"])
    return float(match.group(1)) if match else None


def mlperf_max_batch(row, mode) -> str:
    text = row["batch_or_concurrency"]
    both = re.search(r"gpu_batch_size (\d+) offline / (\d+) server", text)
    if both:
        return both.group(2) if mode == "server" else both.group(1)
    if re.search(r"gpu_batch_size (\d+) offline", text):
        return "" if mode == "server" else re.search(r"gpu_batch_size (\d+)", text).group(1)
    match = re.search(r"gpu_batch_size (\d+)|max_num_seqs (\d+)", text)
    return next(g for g in match.groups() if g) if match else ""


def condition(row) -> dict:
    out = {c: "" for c in COLUMNS}
    out["id"] = row["id"]
    notes: list[str] = []
    why: list[str] = []
    src, gpu, label = row["source_key"], row["gpu"], row["model"]

    model = first(MODELS, label, how=lambda text, key: key in text)
    out["model"] = model[0] if model else ""
    if not model:
        why.append("model not in catalog")
    if any(gpu.startswith(p) for p in NOT_IN_CATALOG):
        why.append(f"chip '{gpu}' not in hardware.csv")
    else:
        hw = first(HARDWARE, gpu)
        if not hw:
            raise SystemExit(f"unmapped gpu {gpu!r}")
        out["hardware"] = hw[0]
        if hw[1]:
            notes.append(hw[1])
        if "power-limited 330W" in gpu:
            notes.append("A100s power-limited to 330 W (README).")
    out["precision"] = precision_of(row["precision"], notes)
    if not out["precision"]:
        why.append("precision not stated (UNCERTAIN)")
    elif "UNCERTAIN" in row["precision"]:
        why.append("precision UNCERTAIN in the source")
    if out["hardware"] and out["precision"] and out["precision"] not in PEAKS[out["hardware"]]:
        why.append(f"hardware.csv has no {out['precision']} peak for {out['hardware']}")
    tp, rep, note = parallel_shape(row)
    out["tensor_parallel"], out["replicas"] = tp, rep
    if note:
        notes.append(note)
    if not tp:
        why.append("deployment not a tensor-parallel x replicas shape" if "not stated" not in note
                   else "parallelism not stated")
    out["profile"] = first(PROFILES, row["software"], how=lambda text, key: key.lower() in text)[0]

    mode = row["mode"]
    inp, outp = number(row["input_tokens"]), number(row["output_tokens"])
    thr = number(row["output_throughput_tok_s"])
    ttft = number(row["ttft_ms"])
    tpot = number(row["itl_tpot_ms"])
    scope = row["throughput_scope"]
    load = row["batch_or_concurrency"]
    rate = achieved_rate(row)

    # ---- per-source judgement ------------------------------------------------------------
    if src in ("trtllm-perf-v1.0", "trtllm-perf-v0.17"):
        notes.append("trtllm-bench max-throughput run: output tokens/s of the whole deployment; "
                     "runtime max batch chosen by trtllm-bench (not stated).")
        if "MoE" in row["notes"]:
            notes.append("MoE expert-parallel size not stated.")
    elif src == "trtllm-perf-v0.5":
        mode = "latency"
        out["batch"] = "1"
        notes.append("Time to first token at batch 1, output 1 token.")
        if label.startswith("LLaMA 70B"):
            notes.append("'LLaMA 70B' read as Llama-2-70B (LLaMA 1 has no 70B).")
        if label.startswith("LLaMA 7B"):
            notes.append("'LLaMA 7B' mapped to llama-7b (same shape as Llama-2-7B).")
    elif src == "xiongjiedai-gpu-bench":
        mode = "latency"
        out["batch"] = "1"
        if row["id"].startswith("llamacpp-llama-2"):
            inp, outp = 1, 128
            notes.append("Text-generation (tg) speed measured apart from prompt processing; "
                         "input 1 token and llama-bench's default 128 generated tokens assumed.")
        elif row["id"].startswith("llamacpp-llama3"):
            inp = 1
            notes.append("llama-bench tg512: 512 tokens generated from an empty prompt (input 1).")
        else:
            inp = 1
            notes.append("Generation of 1024 tokens measured apart from the 1024-token prompt "
                         "evaluation: input 1 token assumed.")
        tpot = 1 / thr * 1000
        thr = None  # the same measurement: one point (TPOT), not two
        notes.append("tpot_s = 1/tokens-per-second (single stream); throughput left blank so "
                     "the one measurement is one point.")
    elif src == "gpt-fast-readme":
        mode = "latency"
        out["batch"] = "1"
        outp = 200
        notes.append("Prompt 'Hello, my name is' (5 tokens, README); 200 generated tokens: the "
                     "README commands pass no --max_new_tokens and generate.py's default is 200 "
                     "(pytorch-labs/gpt-fast generate.py @a4bd2f89 and @0055c42d; the "
                     "measurement row's note says 100). tpot_s = 1/tokens-per-second; "
                     "throughput left blank (the same measurement, one point).")
        tpot = 1 / thr * 1000
        thr = None
    elif src == "trtllm-serving-v0.14":
        if "INF" in load:
            mode = "offline"
            notes.append("QPS=INF: all 500 requests at once, treated as offline; TTFT is "
                         "queueing time.")
        else:
            offered = float(re.search(r"QPS=(\d+)", load).group(1))
            saturated = SATURATED[row["id"].rsplit("-qps", 1)[0]]
            if rate >= 0.85 * saturated:
                mode = "offline"
                notes.append(f"Overloaded: achieved {rate:g} req/s of {offered:g} offered, as "
                             f"much as the all-at-once run ({saturated:g} req/s): treated as "
                             "offline (saturated throughput); its TTFT is queueing time.")
            else:
                out["request_rate_per_s"] = fmt(offered)
                notes.append(f"Poisson arrivals at the offered {offered:g} req/s (the table's "
                             f"'achieved {rate:g} req/s' divides 500 requests by a run that "
                             "includes the last requests' tail, so it reads low).")
        notes.append("Mean TTFT; mean ITL used as TPOT.")
    elif src.startswith("mlperf-inf"):
        if mode == "server":
            out["request_rate_per_s"] = fmt(rate)
            if "interactive" in row["id"]:
                notes.append("MLPerf Interactive scenario (tighter TTFT/TPOT limits).")
        out["max_batch"] = mlperf_max_batch(row, mode)
        if out["max_batch"]:
            per = "per replica (per GPU at TP1, per TP engine otherwise)"
            notes.append(f"max_batch = MLPerf gpu_batch_size / max_num_seqs, {per}.")
        if "accuracy reference" in row["output_tokens"]:
            outp = None
            why.append("output length is the accuracy reference TOKENS_PER_SAMPLE, not the "
                       "measured mean")
        else:
            notes.append("Output mean computed in the source as tokens/s / samples/s.")
        inp = None
        why.append("mean input length of the MLPerf dataset not stated in the source "
                   "(variable-length)")
        if ttft is not None:
            notes.append("Mean TTFT/TPOT from the MLPerf log.")
    elif src == "nvidia-nim-bench-1.0":
        out["concurrency"] = str(int(number(load.replace("concurrency", ""))))
        notes.append("Closed loop at a fixed concurrency for the whole 2-GPU system; TTFT and "
                     "ITL as printed (AIPerf), ITL used as TPOT. Above ~100 concurrent the "
                     "server is saturated and TTFT is queueing.")
    elif src == "amd-rocm-perf-results":
        if mode == "latency":
            out["batch"] = str(int(number(load.replace("batch", ""))))
            notes.append("Static batch, end-to-end latency only: tpot_s = latency / 2048 "
                         "(computed in the source row; includes the 128-token prefill). The "
                         "row's throughput (batch x 2048 / latency) is the same number, left "
                         "blank: one point.")
            thr = None
        else:
            out["max_batch"] = re.search(r"max_num_seqs (\d+)", load).group(1)
            why.append("throughput column does not say output vs total tokens (UNCERTAIN)")
    elif src == "oracle-oci-mi300x-blog":
        if mode == "latency":
            out["batch"] = str(int(number(load.replace("batch", ""))))
            notes.append("vLLM benchmark_latency.py static batch: throughput = batch x 128 / "
                         "average latency, prefill included; no TPOT derived.")
    elif src == "lmdeploy-a100-fp16-bench":
        out["batch"] = str(int(number(load.replace("batch", ""))))
        if mode == "offline":
            notes.append("Static batch (no continuous batching): recorded as latency mode with "
                         "its batch (llm_measurements.csv labels it offline).")
        mode = "latency"
        notes.append("TTFT = mean first-token latency; TPOT = median per-token latency.")
    elif src == "datacrunch-h200-sglang":
        if "request rate inf" in load:
            mode = "offline"
        else:
            offered = float(re.search(r"rate ([0-9.]+) req/s", load).group(1))
            prompts = int(re.search(r"(\d+) prompts", load).group(1))
            duration = float(re.search(r"duration ([0-9.]+) s", row["other_metric"]).group(1))
            achieved = prompts / duration
            if achieved < OVERLOAD * offered:
                mode = "offline"
                notes.append(overloaded(offered, achieved) + f" (achieved = {prompts} prompts / "
                             f"{duration} s).")
            else:
                out["request_rate_per_s"] = fmt(offered)
                notes.append(f"Offered Poisson rate; achieved {achieved:.2f} req/s "
                             f"({prompts} prompts / {duration} s).")
        notes.append("Input/output = means computed from the bench_serving token totals; "
                     "median TTFT, median ITL used as TPOT.")
    elif src == "datacrunch-dsv3-sglang":
        out["request_rate_per_s"] = fmt(float(re.search(r"rate ([0-9.]+) req/s", load).group(1)))
        why.append("provenance UNCERTAIN (the stored file's repository was not resolved)")
        if out["precision"] == "bf16":
            why.append("'BF16' weights of a 671B model cannot fit 8 x 141 GB: the stated "
                       "precision is doubtful")
        notes.append("Median TTFT and median TPOT.")
    elif src == "sglang-b200-cookbook-gist":
        mode = "latency"
        out["batch"] = "1"
        notes.append("Concurrency 1: single-stream decode; TPOT as printed. The single-stream "
                     f"tokens/s ({thr:g}) is the same run: left blank, one point.")
        if abs(thr * tpot / 1000 - 1) > 0.2:
            notes.append(f"It also disagrees with the TPOT ({1000 / tpot:.0f} tokens/s), so "
                         "it may count something else.")
        thr = None
    elif src == "sglang-vs-vllm060-readme":
        if mode == "server":
            out["request_rate_per_s"] = fmt(float(re.search(r"rate ([0-9.]+) req/s",
                                                             load).group(1)))
        why.append("ShareGPT prompt lengths not stated (variable length)")
        inp = None
        if mode == "server":
            outp = None
    elif src == "gpustack-perf-lab":
        why.append("load level (prompt count / request rate) not captured (UNCERTAIN); output "
                   "rate derived from total tokens/s")
    else:
        raise SystemExit(f"no rule for source {src!r}")

    # ---- throughput scope: whole system, output tokens --------------------------------------
    if thr is not None:
        if "UNCERTAIN" in scope and "output vs total" in scope:
            notes.append(f"Page prints {thr:g} tokens/s without saying output or total: left "
                         "blank.")
        elif scope.startswith("total (=per GPU)") or scope.startswith("total"):
            out["throughput_output_tokens_per_s"] = fmt(thr)
        elif scope.startswith("single stream"):
            out["throughput_output_tokens_per_s"] = fmt(thr)
        else:
            raise SystemExit(f"unknown scope {scope!r}")
        if "computed = Total TPS" in scope:
            notes.append("Output throughput = total tokens/s x output/(input+output), computed "
                         "in the source row.")

    out["mode"] = mode
    out["input_tokens"] = fmt(inp)
    out["output_tokens"] = fmt(outp)
    out["ttft_s"] = fmt(ttft / 1000) if ttft is not None else ""
    out["tpot_s"] = fmt(tpot / 1000) if tpot is not None else ""
    if not out["input_tokens"] and "mean input length" not in " ".join(why) \
            and "ShareGPT" not in " ".join(why):
        why.append("input length unknown")
    if not out["output_tokens"] and not any("output length" in w or "ShareGPT" in w for w in why):
        why.append("output length unknown")
    out["use"] = "no" if why else "yes"
    out["why_not"] = "; ".join(why)
    out["notes"] = " ".join(notes)
    return out


def main() -> int:
    with SOURCE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # the TensorRT-LLM serving table's all-at-once (QPS=INF) run: the saturated request rate
    SATURATED.update({row["id"].rsplit("-qps", 1)[0]: achieved_rate(row) for row in rows
                      if row["source_key"] == "trtllm-serving-v0.14" and row["id"].endswith("inf")})
    built = [condition(row) for row in rows]
    with TARGET.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(built)
    used = sum(r["use"] == "yes" for r in built)
    print(f"{len(built)} rows, {used} used, {len(built) - used} not used -> {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
