"""Content units to bytes, for every modality the paper names (section 1 and 6).

The paper maps its units to bytes as: characters/tokens in text (eq. 9), samples in audio
(eq. 14), pixels in images and frames in video (eq. 21). All sizes are of the raw,
uncompressed content, as in the paper.
"""

from __future__ import annotations

import numpy as np

from ..errors import CPBError
from ._inputs import positive, scalar_or_array, vectorised, whole

BITS_PER_BYTE = 8.0


@vectorised
def text_bytes(tokens, bytes_per_token=4):
    """Size of generated text from a token count, eq. (9).

    .. math:: S = N_{token} \\times B_{token}

    Parameters
    ----------
    tokens : array_like
        N_token, tokens generated [tokens], > 0.
    bytes_per_token : array_like, optional
        B_token, average UTF-8 bytes per token [B/token]. Default 4, the paper's assumption
        for English BPE text.

    Returns
    -------
    float or ndarray
        S [B].

    Examples
    --------
    >>> text_bytes(1000)
    4000.0
    """
    count = positive("tokens", tokens, "tokens")
    per_token = positive("bytes_per_token", bytes_per_token, "bytes per token")
    return scalar_or_array(count * per_token)


@vectorised
def utf8_bytes(text):
    """Size of an actual string in bytes, as UTF-8 (the encoding the paper's 'bytes' means).

    Parameters
    ----------
    text : str or array_like of str
        The generated text.

    Returns
    -------
    int or ndarray of int
        Its UTF-8 length [B].

    Examples
    --------
    >>> utf8_bytes("naïve café")
    12
    """
    if isinstance(text, str):
        return len(text.encode("utf-8"))
    array = np.asarray(text, dtype=object)
    for index, item in enumerate(array.flat):
        if not isinstance(item, str):
            raise CPBError(f"text (element {index}) = {item!r}: expected text.",
                           argument="text", value=item, fix="Give the text as a string.",
                           kind="value")
    return np.vectorize(lambda item: len(item.encode("utf-8")), otypes=[np.int64])(array)


@vectorised
def samples(seconds, sample_rate_hz):
    """Audio samples per channel in a clip, section 6.2.1: seconds x sample rate.

    Parameters
    ----------
    seconds : array_like
        Duration [s], > 0.
    sample_rate_hz : array_like
        Samples per second [Hz].

    Returns
    -------
    float or ndarray
        N_sample_total [samples].

    Examples
    --------
    >>> samples(60, 24_000)
    1440000.0
    """
    duration = positive("seconds", seconds, "seconds")
    rate = positive("sample_rate_hz", sample_rate_hz, "samples per second")
    return scalar_or_array(duration * rate)


@vectorised
def frames(seconds, fps):
    """Video frames in a clip, section 6.3.1: seconds x frames per second.

    Parameters
    ----------
    seconds : array_like
        Duration [s], > 0.
    fps : array_like
        Frames per second [frames/s].

    Returns
    -------
    float or ndarray
        N_frame [frames].

    Examples
    --------
    >>> frames(60, 30)
    1800.0
    """
    duration = positive("seconds", seconds, "seconds")
    rate = positive("fps", fps, "frames per second")
    return scalar_or_array(duration * rate)


def _bytes_per_unit(channels, bits, channels_name, bits_name):
    count = whole(channels_name, positive(channels_name, channels, "channels"), "channels")
    depth = positive(bits_name, bits, "bits")
    return count * depth / BITS_PER_BYTE


@vectorised
def image_bytes(width_px, height_px, channels=3, bits_per_channel=8, images=1):
    """Size of raw images: images x width x height x channels x bits / 8.

    Parameters
    ----------
    width_px, height_px : array_like
        Image size [pixels], > 0.
    channels : array_like, optional
        Colour channels per pixel [channels]: 3 for RGB (the paper's B_pixel = 3), 4 RGBA,
        1 grey. Default 3.
    bits_per_channel : array_like, optional
        Bit depth [bits]. Default 8.
    images : array_like, optional
        Number of images [images]. Default 1.

    Returns
    -------
    float or ndarray
        S [B].

    Examples
    --------
    >>> image_bytes(1024, 1024)
    3145728.0
    """
    width = positive("width_px", width_px, "pixels")
    height = positive("height_px", height_px, "pixels")
    count = positive("images", images, "images")
    per_pixel = _bytes_per_unit(channels, bits_per_channel, "channels", "bits_per_channel")
    return scalar_or_array(count * width * height * per_pixel)


@vectorised
def audio_bytes(seconds, sample_rate_hz, bits_per_sample=16, channels=1):
    """Size of raw PCM audio, eq. (14): seconds x rate x channels x bits / 8.

    Parameters
    ----------
    seconds : array_like
        Duration [s], > 0.
    sample_rate_hz : array_like
        Samples per second per channel [Hz], e.g. 24,000 (the paper's speech rate).
    bits_per_sample : array_like, optional
        Bit depth [bits]. Default 16 (the paper's B_sample = 2 bytes).
    channels : array_like, optional
        Audio channels [channels]. Default 1 (mono).

    Returns
    -------
    float or ndarray
        S [B].

    Examples
    --------
    One minute of 24 kHz 16-bit mono speech (paper eq. 14):

    >>> audio_bytes(60, 24_000)
    2880000.0
    """
    duration = positive("seconds", seconds, "seconds")
    rate = positive("sample_rate_hz", sample_rate_hz, "samples per second")
    per_sample = _bytes_per_unit(channels, bits_per_sample, "channels", "bits_per_sample")
    return scalar_or_array(duration * rate * per_sample)


@vectorised
def video_bytes(seconds, fps, width_px, height_px, channels=3, bits_per_channel=8):
    """Size of raw video, eq. (21): seconds x fps x width x height x channels x bits / 8.

    Parameters
    ----------
    seconds : array_like
        Duration [s], > 0.
    fps : array_like
        Frames per second [frames/s].
    width_px, height_px : array_like
        Frame size [pixels].
    channels : array_like, optional
        Channels per pixel. Default 3 (RGB).
    bits_per_channel : array_like, optional
        Default 8.

    Returns
    -------
    float or ndarray
        S [B].

    Examples
    --------
    The paper's VideoGPT clip: 60 s at 30 fps, 256x256 RGB. The paper prints 354,418,688;
    1,800 x 65,536 x 3 is 353,894,400:

    >>> video_bytes(60, 30, 256, 256)
    353894400.0
    """
    duration = positive("seconds", seconds, "seconds")
    rate = positive("fps", fps, "frames per second")
    width = positive("width_px", width_px, "pixels")
    height = positive("height_px", height_px, "pixels")
    per_pixel = _bytes_per_unit(channels, bits_per_channel, "channels", "bits_per_channel")
    return scalar_or_array(duration * rate * width * height * per_pixel)
