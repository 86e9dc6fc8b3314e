"""The audio formats the speech endpoint answers in, encoded in memory.

wav (16-bit PCM), flac (16-bit), mp3 (libsndfile's LAME, 96 kb/s), opus
(Ogg Opus by libsndfile, resampled to 24 kHz: Opus runs at 8/12/16/24/48
kHz), pcm (raw 16-bit signed little-endian mono at 24 kHz, as the
compatible API defines it). aac is not offered (answered 400).
"""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from studio import audio

MEDIA_TYPES = {
    "wav": "audio/wav",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "pcm": "audio/pcm",
}
PCM_RATE = 24000


def formats() -> tuple[str, ...]:
    """The formats this platform encodes (opus and mp3 need libsndfile 1.1+)."""
    subtypes = sf.available_subtypes("OGG")
    have = ["wav", "flac", "pcm"]
    if "MPEG_LAYER_III" in sf.available_subtypes("MP3"):
        have.append("mp3")
    if "OPUS" in subtypes:
        have.append("opus")
    return tuple(have)


def encode(samples: audio.Audio, rate: int, fmt: str) -> bytes:
    """``samples`` (mono float) as the bytes of ``fmt``."""
    samples = np.clip(samples, -1.0, 1.0)
    if fmt == "pcm":
        pcm = audio.resample(samples, rate, PCM_RATE)
        return (np.clip(pcm, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    if fmt == "opus":
        buffer = io.BytesIO()
        sf.write(buffer, audio.resample(samples, rate, PCM_RATE), PCM_RATE, format="OGG",
                 subtype="OPUS")
        return buffer.getvalue()
    if fmt == "flac":
        return audio.encode(samples, rate, ".flac", bits=16)
    return audio.encode(samples, rate, f".{fmt}")
