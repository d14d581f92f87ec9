"""Diffusion-transformer FLOPs from structure (xlcpb.engine.diffusion), checked by hand and
against the published figures of the DiT paper (Peebles & Xie 2023, Table 4)."""

import json

import numpy as np
import pytest
import xlwings as xw
from hypothesis import given, settings
from hypothesis import strategies as st

from excel_calls import excel, scalar
from xlcpb import udfs
from xlcpb.cli import main
from xlcpb.data.sheet import load_bundled, load_sheet
from xlcpb.engine import media
from xlcpb.engine.diffusion import denoising_flops, latent_tokens, transformer_step_flops
from xlcpb.errors import CPBError
from xlcpb.estimators.media import (estimate_image, estimate_speech, estimate_video,
                                    media_profiles)
from xlcpb.estimators.llm import profile_efficiency
from xlcpb.estimators.media_calibration import (HOLDOUT, fit, leave_one_source_out,
                                                load_media_measurements, profile_of, score,
                                                summary)


def test_dit_xl2_matches_the_papers_gflops():
    # DiT-XL/2: 28 blocks, hidden 1,152, patch 2, 256 x 256 image -> 32 x 32 latent.
    # Table 4 reports 118.6 Gflops, counted as multiply-adds (2 FLOPs each).
    tokens = latent_tokens(256, 256, vae_factor=8, patch=2)
    assert tokens == 256.0
    block_params = 28 * 12 * 1152 ** 2  # 4 d^2 attention + 8 d^2 MLP per block
    # By hand: 2 x 445,906,944 x 256 + 4 x 28 x 256^2 x 1,152
    assert transformer_step_flops(block_params, tokens, 28, 1152) == (
        228_304_355_328 + 8_455_716_864)
    multiply_adds = transformer_step_flops(block_params, tokens, 28, 1152) / 2
    assert multiply_adds == pytest.approx(118.6e9, rel=0.01)


def test_attention_grows_quadratically_with_video_length():
    # Wan 2.1 14B shape (40 layers, d 5,120): doubling the latent frames doubles the weight
    # term but quadruples the attention term.
    short = latent_tokens(832, 480, 8, 2, frames=41, vae_temporal=4)   # 11 latent frames
    long = latent_tokens(832, 480, 8, 2, frames=85, vae_temporal=4)    # 22 latent frames
    assert (short, long) == (11 * 52 * 30, 22 * 52 * 30)
    attention_short = transformer_step_flops(1, short, 40, 5120) - 2 * short
    attention_long = transformer_step_flops(1, long, 40, 5120) - 2 * long
    assert attention_long / attention_short == pytest.approx(4.0)


def test_guidance_doubles_and_distilled_models_run_once():
    assert denoising_flops(1e12, 30) == 6e13
    assert denoising_flops(1e12, 4, guidance_passes=1) == 4e12


def test_vectorised_over_resolutions():
    got = latent_tokens(np.array([512, 1024]), np.array([512, 1024]))
    assert got.tolist() == [1024.0, 4096.0]


def test_bad_input_names_the_argument():
    with pytest.raises(CPBError, match="width_px"):
        latent_tokens(0, 512)
    with pytest.raises(CPBError, match="frames"):
        latent_tokens(512, 512, frames=0)


# -- the media catalog (xlcpb/data/media_models.csv) ------------------------------------------


