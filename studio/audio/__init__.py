"""Audio primitives: read, mix to mono, resample, trim, loudness, limit, fade,
encode and write atomically.

Libraries chosen for the job: libsndfile (soundfile) reads and writes WAV,
FLAC, OGG and MP3 (LAME inside libsndfile 1.1+); PyAV (FFmpeg's native AAC
encoder and its mp4/ipod muxer, imported only when an M4B/M4A is written)
writes AAC with chapters; soxr is a reference-quality resampler; pyebur128 binds
libebur128, the reference C implementation of EBU R128 / ITU-R BS.1770-4
loudness (twelve times faster than a NumPy implementation on an hour of
audio, which matters because export measures loudness several times).
The peak limiter is a few lines over scipy's running-minimum filter (a
look-ahead gain envelope), since a full DSP framework for one function
would outweigh the rest of the studio.
All audio is float32, mono, in [-1, 1] between these functions.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf

from studio.errors import UserError
from studio.fsutil import write_bytes_atomic

Audio = npt.NDArray[np.float32]

#: Formats we read for prompt clips.
READABLE_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".mp3")


@dataclass(frozen=True)
class ExportFormat:
    """A file format the export writes, chosen by the file's suffix."""

    suffix: str
    label: str
    lossy: bool
    bits: int = 0  # PCM bit depth written by default (lossless formats)
    kbps: int = 0  # bitrate written by default (lossy formats)
    chapters: bool = False  # carries chapter marks


#: Every format the export writes, by suffix. MP3 at 96 kb/s CBR and AAC at
#: 64 kb/s leave a margin for mono speech (see docs/architecture.md).
EXPORT_FORMATS = {
    ".wav": ExportFormat(".wav", "WAV", lossy=False, bits=16),
    ".flac": ExportFormat(".flac", "FLAC", lossy=False, bits=24),
    ".mp3": ExportFormat(".mp3", "MP3", lossy=True, kbps=96),
    ".m4b": ExportFormat(".m4b", "M4B (AAC, audiobook)", lossy=True, kbps=64, chapters=True),
    ".m4a": ExportFormat(".m4a", "M4A (AAC)", lossy=True, kbps=64, chapters=True),
}
PCM_BITS = (16, 24)
#: MP3 and AAC sample rates (MPEG-1/2 layer III; AAC allows these too).
LOSSY_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)


@dataclass(frozen=True)
class Chapter:
    """A chapter mark: from ``start_s`` to ``end_s`` of the file, with a title."""

    start_s: float
    end_s: float
    title: str


def format_for(suffix: str) -> ExportFormat:
    """The export format of a suffix; :class:`UserError` listing the formats if unknown."""
    try:
        return EXPORT_FORMATS[suffix.lower()]
    except KeyError:
        raise UserError(
            f"unknown audio format {suffix or '(none)'}",
            f"name the output {', '.join(EXPORT_FORMATS)}",
        ) from None

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
    """Integrated loudness (ITU-R BS.1770-4 / EBU R128) in LUFS; −inf for
    silence or audio too short to gate (under 0.4 s)."""
    import pyebur128

    if len(audio) < int(0.4 * rate) + 1:
        return float("-inf")
    state = pyebur128.R128State(1, rate, pyebur128.MeasurementMode.MODE_I)
    state.add_frames(np.ascontiguousarray(audio, dtype=np.float64), len(audio))
    return float(pyebur128.get_loudness_global(state))


_BLOCK = 32  # samples per step of the limiter's gain envelope


