"""Serving iterative generators: images, video and speech on a roofline, step by step.

Diffusion and flow models (images, video, flow TTS) run their network ``steps`` times over the
whole output; autoregressive speech models run it once per audio token. Both are a loop of
network passes, each of which

- does ``batch x passes x F_step`` FLOPs (a batch of outputs, ``passes`` = 2 with
  classifier-free guidance, Ho & Salimans 2022, eq. 6), and
- reads the network's weights once, whatever the batch (the memory term of the roofline,
  Williams, Waterman & Patterson 2009; seed 002 for the LLM analogue).

So one pass takes ``max(work / (P e_c), W / (B e_m)) + t_overhead`` (:func:`pass_seconds`),
and a run ``steps`` passes plus the once-per-output work (text encoders) at the compute rate
(:func:`run_seconds`). The efficiencies e_c, e_m and the overhead are the serving profiles'
(``serving_profiles.toml``), fitted on LLM measurements: the media estimators borrow them, and
say so. The weights are the only memory traffic counted (activations, VAE decode are not).

The UNet of SD 1.x / SDXL mixes convolutions at four resolutions with attention; its FLOPs are
not rebuilt here from structure: a published per-pass figure at a reference resolution is
scaled by the number of pixels (:func:`scaled_step_flops`), which holds for the convolutions
and the linear layers and understates the self-attention share at larger sizes.
"""

from __future__ import annotations

import numpy as np

from ._inputs import non_negative, positive, scalar_or_array, vectorised, whole_count
from .llm import roofline_seconds
from .serving import ALLREDUCES_PER_LAYER, allreduce_seconds

SECONDS_PER_MINUTE = 60.0


@vectorised
def scaled_step_flops(ref_step_flops, width_px, height_px, ref_width_px, ref_height_px):
    """FLOPs of one UNet pass at a new size, scaled from a published one by pixel count.

    .. math:: F_{step} = F_{ref} \\cdot \\frac{W H}{W_{ref} H_{ref}}

    Convolutions and the transformer blocks' linear layers cost in proportion to the latent
    pixels, and the latent is the image divided by the VAE factor in each direction, so the
    ratio of latent pixels is the ratio of image pixels. Self-attention grows faster
    (quadratically), so this understates larger images.

    Parameters
    ----------
    ref_step_flops : array_like
        F_ref, one network pass at the reference size, as published [FLOP].
    width_px, height_px : array_like
        The size wanted [pixels].
    ref_width_px, ref_height_px : array_like
        The size F_ref was counted at [pixels].

    Returns
    -------
    float or ndarray
        F_step [FLOP].

    Examples
    --------
    SDXL: 2.98876 T multiply-adds per UNet pass at 1024 x 1024 (T-GATE, Zhang et al. 2024,
    Table 2: 149.438 T MACs for 25 steps x 2 passes) is 5.97752 TFLOP; at 512 x 512, a
    quarter:

    >>> scaled_step_flops(5.97752e12, 512, 512, 1024, 1024)
    1494380000000.0
    """
    reference = positive("ref_step_flops", ref_step_flops, "FLOP")
    width = positive("width_px", width_px, "pixels")
    height = positive("height_px", height_px, "pixels")
    ref_width = positive("ref_width_px", ref_width_px, "pixels")
    ref_height = positive("ref_height_px", ref_height_px, "pixels")
    return scalar_or_array(reference * (width * height) / (ref_width * ref_height))


@vectorised
def weight_bytes(params, bytes_per_param, text_encoder_params=0.0, vae_params=0.0,
                 vocoder_params=0.0):
    """Bytes of a pipeline's weights: (N + N_text + N_vae + N_vocoder) x b [B].

    Parameters
    ----------
    params : array_like
        N, the denoiser (UNet, transformer) or speech network [parameters].
    bytes_per_param : array_like
        b, bytes per weight at the precision served [B].
    text_encoder_params, vae_params, vocoder_params : array_like, optional
        The other networks kept in memory [parameters]. Default 0 (the denoiser alone, the
        bytes read at every step).

    Returns
    -------
    float or ndarray
        [B].

    Examples
    --------
    SDXL in bf16: a 2.57B-parameter UNet and 817M of text encoders:

    >>> weight_bytes(2.57e9, 2), weight_bytes(2.57e9, 2, 817e6)
    (5140000000.0, 6774000000.0)
    """
    count = non_negative("params", params, "parameters")
    size = positive("bytes_per_param", bytes_per_param, "bytes per parameter")
    text = non_negative("text_encoder_params", text_encoder_params, "parameters")
    vae = non_negative("vae_params", vae_params, "parameters")
    vocoder = non_negative("vocoder_params", vocoder_params, "parameters")
    return scalar_or_array((count + text + vae + vocoder) * size)