def test_catalog_holds_the_models_people_budget_with_their_published_shapes():
    sheet = load_bundled()
    wanted = ["SDXL", "SD 1.5", "SD 3.5 Large", "FLUX.1-dev", "FLUX.1-schnell", "Wan2.1-14B",
              "Wan2.1-1.3B", "HunyuanVideo", "CogVideoX-5B", "LTX-Video", "Mochi", "F5-TTS",
              "Kokoro-82M", "XTTS-v2", "WaveNet", "PixArt-alpha", "Tacotron 2", "FastPitch", "Bark"]
    rows = {name: sheet.media_model(name) for name in wanted}
    assert all(row["source_url"] and row["checked_on"] for row in rows.values())
    # Wan2.1 wan_t2v_14B.py: dim 5120, 40 layers, patch (1, 2, 2), vae_stride (4, 8, 8).
    wan = rows["Wan2.1-14B"]
    assert (wan["hidden_size"], wan["layers"], wan["patch_size"], wan["vae_spatial_compression"],
            wan["vae_temporal_compression"]) == (5120, 40, 2, 8, 4)
    # FLUX.1: 19 double + 38 single blocks of 3,072; guidance-distilled: one pass per step.
    assert (rows["FLUX.1-dev"]["layers"], rows["FLUX.1-dev"]["guidance_passes"]) == (57, 1)
    # T-GATE Table 2: SDXL 149.438T MACs at 25 steps x 2 passes -> 2.98876 T MACs per pass.
    assert rows["SDXL"]["ref_step_flops"] == pytest.approx(2 * 149.438e12 / 50)
    # The paper's WaveNet: 1e9 FLOPs per sample at 24,000 samples/s (eq. 13).
    assert (rows["WaveNet"]["flops_per_audio_token"],
            rows["WaveNet"]["tokens_per_audio_second"]) == (1e9, 24000)
    # PixArt.py defaults: depth 28, hidden 1152, patch 2, 120 T5 tokens; app.py: 20 steps, cfg.
    pixart = rows["PixArt-alpha"]
    assert (pixart["layers"], pixart["hidden_size"], pixart["patch_size"], pixart["text_tokens"],
            pixart["default_steps"], pixart["guidance_passes"]) == (28, 1152, 2, 120, 20, 2)
    # Bark generation.py: 49.9 semantic tokens/s, then 2 coarse codebooks at 75 Hz, one token
    # per autoregressive pass.
    assert rows["Bark"]["tokens_per_audio_second"] == pytest.approx(49.9 + 2 * 75)
    # DeepLearningExamples: 22,050 Hz audio, hop 256 -> 86.13 mel frames per second.
    assert rows["Tacotron 2"]["tokens_per_audio_second"] == 22050 / 256


def test_users_add_their_own_media_model(tmp_path):
    assert main(["sheet", "add", "media_models", "--id", "our-dit", "--name", "Our DiT",
                 "--modality", "image", "--architecture", "dit", "--denoiser-params", "2e9",
                 "--hidden-size", "2048", "--layers", "24", "--patch-size", "2",
                 "--source-url", "https://example.org/our-dit", "--checked-on", "2026-11-22"]) == 0
    assert load_sheet().media_model("Our DiT")["denoiser_params"] == 2_000_000_000


# -- the media engine (xlcpb.engine.media) ----------------------------------------------------


def test_sdxl_at_1024_has_a_128_by_128_latent_and_guidance_doubles_the_denoiser():
    # f = 8: 1024 / 8 = 128 latent pixels a side; a UNet does not patchify (patch 1).
    assert latent_tokens(1024, 1024, vae_factor=8, patch=1) == 128 * 128
    # The T-GATE per-pass figure is at 1024 x 1024, so the scale factor is exactly 1.
    per_pass = media.scaled_step_flops(5.97752e12, 1024, 1024, 1024, 1024)
    assert per_pass == 5.97752e12
    with_cfg = media.generation_flops(per_pass, 30, 2)
    without = media.generation_flops(per_pass, 30, 1)
    assert with_cfg == 2 * without == 30 * 2 * 5.97752e12


def test_wan_14b_at_720p_5_seconds_by_hand():
    # 81 frames -> 1 + 80 / 4 = 21 latent frames of (1280 / 16) x (720 / 16) = 80 x 45 tokens.
    tokens = latent_tokens(1280, 720, 8, 2, frames=81, vae_temporal=4)
    assert tokens == 21 * 80 * 45 == 75_600
    # 2 x 14e9 x 75,600 + 4 x 40 x 75,600^2 x 5,120: attention is more than half of a step.
    step = transformer_step_flops(14e9, tokens, 40, 5120)
    assert step == pytest.approx(2.1168e15 + 4.68202291e15, rel=1e-9)


def test_a_step_is_compute_bound_for_images_and_memory_bound_for_a_speech_token():
    # H100 SXM: 989.4 TFLOP/s bf16, 3.35 TB/s; SDXL bf16 UNet 5.14 GB.
    assert media.compute_bound(5.97752e12, 1, 2, 5.14e9, 989.4e12, 3.35e12, 0.64, 0.92)
    # XTTS one token: 2 x 443M FLOPs against 886 MB of weights.
    assert not media.compute_bound(8.86e8, 1, 1, 8.86e8, 989.4e12, 3.35e12, 0.64, 0.92)
    # ... so that token's time is the weight read: 886e6 / (3.35e12 x 0.92) = 287.5 us.
    assert media.pass_seconds(8.86e8, 1, 1, 8.86e8, 989.4e12, 3.35e12, 0.64, 0.92) == \
        pytest.approx(8.86e8 / (3.35e12 * 0.92))


