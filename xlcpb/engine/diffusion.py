"""FLOPs of diffusion / flow transformers (DiT, MMDiT, video DiTs), from their structure.

A latent diffusion transformer runs its network once per denoising step over the latent
tokens of the whole image or clip. The pieces, each from its source:

- Latent tokens: the VAE divides height and width by its spatial factor f (8 for SD/FLUX/Wan)
  and the transformer patchifies p x p latent pixels into one token (Peebles & Xie, *Scalable
  Diffusion Models with Transformers* (DiT), 2023, sec. 3.2: T = (I / p)^2 for an I x I latent).
  Causal video VAEs map 1 + T frames to 1 + T / c_t latent frames (Wan 2.1 report, sec. 3.1:
  "[1+T, H, W, 3] -> [1+T/4, H/8, W/8, C]"; HunyuanVideo, sec. 3.1, the same shape).
- FLOPs per step: 2 FLOPs per parameter per token (Kaplan et al. 2020, Table 1) plus attention
  score and value products, 2 s d each per token per layer; Kaplan's 2 n_layer n_ctx d halves
  this for a causal mask, diffusion transformers attend bidirectionally, hence 4 n_layer s^2 d
  per forward pass: quadratic in the token count, so in video length.
- Classifier-free guidance runs the network on a conditional and an unconditional batch
  (Ho & Salimans 2022, eq. 6): a factor of 2; guidance-distilled models (FLUX.1 dev/schnell)
  take the guidance as an input and run once.

Check against the DiT paper: DiT-XL/2 (28 layers, d 1,152) at 256 x 256 reports 118.6 Gflops
(multiply-adds) per forward pass (Table 4); the formulas here give 236.8 GFLOP = 118.4 G
multiply-adds with the 12 d^2 per layer transformer weights (tests/test_media.py).
"""

from __future__ import annotations

import numpy as np

from ._inputs import at_least, non_negative, positive, scalar_or_array, vectorised


@vectorised
def latent_tokens(width_px, height_px, vae_factor=8, patch=2, frames=1, vae_temporal=1,
                  patch_temporal=1):
    """Tokens a diffusion transformer sees for one image or clip (DiT sec. 3.2; Wan 2.1 sec. 3.1).

    .. math:: s = \\left\\lceil \\frac{1 + \\lceil (F - 1) / c_t \\rceil}{p_t} \\right\\rceil
              \\cdot \\frac{W}{f p} \\cdot \\frac{H}{f p}

    An image is ``frames=1``; a causal video VAE keeps the first frame and compresses the rest
    by ``vae_temporal``. Width and height are rounded up to whole tokens, as pipelines pad.

    Parameters
    ----------
    width_px, height_px : array_like
        Output size [pixels].
    vae_factor : array_like, optional
        VAE spatial compression f [pixels per latent pixel]. Default 8.
    patch : array_like, optional
        Transformer patch size p [latent pixels per token side]. Default 2.
    frames : array_like, optional
        Output frames F [frames]. Default 1 (an image).
    vae_temporal : array_like, optional
        VAE temporal compression c_t [frames per latent frame]. Default 1.
    patch_temporal : array_like, optional
        Temporal patch size p_t [latent frames per token]. Default 1.

    Returns
    -------
    float or ndarray
        s [tokens].

    Examples
    --------
    DiT at 256 x 256 with patch 2: a 32 x 32 latent, 256 tokens (DiT Table 4 setting):

    >>> latent_tokens(256, 256)
    256.0

    Wan 2.1 at 1280 x 720, 81 frames (5 s at 16 fps), VAE 4 x 8 x 8, patch 1 x 2 x 2:
    21 latent frames of 80 x 45 tokens:

    >>> latent_tokens(1280, 720, 8, 2, 81, 4)
    75600.0
    """
    width = positive("width_px", width_px, "pixels")
    height = positive("height_px", height_px, "pixels")
    spatial = positive("vae_factor", vae_factor, "pixels per latent pixel")
    side = positive("patch", patch, "latent pixels")
    count = at_least("frames", frames, 1.0, "frames", "Give at least one frame.")
    temporal = at_least("vae_temporal", vae_temporal, 1.0, "frames per latent frame",
                        "Give 1 for an image VAE.")
    side_t = at_least("patch_temporal", patch_temporal, 1.0, "latent frames",
                      "Give 1 when the model does not patch in time.")
    latent_frames = np.ceil((1.0 + np.ceil((count - 1.0) / temporal)) / side_t)
    per_frame = np.ceil(width / (spatial * side)) * np.ceil(height / (spatial * side))
    return scalar_or_array(latent_frames * per_frame)


@vectorised
def transformer_step_flops(params, tokens, n_layer=0, d_model=0):
    """FLOPs of one bidirectional transformer forward pass over ``tokens`` (Kaplan Table 1).

    .. math:: F_{step} = 2 N s + 4\\, n_{layer}\\, s^2 d_{model}

    The first term is the weights (Kaplan's 2N per token); the second the attention scores
    and weighted values over all s tokens (no causal mask, so twice Kaplan's masked term).

    Parameters
    ----------
    params : array_like
        N, parameters applied to every token [parameters].
    tokens : array_like
        s, tokens in the sequence (latent plus text tokens for MMDiT) [tokens].
    n_layer : array_like, optional
        Transformer blocks [layers]. Default 0 (weights only).
    d_model : array_like, optional
        Attention width [features]. Default 0.

    Returns
    -------
    float or ndarray
        F_step [FLOP].

    Examples
    --------
    A toy model: 1e6 parameters, 100 tokens, 2 layers of width 64:
    2e6 x 100 + 4 x 2 x 100^2 x 64 = 2e8 + 5.12e6:

    >>> transformer_step_flops(1e6, 100, 2, 64)
    205120000.0
    """
    n_params = positive("params", params, "parameters")
    count = positive("tokens", tokens, "tokens")
    layers = non_negative("n_layer", n_layer, "layers")
    width = non_negative("d_model", d_model, "features")
    return scalar_or_array(2.0 * n_params * count + 4.0 * layers * count * count * width)


@vectorised
def denoising_flops(step_flops, steps, guidance_passes=2):
    """FLOPs of a whole sampling run: steps times network passes per step (Ho & Salimans eq. 6).

    .. math:: F_{denoise} = n_{steps} \\cdot g \\cdot F_{step}

    Parameters
    ----------
    step_flops : array_like
        F_step, one forward pass [FLOP].
    steps : array_like
        n_steps, sampling steps [steps].
    guidance_passes : array_like, optional
        g, forward passes per step [passes]: 2 with classifier-free guidance, 1 without or
        for a guidance-distilled model. Default 2.

    Returns
    -------
    float or ndarray
        F_denoise [FLOP].

    Examples
    --------
    30 steps with guidance of a 1e12-FLOP pass:

    >>> denoising_flops(1e12, 30)
    60000000000000.0
    """
    step = positive("step_flops", step_flops, "FLOP")
    count = positive("steps", steps, "steps")
    passes = positive("guidance_passes", guidance_passes, "passes")
    return scalar_or_array(count * passes * step)