@vectorised
def vocoder_flops(flops_per_audio_second, output_seconds):
    """FLOPs of a vocoder turning one clip's frames into a waveform, run once per output.

    .. math:: F_{vocoder} = f_{voc} \\cdot t_{audio}

    A convolutional vocoder (WaveGlow, HiFi-GAN) applies every weight at a fixed rate of
    positions per second of audio, so its work is a per-second figure times the duration;
    each layer's rate is in the figure (2 FLOPs per weight per position, Kaplan et al. 2020,
    Table 1).

    Parameters
    ----------
    flops_per_audio_second : array_like
        f_voc, the vocoder's FLOPs per second of audio [FLOP/s of audio].
    output_seconds : array_like
        t_audio, the clip's duration [s].

    Returns
    -------
    float or ndarray
        F_vocoder [FLOP].

    Examples
    --------
    HiFi-GAN V1 at 22,050 Hz: 307,052,544 multiply-adds per mel frame at 86.13 frames/s is
    52.89 GFLOP per second of audio; the DeepLearningExamples benchmark's 8.05 s clip:

    >>> round(vocoder_flops(52_894_598_400, 8.05) / 1e9, 3)
    425.802
    """
    rate = non_negative("flops_per_audio_second", flops_per_audio_second, "FLOP/s of audio")
    duration = positive("output_seconds", output_seconds, "s")
    return scalar_or_array(rate * duration)


@vectorised
def generation_flops(step_flops, steps, guidance_passes=1, once_flops=0.0):
    """FLOPs of one output: every pass of every step, plus the work done once per output.

    .. math:: F_{total} = n_{steps} \\cdot g \\cdot F_{step} + F_{once}

    Parameters
    ----------
    step_flops : array_like
        F_step, one network pass for one output [FLOP].
    steps : array_like
        n_steps: denoising steps, or audio tokens for an autoregressive model [steps].
    guidance_passes : array_like, optional
        g, passes per step: 2 with classifier-free guidance [passes]. Default 1.
    once_flops : array_like, optional
        F_once, the text encoders' work per output [FLOP]. Default 0.

    Returns
    -------
    float or ndarray
        F_total [FLOP].

    Examples
    --------
    SDXL at 1024 x 1024, 30 steps with guidance, 77 prompt tokens through 817M text-encoder
    parameters (2 x 817e6 x 77 = 1.25818e11):

    >>> generation_flops(5.97752e12, 30, 2, 1.25818e11)
    358777018000000.0
    """
    step = positive("step_flops", step_flops, "FLOP")
    count = positive("steps", steps, "steps")
    passes = positive("guidance_passes", guidance_passes, "passes")
    once = non_negative("once_flops", once_flops, "FLOP")
    return scalar_or_array(count * passes * step + once)


@vectorised
def pass_seconds(step_flops, batch, guidance_passes, weight_bytes_read, flops_per_s, bytes_per_s,
                 compute_efficiency, memory_efficiency, step_overhead_s=0.0, comm_s=0.0):
    """Time of one denoising step (or one audio token) for a batch, on the roofline [s].

    .. math:: t_{step} = \\max\\left(\\frac{b\\, g\\, F_{step}}{P e_c},
              \\frac{W}{B e_m}\\right) + t_{overhead} + t_{comm}

    Parameters
    ----------
    step_flops : array_like
        F_step, one pass for one output [FLOP].
    batch : array_like
        b, outputs generated together [outputs], whole.
    guidance_passes : array_like
        g, passes per step (2 with classifier-free guidance) [passes].
    weight_bytes_read : array_like
        W, the network's weights, read once per step [B] (0 when unknown: compute only).
    flops_per_s, bytes_per_s : array_like
        P and B of the devices running one copy of the model [FLOP/s], [B/s].
    compute_efficiency, memory_efficiency : array_like
        e_c, e_m: fractions of peak reached [fraction].
    step_overhead_s : array_like, optional
        t_overhead, fixed cost per step (launches, scheduler) [s]. Default 0.
    comm_s : array_like, optional
        t_comm, the step's communication between the devices of one copy
        (:func:`split_step_comm_seconds`) [s]. Default 0.

    Returns
    -------
    float or ndarray
        t_step [s].

    Examples
    --------
    One SDXL image, 5.97752 TFLOP per pass, two passes, 5.14 GB of bf16 UNet weights, on an
    H100 SXM (989.4 TFLOP/s, 3.35 TB/s) at 64% and 92% of peak: compute-bound,
    11.95504e12 / 633.216e12 = 18.88 ms:

    >>> round(pass_seconds(5.97752e12, 1, 2, 5.14e9, 989.4e12, 3.35e12, 0.64, 0.92), 5)
    0.01888
    """
    count = whole_count("batch", batch, "outputs")
    passes = positive("guidance_passes", guidance_passes, "passes")
    step = positive("step_flops", step_flops, "FLOP")
    overhead = non_negative("step_overhead_s", step_overhead_s, "s")
    comm = non_negative("comm_s", comm_s, "s")
    seconds = roofline_seconds(count * passes * step, weight_bytes_read, flops_per_s, bytes_per_s,
                               compute_efficiency, memory_efficiency)
    return scalar_or_array(np.asarray(seconds) + overhead + comm)


