"""Audio primitives: read, mix to mono, resample, trim, loudness, limit, fade,
encode and write atomically.

Libraries chosen for the job: libsndfile (soundfile) reads and writes WAV,
FLAC, OGG and MP3; soxr is a reference-quality resampler; pyloudnorm
implements ITU-R BS.1770-4 loudness. The peak limiter is a few lines over
scipy's running-minimum filter (a look-ahead gain envelope), since a full
DSP framework for one function would outweigh the rest of the studio.
All audio is float32, mono, in [-1, 1] between these functions.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf

from studio.errors import UserError
from studio.fsutil import write_bytes_atomic

Audio = npt.NDArray[np.float32]

#: Formats we read for prompt clips; export writes WAV or FLAC.
READABLE_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".mp3")
EXPORT_FORMATS = {".wav": ("WAV", "PCM_16"), ".flac": ("FLAC", "PCM_24")}

#: Sample-peak ceiling after loudness normalization (−1.5 dBFS leaves room
#: for inter-sample peaks that a later lossy encode may create).
PEAK_CEILING_DB = -1.5


def read_audio(path: Path, name: str | None = None) -> tuple[Audio, int]:
    """Read an audio file as float32 mono; raise :class:`UserError` if unreadable."""
    label = name or str(path)
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as err:
        raise UserError(
            f"{label} is not a readable audio file ({err})",
            "give a WAV, FLAC, OGG or MP3 file",
        ) from None
    except OSError as err:
        raise UserError(f"cannot read {label} ({err.strerror or err})") from None
    if data.size == 0:
        raise UserError(f"{label} holds no audio", "give a clip with speech in it")
    return to_mono(data), int(rate)


def to_mono(data: npt.NDArray[np.float32]) -> Audio:
    """Average channels: (frames, channels) → (frames,)."""
    if data.ndim == 1:
        return data.astype(np.float32, copy=False)
    return np.ascontiguousarray(data.mean(axis=1), dtype=np.float32)


def resample(audio: Audio, rate_in: int, rate_out: int) -> Audio:
    """Resample with soxr at high quality (identity when rates match)."""
    if rate_in == rate_out:
        return audio
    import soxr

    return np.asarray(soxr.resample(audio, rate_in, rate_out, quality="HQ"), dtype=np.float32)


def frame_levels_db(audio: Audio, rate: int, frame_s: float = 0.01) -> npt.NDArray[np.float64]:
    """RMS level in dBFS of consecutive frames of ``frame_s`` seconds."""
    size = max(1, int(rate * frame_s))
    count = len(audio) // size
    if count == 0:
        return np.array([-120.0])
    frames = audio[: count * size].reshape(count, size).astype(np.float64)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return np.asarray(20 * np.log10(np.maximum(rms, 1e-6)))


def trim_silence(
    audio: Audio, rate: int, *, below_peak_db: float = 40.0, pad_s: float = 0.04
) -> Audio:
    """Cut leading and trailing frames quieter than ``below_peak_db`` under the
    loudest frame, keeping ``pad_s`` of margin so consonants are not clipped."""
    frame = max(1, int(rate * 0.01))
    levels = frame_levels_db(audio, rate)
    loud = np.flatnonzero(levels > levels.max() - below_peak_db)
    if loud.size == 0:
        return audio[:0]
    pad = int(rate * pad_s)
    start = max(0, loud[0] * frame - pad)
    end = min(len(audio), (loud[-1] + 1) * frame + pad)
    return audio[start:end]


def loudness_lufs(audio: Audio, rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770-4) in LUFS; −inf for silence or
    audio too short to gate (under 0.4 s)."""
    import pyloudnorm

    if len(audio) < int(0.4 * rate) + 1:
        return float("-inf")
    value = pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))
    return float(value)


def limit_peaks(
    audio: Audio,
    rate: int,
    ceiling_db: float = PEAK_CEILING_DB,
    lookahead_s: float = 0.005,
    release_s: float = 0.06,
) -> Audio:
    """Look-ahead peak limiter: no sample exceeds ``ceiling_db`` dBFS.

    The gain each sample needs is held (running minimum) from ``lookahead_s``
    before a peak to ``release_s`` after it, then smoothed over the
    look-ahead window, so the gain falls before a peak arrives and recovers
    smoothly: no clicks, and no distortion of the waveform's shape.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    if len(audio) == 0 or float(np.max(np.abs(audio))) <= ceiling:
        return audio
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(audio), 1e-9))
    ahead = max(1, int(lookahead_s * rate))
    behind = max(1, int(release_s * rate))
    size = ahead + behind + 1
    # held[i] = min(need[i - ahead : i + behind + 1]): the gain is down `ahead`
    # samples before a peak and stays down `behind` samples after it.
    origin = behind - size // 2
    held = minimum_filter1d(need, size=size, origin=origin, mode="nearest")
    gain = uniform_filter1d(held, size=2 * (ahead // 2) + 1, mode="nearest")
    out = (audio * gain).astype(np.float32)
    # The envelope guarantees the ceiling; this only removes float rounding.
    return np.asarray(np.clip(out, -ceiling, ceiling), dtype=np.float32)


def normalize_loudness(
    audio: Audio,
    rate: int,
    target_lufs: float,
    ceiling_db: float = PEAK_CEILING_DB,
    tolerance_lu: float = 0.2,
) -> tuple[Audio, float]:
    """Gain to ``target_lufs`` with peaks limited to ``ceiling_db``.

    Returns the audio and its measured loudness. Limiting lowers loudness,
    so the *original* is limited again with a corrected gain (secant steps
    on measured loudness) until within ``tolerance_lu``; speech at −16 LUFS
    takes two or three rounds. A target louder than the ceiling allows for
    this audio (speech saturates near −14 LUFS under −1.5 dBFS) is
    approached until more gain stops helping.
    """
    current = loudness_lufs(audio, rate)
    if not np.isfinite(current):
        return audio, current
    gain_db = target_lufs - current
    previous: tuple[float, float] | None = None  # (gain, error) of the last round
    out, measured = audio, current
    for _ in range(8):
        out = limit_peaks((audio * 10 ** (gain_db / 20)).astype(np.float32), rate, ceiling_db)
        measured = loudness_lufs(out, rate)
        error = target_lufs - measured
        if abs(error) < tolerance_lu:
            break
        slope = 1.0
        if previous is not None:
            if abs(error) > 0.9 * abs(previous[1]):
                break  # saturated: more gain only adds limiting
            slope = min(1.0, max(0.1, (previous[1] - error) / (gain_db - previous[0])))
        previous = (gain_db, error)
        gain_db += min(12.0, error / slope)
    return out, measured


def fade(audio: Audio, rate: int, fade_in_s: float, fade_out_s: float) -> Audio:
    """Raised-cosine fades at both ends (a copy; the input is not changed)."""
    out = audio.copy()
    for seconds, at_start in ((fade_in_s, True), (fade_out_s, False)):
        n = min(len(out), int(seconds * rate))
        if n <= 1:
            continue
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))).astype(np.float32)
        if at_start:
            out[:n] *= ramp
        else:
            out[-n:] *= ramp[::-1]
    return out


def encode(audio: Audio, rate: int, suffix: str) -> bytes:
    """Encode mono float audio as a WAV (16-bit) or FLAC (24-bit) file's bytes."""
    fmt, subtype = EXPORT_FORMATS[suffix.lower()]
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(audio, -1.0, 1.0), rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def write_audio(path: Path, audio: Audio, rate: int) -> None:
    """Write ``audio`` to ``path`` atomically, format by the path's suffix."""
    write_bytes_atomic(path, encode(audio, rate, path.suffix))