def _block_gain(
    audio: Audio, rate: int, ceiling_db: float, lookahead_s: float, release_s: float
) -> npt.NDArray[np.float32]:
    """Per-block gain: held from ``lookahead_s`` before a peak to ``release_s``
    after it (one block wider on each side), smoothed over the look-ahead."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    blocks = -(-len(audio) // _BLOCK)
    padded = np.zeros(blocks * _BLOCK, dtype=np.float32)
    padded[: len(audio)] = np.abs(audio)
    peaks = padded.reshape(blocks, _BLOCK).max(axis=1)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9)).astype(np.float32)
    ahead = max(1, round(lookahead_s * rate / _BLOCK)) + 1
    behind = max(1, round(release_s * rate / _BLOCK)) + 1
    size = ahead + behind + 1
    # held[i] = min(need[i - ahead : i + behind + 1])
    held = minimum_filter1d(need, size=size, origin=behind - size // 2, mode="nearest")
    return np.asarray(
        uniform_filter1d(held, size=2 * ((ahead - 1) // 2) + 1, mode="nearest"), np.float32
    )


def limiter_gain(
    audio: Audio,
    rate: int,
    ceiling_db: float = PEAK_CEILING_DB,
    lookahead_s: float = 0.005,
    release_s: float = 0.06,
) -> npt.NDArray[np.float32]:
    """The gain envelope of the look-ahead limiter: ``audio * gain`` stays
    under ``ceiling_db``.

    The gain each sample needs is held (running minimum) from ``lookahead_s``
    before a peak to ``release_s`` after it, then smoothed over the
    look-ahead, so the gain falls before a peak arrives and recovers
    smoothly. It is computed per block of 32 samples (held one block wider
    on each side) and ramped linearly between block centres: every sample's
    gain lies between two block values whose windows both cover it, so the
    ceiling holds while the filters run on 1/32 of the samples, and the
    ramps are computed only where the gain is below 1.
    """
    block = _block_gain(audio, rate, ceiling_db, lookahead_s, release_s)
    before = np.concatenate([block[:1], block[:-1]])
    after = np.concatenate([block[1:], block[-1:]])
    rows = np.flatnonzero((block < 1) | (before < 1) | (after < 1))
    gain = np.ones((len(block), _BLOCK), dtype=np.float32)
    offset = (np.arange(_BLOCK, dtype=np.float32) + 0.5) / _BLOCK - 0.5  # from the centre
    down, up = np.minimum(offset, 0), np.maximum(offset, 0)
    gain[rows] = (
        block[rows, None]
        + down[None, :] * (block[rows] - before[rows])[:, None]
        + up[None, :] * (after[rows] - block[rows])[:, None]
    )
    return gain.reshape(-1)[: len(audio)]


def limit_peaks(audio: Audio, rate: int, ceiling_db: float = PEAK_CEILING_DB) -> Audio:
    """Look-ahead peak limiter: no sample exceeds ``ceiling_db`` dBFS."""
    ceiling = 10 ** (ceiling_db / 20)
    if len(audio) == 0 or float(np.max(np.abs(audio))) <= ceiling:
        return audio
    out = audio * limiter_gain(audio, rate, ceiling_db)
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


def encode(
    audio: Audio,
    rate: int,
    suffix: str,
    *,
    bits: int | None = None,
    kbps: int | None = None,
    chapters: Sequence[Chapter] = (),
    title: str | None = None,
) -> bytes:
    """Encode mono float audio as the bytes of a file of the format of ``suffix``.

    ``bits`` (16 or 24) for WAV and FLAC, ``kbps`` for MP3 and AAC, else the
    format's defaults; ``chapters`` and ``title`` only where the format
    carries them (M4B/M4A).
    """
    fmt = format_for(suffix)
    samples = np.clip(audio, -1.0, 1.0)
    if fmt.suffix in (".m4b", ".m4a"):
        return _encode_aac(samples, rate, fmt, kbps or fmt.kbps, chapters, title)
    buffer = io.BytesIO()
    if fmt.suffix == ".mp3":
        _check_lossy_rate(rate, fmt)
        level, mode = _mp3_level(rate, kbps or fmt.kbps), "CONSTANT"
        sf.write(buffer, samples, rate, format="MP3", subtype="MPEG_LAYER_III",
                 compression_level=level, bitrate_mode=mode)
    else:
        depth = bits or fmt.bits
        if depth not in PCM_BITS:
            raise UserError(f"cannot write {depth}-bit {fmt.label}", "use 16 or 24 bits")
        sf.write(buffer, samples, rate, format=fmt.label, subtype=f"PCM_{depth}")
    return buffer.getvalue()


def _check_lossy_rate(rate: int, fmt: ExportFormat) -> None:
    if rate not in LOSSY_RATES:
        raise UserError(f"{fmt.label} cannot be written at {rate} Hz",
                        f"choose a sample rate of {', '.join(map(str, LOSSY_RATES))}")


def _mp3_level(rate: int, kbps: int) -> float:
    """libsndfile's compression level for a constant bitrate: it maps the
    level linearly from LAME's highest bitrate (0.0) to its lowest (1.0),
    320..32 kb/s for MPEG-1 rates (32 kHz and up), 160..8 kb/s below; LAME
    then takes the nearest valid bitrate."""
    top, bottom = (320, 32) if rate >= 32000 else (160, 8)
    if not bottom <= kbps <= top:
        raise UserError(f"MP3 at {rate} Hz cannot be {kbps} kb/s",
                        f"choose {bottom} to {top} kb/s")
    return min(0.999, (top - kbps) / (top - bottom))


def _encode_aac(
    samples: Audio,
    rate: int,
    fmt: ExportFormat,
    kbps: int,
    chapters: Sequence[Chapter],
    title: str | None,
) -> bytes:
    """AAC-LC in an MP4 (FFmpeg's ``ipod`` muxer, brand ``M4B `` for an
    audiobook, which players file under audiobooks) with chapter marks, by
    FFmpeg through PyAV (imported here: it is only needed for this format)."""
    try:
        import av
    except ImportError:
        raise UserError("writing M4B/M4A needs PyAV (the 'av' package), which is missing",
                        "install it: pip install av, or export .mp3, .wav or .flac") from None
    _check_lossy_rate(rate, fmt)
    brand = "M4B " if fmt.suffix == ".m4b" else "M4A "
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="ipod", options={"brand": brand}) as container:
        stream = container.add_stream("aac", rate=rate, layout="mono")
        stream.bit_rate = kbps * 1000
        if title:
            container.metadata["title"] = title
        if chapters:
            container.set_chapters([
                {"id": number, "start": round(ch.start_s * 1000), "end": round(ch.end_s * 1000),
                 "time_base": Fraction(1, 1000), "metadata": {"title": ch.title}}
                for number, ch in enumerate(chapters, start=1)
            ])
        block = 1024 * 64
        pcm = np.ascontiguousarray(samples, dtype=np.float32)
        for start in range(0, len(pcm), block):
            frame = av.AudioFrame.from_ndarray(pcm[None, start:start + block], format="flt",
                                               layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def write_audio(
    path: Path,
    audio: Audio,
    rate: int,
    *,
    bits: int | None = None,
    kbps: int | None = None,
    chapters: Sequence[Chapter] = (),
    title: str | None = None,
) -> None:
    """Write ``audio`` to ``path`` atomically, format by the path's suffix."""
    write_bytes_atomic(path, encode(audio, rate, path.suffix, bits=bits, kbps=kbps,
                                    chapters=chapters, title=title))