@vectorised
def split_step_comm_seconds(tokens, hidden_size, layers, batch, guidance_passes, devices,
                            interconnect_bytes_per_s, link_efficiency, latency_s,
                            activation_bytes=2.0):
    """Communication of one step when a copy of the network is split over ``devices``:
    tensor parallelism's two all-reduces per layer (Megatron-LM, Shoeybi et al. 2019, fig. 3)
    of the activations of every token of the batch's passes, as the LLM estimator counts them.

    .. math:: t_{comm} = 2 L \\cdot t_{allreduce}(b\\, g\\, s\\, d\\, a,\\ p)

    Parameters
    ----------
    tokens : array_like
        s, tokens one pass sees [tokens].
    hidden_size, layers : array_like
        d [features] and L [layers] of the network.
    batch, guidance_passes : array_like
        b outputs and g passes per step.
    devices : array_like
        p, devices one copy is split over (1: no communication).
    interconnect_bytes_per_s, link_efficiency, latency_s : array_like
        The device's link, both directions [B/s], the share reached and one all-reduce's
        fixed latency [s] (:func:`xlcpb.engine.serving.allreduce_seconds`).
    activation_bytes : array_like, optional
        a, bytes per exchanged value. Default 2 (bf16).

    Returns
    -------
    float or ndarray
        t_comm [s].

    Examples
    --------
    HunyuanVideo at 720p (118,800 + 256 tokens of 3,072, 60 layers) over 8 H100 (900 GB/s
    both ways at 55%, 37.5 us each): 120 all-reduces of 731.5 MB, 0.6 s a step:

    >>> round(split_step_comm_seconds(119056, 3072, 60, 1, 1, 8, 900e9, 0.55, 37.5e-6), 3)
    0.625
    """
    count = non_negative("tokens", tokens, "tokens")
    width = positive("hidden_size", hidden_size, "features")
    depth = positive("layers", layers, "layers")
    outputs = whole_count("batch", batch, "outputs")
    passes = positive("guidance_passes", guidance_passes, "passes")
    size = positive("activation_bytes", activation_bytes, "B")
    message = outputs * passes * count * width * size
    one = allreduce_seconds(message, devices, interconnect_bytes_per_s, link_efficiency,
                            latency_s)
    return scalar_or_array(ALLREDUCES_PER_LAYER * depth * np.asarray(one))


@vectorised
def compute_bound(step_flops, batch, guidance_passes, weight_bytes_read, flops_per_s, bytes_per_s,
                  compute_efficiency, memory_efficiency):
    """Whether a step's arithmetic outlasts its weight reads (the roofline's compute side).

    >>> compute_bound(5.97752e12, 1, 2, 5.14e9, 989.4e12, 3.35e12, 0.64, 0.92)
    True
    >>> compute_bound(8.86e8, 1, 1, 8.86e8, 242e12, 300e9, 0.64, 0.92)  # XTTS, one token
    False
    """
    count = whole_count("batch", batch, "outputs")
    passes = positive("guidance_passes", guidance_passes, "passes")
    step = positive("step_flops", step_flops, "FLOP")
    compute = roofline_seconds(count * passes * step, 0.0, flops_per_s, bytes_per_s,
                               compute_efficiency, memory_efficiency)
    memory = roofline_seconds(0.0, weight_bytes_read, flops_per_s, bytes_per_s,
                              compute_efficiency, memory_efficiency)
    result = np.asarray(compute) >= np.asarray(memory)
    return bool(result) if result.ndim == 0 else result


@vectorised
def run_seconds(step_s, steps, batch, once_flops, flops_per_s, compute_efficiency):
    """Time to generate a batch: every step, then the once-per-output work at the compute
    rate (text encoders are compute-bound over a whole prompt) [s].

    .. math:: t_{run} = n_{steps}\\, t_{step} + \\frac{b\\, F_{once}}{P e_c}

    Examples
    --------
    30 steps of 18.88 ms and one 1.26e11-FLOP prompt at 633.2 TFLOP/s:

    >>> round(run_seconds(0.01888, 30, 1, 1.26e11, 989.4e12, 0.64), 4)
    0.5666
    """
    step = non_negative("step_s", step_s, "s")
    count = positive("steps", steps, "steps")
    outputs = whole_count("batch", batch, "outputs")
    once = roofline_seconds(outputs * non_negative("once_flops", once_flops, "FLOP"), 0.0,
                            flops_per_s, 1.0, compute_efficiency, 1.0)
    return scalar_or_array(count * step + np.asarray(once))