@given(steps=st.integers(1, 200), more=st.integers(1, 200), batch=st.integers(1, 64))
def test_more_steps_take_more_time(steps, more, batch):
    step = media.pass_seconds(1e12, batch, 2, 5e9, 989.4e12, 3.35e12, 0.64, 0.92, 0.004)
    assert media.run_seconds(step, steps + more, batch, 1e11, 989.4e12, 0.64) > \
        media.run_seconds(step, steps, batch, 1e11, 989.4e12, 0.64)


@given(devices=st.integers(1, 8), extra=st.integers(1, 8), flops=st.floats(1e9, 1e16),
       weights=st.floats(1e6, 1e11))
def test_more_devices_are_never_slower(devices, extra, flops, weights):
    def seconds(count):
        return media.pass_seconds(flops, 1, 2, weights, 989.4e12 * count, 3.35e12 * count,
                                  0.64, 0.92, 0.004)
    assert seconds(devices + extra) <= seconds(devices)


# -- estimators and CLI (xlcpb image | video | speech) ---------------------------------------

def _json_of(capsys, argv):
    assert main(argv + ["--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_sdxl_image_by_hand(capsys):
    # 30 steps x (2 x 5.97752e12 FLOP / (989.5e12 FLOP/s x e_c) + t_step) plus CLIP text
    # encoders 2 x 817e6 x 77 FLOPs at the same rate, at $2.50 per device-hour; e_c and
    # t_step are the diffusers profile's (media_profiles.toml, refitted below).
    got = _json_of(capsys, ["image", "SDXL", "H100 SXM", "--width", "1024", "--height", "1024",
                            "--steps", "30", "--price-per-hour", "2.50"])
    profile = media_profiles()["diffusers"]
    rate = 989.5e12 * profile["compute_efficiency"]
    step = 2 * 5.97752e12 / rate + profile["step_overhead_s"]
    seconds = 30 * step + 2 * 817e6 * 77 / rate
    assert got["seconds_per_unit"] == pytest.approx(seconds, rel=1e-12)
    assert got["units_per_s"] == pytest.approx(1 / seconds, rel=1e-12)
    assert got["cost_per_unit"] == pytest.approx(2.50 * seconds / 3600, rel=1e-12)
    assert got["bound"] == "compute" and got["fits"] is True
    # The paper's view: F_total at peak, and the output's raw bytes (1024 x 1024 x 3).
    total = 30 * 2 * 5.97752e12 + 2 * 817e6 * 77
    assert got["naive_seconds"] == pytest.approx(total / 989.5e12, rel=1e-12)
    assert got["output_bytes"] == 1024 * 1024 * 3
    assert got["flops_per_byte"] == pytest.approx(total / (1024 * 1024 * 3), rel=1e-12)


def test_wan_video_clip_answers_with_time_throughput_and_cost_per_minute(capsys):
    got = _json_of(capsys, ["video", "Wan2.1-14B", "H100 SXM", "--seconds", "5", "--width",
                            "1280", "--height", "720", "--fps", "16"])
    assert got["tokens"] == 75_600 and got["steps"] == 50 and got["guidance_passes"] == 2
    assert got["realtime_factor"] == pytest.approx(got["seconds_per_unit"] / 5)
    assert got["cost_per_minute"] == pytest.approx(got["cost_per_unit"] * 12)
    assert got["seconds_per_unit"] > got["naive_seconds"]


def test_f5_tts_minute_of_speech_on_l4(capsys):
    got = _json_of(capsys, ["speech", "F5-TTS", "L4", "--seconds", "60"])
    # 60 s x 93.75 mel frames; 32 flow steps, each conditional + unconditional.
    assert (got["tokens"], got["steps"], got["guidance_passes"]) == (5625, 32, 2)
    assert got["output_bytes"] == 60 * 24000 * 2
    assert 0 < got["realtime_factor"] < 1 and got["cost_per_minute"] > 0


def test_autoregressive_speech_is_memory_bound_one_token_at_a_time(capsys):
    got = _json_of(capsys, ["speech", "XTTS-v2", "L4", "--seconds", "60", "--profile",
                            "generic"])
    assert got["bound"] == "memory" and got["steps"] == pytest.approx(60 * 21.53)
    # Each of the 1,291.8 tokens reads 443M bf16 weights at 300 GB/s x the LLM generic
    # profile's memory efficiency, plus its fixed time per step.
    generic = profile_efficiency("generic", "NVIDIA")
    token = 443e6 * 2 / (300e9 * generic.memory) + generic.step_overhead_s
    assert got["seconds_per_unit"] == pytest.approx(60 * 21.53 * token, rel=1e-9)


def test_batching_shares_the_weight_reads_of_autoregressive_speech(capsys):
    one = _json_of(capsys, ["speech", "XTTS-v2", "L4", "--batch", "1"])
    eight = _json_of(capsys, ["speech", "XTTS-v2", "L4", "--batch", "8"])
    assert eight["units_per_s"] > 7 * one["units_per_s"]


def test_models_without_a_sourced_figure_or_of_another_modality_are_refused(capsys):
    assert main(["speech", "Kokoro-82M", "L4"]) == 2
    assert "tokens_per_audio_second" in capsys.readouterr().err
    assert main(["image", "Wan2.1-14B", "L4"]) == 2
    assert "makes video" in capsys.readouterr().err
    assert main(["image", "SDXL", "L4", "--batch", "max"]) == 2


# -- Excel: CPB_IMAGE_*, CPB_VIDEO_*, CPB_SPEECH_* through xlwings' call path --------------

def test_excel_functions_equal_the_estimators():
    seconds = scalar(udfs, "cpb_image_seconds", "SDXL", "H100 SXM", 1024, 1024, 30)
    assert seconds == estimate_image("SDXL", "H100 SXM", 1024, 1024, 30).seconds_per_unit
    cost = scalar(udfs, "cpb_image_cost", "SDXL", "H100 SXM", 2.5, 1024, 1024, 30)
    assert cost == pytest.approx(2.5 * seconds / 3600, rel=1e-12)
    per_minute = scalar(udfs, "cpb_video_cost_per_minute", "Wan2.1-14B", "H100 SXM", 2.5, 5,
                        1280, 720, 16)
    clip = estimate_video("Wan2.1-14B", "H100 SXM", 5, 1280, 720, 16, price_per_hour=2.5)
    assert per_minute == pytest.approx(clip.cost_per_minute, rel=1e-12)
    speech = scalar(udfs, "cpb_speech_seconds", "F5-TTS", "L4", 60)
    assert speech == estimate_speech("F5-TTS", "L4", 60).seconds_per_unit


def test_excel_ranges_of_sizes_and_errors_in_cells():
    got = excel(udfs, "cpb_image_seconds", "SDXL", "H100 SXM", [512, 1024], [512, 1024], 30)
    assert got[0][0] < got[1][0]
    # A single-cell error reaches Office.js as the error code and the message, one line.
    with pytest.raises(xw.XlwingsError, match="#VALUE!.*tokens_per_audio_second"):
        scalar(udfs, "cpb_speech_seconds", "Kokoro-82M", "L4", 60)



# -- calibration on published timings (media_measurements.csv) -----------------------------

def test_the_packaged_media_profiles_are_the_fit_of_the_packaged_measurements():
    rows = load_media_measurements()
    assert all(row["source_url"] and row["conditions"] for row in rows)
    fitted = fit(rows)
    assert set(fitted) == {"diffusers", "speech"}
    for name, values in fitted.items():
        assert values == {key: media_profiles()[name][key]
                          for key in ("compute_efficiency", "step_overhead_s")}, name
        sources = {row["source_key"] for row in rows if profile_of(row) == name}
        assert sorted(sources) == sorted(media_profiles()[name]["fitted_on"]), name


def test_the_fitted_profile_beats_the_papers_formula_on_every_measurement():
    for row in score(load_media_measurements()):
        assert row["ours_log10_error"] < row["paper_log10_error"], row["id"]


def test_the_kept_aside_publications_are_sourced_and_never_fitted():
    kept, fitted = load_media_measurements(HOLDOUT), load_media_measurements()
    assert all(row["source_url"].startswith("https://") and row["conditions"] for row in kept)
    assert not {row["source_key"] for row in kept} & {row["source_key"] for row in fitted}
    assert not {row["id"] for row in kept} & {row["id"] for row in fitted}
    # the xDiT table as published: HunyuanVideo 1280 x 720, 129 frames, 50 steps, H100
    hunyuan = {row["devices"]: row["measured_seconds"] for row in kept
               if row["source_key"] == "xdit-hunyuanvideo" and row["width_px"] == 1280}
    assert hunyuan == {1: 1904.08, 2: 925.04, 4: 514.08, 8: 337.58}


def test_the_fit_generalises_to_the_kept_aside_eager_pipelines():
    # Issue 15's goal, on publications the fit never saw: median <= 1.5x, worst <= 3x per
    # modality, and closer than the paper's formula at the median.
    eager = [row for row in score(load_media_measurements(HOLDOUT))
             if row["stack"] != "torch-compile"]
    for name, entry in summary(eager).items():
        assert entry["ours"][0] <= 1.5 and entry["ours"][1] <= 3.0, name
        assert entry["ours"][0] < entry["paper"][0], name


def test_compiled_pipelines_run_faster_than_the_eager_profile_says():
    # torch.compile rows are kept aside, not fitted: the profile is an eager pipeline's, so
    # it overestimates their time (a known limit the README states).
    for row in score(load_media_measurements(HOLDOUT)):
        if row["stack"] == "torch-compile":
            assert row["ours"] > row["measured_seconds"], row["id"]


@settings(max_examples=25, deadline=None)
@given(steps=st.integers(1, 100), more=st.integers(1, 100), devices=st.sampled_from([1, 2, 4, 8]),
       extra=st.sampled_from([1, 2, 4]))
def test_estimates_take_longer_with_more_steps_and_never_with_more_devices(steps, more, devices,
                                                                          extra):
    def seconds(count, gpus):
        return estimate_video("Wan2.1-1.3B", "H100 SXM", 5, 832, 480, 16, steps=count,
                              devices=gpus).seconds_per_unit
    assert seconds(steps + more, devices) > seconds(steps, devices)
    assert seconds(steps, devices * extra) <= seconds(steps, devices)


def test_a_copy_split_over_devices_pays_its_all_reduces():
    one = estimate_video("HunyuanVideo", "H100 SXM", devices=1)
    eight = estimate_video("HunyuanVideo", "H100 SXM", devices=8)
    # 8x the FLOP/s, but every step adds 120 all-reduces of 119,056 x 3,072 bf16 values.
    assert one.seconds_per_unit / 8 < eight.seconds_per_unit < one.seconds_per_unit
    generic = profile_efficiency("generic", "NVIDIA")
    comm = media.split_step_comm_seconds(118_800 + 256, 3072, 60, 1, 1, 8, 900e9,
                                         generic.link_efficiency, generic.allreduce_latency_s)
    overhead = media_profiles()["diffusers"]["step_overhead_s"]
    assert eight.step_s == pytest.approx((one.step_s - overhead) / 8 + overhead + comm,
                                         rel=1e-9)
    with pytest.raises(CPBError, match="cannot be timed split"):
        estimate_image("SDXL", "H100 SXM", devices=2)


def test_the_papers_wavenet_case_is_the_naive_view_of_xlcpb_speech(capsys):
    # Section 6.2: 1e9 FLOPs per sample, 24,000 samples/s, 16-bit, one V100 at 125 TFLOP/s,
    # $2.50 per hour: F_byte 5e8 (eq. 15), T_byte 4e-6 s (eq. 17), t 11.52 s (eq. 18),
    # C $0.008 (eq. 20).
    got = _json_of(capsys, ["speech", "WaveNet", "V100 SXM2 16GB", "--precision", "fp16",
                            "--price-per-hour", "2.50"])
    assert got["output_bytes"] == 2_880_000
    assert got["flops_per_byte"] == pytest.approx(5e8)
    assert got["naive_time_per_byte_s"] == pytest.approx(4e-6)
    assert got["naive_seconds"] == pytest.approx(11.52)
    assert got["naive_cost_per_unit"] == pytest.approx(0.008)
    # Realistically one sample at a time: 1,440,000 sequential decode steps, each at least
    # the LLM decode profile's fixed time per step, so far slower than the paper's figure
    assert got["profile"] == "generic"
    assert got["seconds_per_unit"] >= 1_440_000 * profile_efficiency("generic").step_overhead_s


# -- mel-frame TTS with a vocoder (Tacotron 2, FastPitch; NVIDIA DeepLearningExamples) -------

def test_tts_catalog_counts_match_the_published_parameter_counts():
    sheet = load_sheet()
    taco, fastpitch = sheet.media_model("Tacotron 2"), sheet.media_model("FastPitch")
    # Counted from the configs by hand: WaveGlow (12 flows, WN 8 layers of 256 channels,
    # 640 conditioning channels; 8, 6, 4 channels left per 4 flows) and the HiFi-GAN V1
    # generator: the HiFi-GAN paper's Table 1 gives 87.73M and 13.92M.
    assert round(taco["vocoder_params"] / 1e6, 2) == 87.73
    assert int(fastpitch["vocoder_params"] / 1e4) == 1392
    # Tacotron 2: decoder step + encoder + postnet (4,343,888) = the quoted 28.2M.
    assert round((taco["denoiser_params"] + taco["text_encoder_params"] + 4_343_888) / 1e5) == 282
    # WaveGlow's flow convolutions (all but the 6,553,680-parameter upsampler) run at
    # 22,050 / 8 positions per second; the upsampler at 86.13 mel frames per second.
    by_hand = (2 * (87_731_816 - 6_553_680) * 22050 / 8
               + 2 * 80 * 80 * 1024 * 22050 / 256)
    assert taco["vocoder_flops_per_audio_second"] == pytest.approx(by_hand, rel=1e-12)
    # HiFi-GAN: each stage's transposed convolution (in x out x kernel / stride) and 3
    # resblocks x 6 convolutions (out^2 x kernel, kernels 11 + 7 + 3) at its own rate.
    # per mel frame: conv_pre (80 -> 512, kernel 7) and conv_post (32 -> 1, kernel 7) at the
    # 256 samples of a frame
    macs = 80 * 512 * 7 + 32 * 7 * 256
    rate, channels = 1, 512
    for stride, kernel in ((8, 16), (8, 16), (2, 4), (2, 4)):
        rate *= stride
        macs += (channels * (channels // 2) * kernel / stride + 6 * (channels // 2) ** 2 * 21) * rate
        channels //= 2
    assert fastpitch["vocoder_flops_per_audio_second"] == pytest.approx(
        2 * macs * 22050 / 256, rel=1e-12)


def test_tacotron2_by_hand_one_decoder_step_per_mel_frame_then_the_vocoder():
    speech = media_profiles()["speech"]
    generic = profile_efficiency("generic", "NVIDIA")
    e = estimate_speech("Tacotron 2", "T4", 7, precision="fp16")
    frames = 7 * 22050 / 256
    # each frame reads the 18,189,969 decoder weights (fp16) at 320 GB/s x e_m: memory-bound
    step = 18_189_969 * 2 / (320e9 * generic.memory) + speech["step_overhead_s"]
    vocoder = 448_623_434_700 * 7 / (65e12 * speech["compute_efficiency"])
    assert (e.profile, e.bound, e.steps) == ("speech", "memory", pytest.approx(frames))
    assert e.seconds_per_unit == pytest.approx(frames * step + vocoder, rel=1e-9)
    # the paper's view counts the same FLOPs at peak: far faster than the sequential decoder
    assert e.naive_seconds < e.seconds_per_unit / 3


def test_fastpitch_is_one_pass_over_the_frames_and_refuses_steps():
    one, eight = (estimate_speech("FastPitch", "A100 SXM4 80GB", 8.05, precision="fp16",
                                  batch=batch) for batch in (1, 8))
    assert one.steps == 1 and one.guidance_passes == 1
    # the vocoder dominates and is compute-bound: 8 clips take nearly 8 times one
    assert 6 < eight.seconds_per_unit / one.seconds_per_unit < 8
    with pytest.raises(CPBError, match="no denoising steps"):
        estimate_speech("FastPitch", "T4", 8.05, steps=4)


def test_speech_meets_issue_15_in_sample_and_leave_one_source_out():
    # median <= 1.5x and worst <= 3x on the fitted publications, and on each publication
    # scored by a fit on the others (three NVIDIA DeepLearningExamples runs)
    rows = load_media_measurements()
    for scored in (score(rows), leave_one_source_out(rows)):
        speech = summary([row for row in scored if row["modality"] == "speech"])["speech"]
        assert speech["n"] == 31 and speech["ours"][0] <= 1.5 and speech["ours"][1] <= 3.0
        assert speech["ours"][0] < speech["paper"][0] / 10
