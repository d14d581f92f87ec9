"""Diffusion-transformer FLOPs from structure (xlcpb.engine.diffusion), checked by hand and
against the published figures of the DiT paper (Peebles & Xie 2023, Table 4)."""

import numpy as np
import pytest

from xlcpb.engine.diffusion import denoising_flops, latent_tokens, transformer_step_flops
from xlcpb.errors import CPBError


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