@vectorised
def units_per_second(batch, seconds, replicas=1):
    """Outputs per second of the whole system: replicas x batch / run time [outputs/s].

    >>> units_per_second(4, 2.0, 3)
    6.0
    """
    outputs = whole_count("batch", batch, "outputs")
    duration = positive("seconds", seconds, "s")
    copies = whole_count("replicas", replicas, "replicas")
    return scalar_or_array(copies * outputs / duration)


@vectorised
def per_output_second(value, output_seconds):
    """A quantity per second of generated audio or video, e.g. compute seconds per second
    of output (the real-time factor: below 1 is faster than real time).

    >>> per_output_second(30.0, 60.0)
    0.5
    """
    amount = non_negative("value", value, "per output")
    duration = positive("output_seconds", output_seconds, "s")
    return scalar_or_array(amount / duration)


@vectorised
def per_output_minute(value, output_seconds):
    """A quantity per minute of generated audio or video (a cost per minute) [per min].

    >>> per_output_minute(0.01, 5.0)
    0.12
    """
    return scalar_or_array(SECONDS_PER_MINUTE * np.asarray(per_output_second(value,
                                                                             output_seconds)))


@vectorised
def cost_per_output(price_per_device_hour, devices, seconds, batch):
    """Cost of one output: the devices of one copy for the run time, shared by the batch.

    .. math:: C = \\frac{price \\times devices \\times t_{run}}{3600\\, b}

    Examples
    --------
    One H100 at $3.00/h for a 2-second run of 4 images: $0.0004167 each:

    >>> round(cost_per_output(3.0, 1, 2.0, 4), 7)
    0.0004167
    """
    price = non_negative("price_per_device_hour", price_per_device_hour, "currency/(device h)")
    count = whole_count("devices", devices, "devices")
    duration = non_negative("seconds", seconds, "s")
    outputs = whole_count("batch", batch, "outputs")
    return scalar_or_array(price * count * duration / (3600.0 * outputs))


@vectorised
def realised_time_per_byte(seconds, batch, size_bytes):
    """The T_byte a deployment reaches: run time per output over the output's bytes [s/B],
    the realistic counterpart of the paper's F_byte / P_hardware (eq. 6).

    >>> realised_time_per_byte(2.0, 4, 3_145_728)
    1.5894571940104166e-07
    """
    duration = non_negative("seconds", seconds, "s")
    outputs = whole_count("batch", batch, "outputs")
    size = positive("size_bytes", size_bytes, "B")
    return scalar_or_array(duration / outputs / size)


@vectorised
def joint_tokens(latent_tokens, text_tokens):
    """Tokens of an MMDiT's joint attention: the latent's and the prompt's together
    (Esser et al. 2024, SD3, sec. 4: "we concatenate the sequences of both modalities").

    >>> joint_tokens(4096, 333)
    4429.0
    """
    latent = positive("latent_tokens", latent_tokens, "tokens")
    text = non_negative("text_tokens", text_tokens, "tokens")
    return scalar_or_array(latent + text)


@vectorised
def precision_efficiency(compute_efficiency, precision_factor):
    """The compute efficiency at a low-precision peak: the profile's share of peak times the
    share of it reached at 8- or 4-bit rates (``fp8_compute_factor`` of the profiles).

    >>> precision_efficiency(0.64, 0.75)
    0.48
    """
    share = positive("compute_efficiency", compute_efficiency, "fraction of peak")
    factor = positive("precision_factor", precision_factor, "fraction")
    return scalar_or_array(share * factor)


@vectorised
def clip_seconds(frames, fps):
    """Duration of a clip of ``frames`` at ``fps`` [s]: Wan2.1's 81 frames at 16 fps.

    >>> clip_seconds(81, 16)
    5.0625
    """
    count = positive("frames", frames, "frames")
    rate = positive("fps", fps, "frames/s")
    return scalar_or_array(count / rate)


@vectorised
def weights_fit(weight_bytes_total, memory_bytes, usable_fraction):
    """Whether a pipeline's weights fit in the usable share of one copy's memory.

    >>> weights_fit(24e9, 24e9, 0.9), weights_fit(6.8e9, 24e9, 0.9)
    (False, True)
    """
    weights = non_negative("weight_bytes_total", weight_bytes_total, "B")
    memory = positive("memory_bytes", memory_bytes, "B")
    usable = positive("usable_fraction", usable_fraction, "fraction")
    result = weights <= memory * usable
    return bool(result) if np.ndim(result) == 0 else result
