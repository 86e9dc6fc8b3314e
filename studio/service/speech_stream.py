"""A one-shot speech request's audio as it lands, segment by segment, in order.

``/v1/audio/speech`` answers while the engine still renders: each time the
next segment of the request's project (:mod:`studio.service.oneshot`) has
its take, that take is trimmed, faded and followed by its pause exactly as
an export joins takes (:mod:`studio.core.export`), brought to the level of
the response, and encoded on to the bytes already sent.

* **Level.** A whole file is normalized over all of it; a stream cannot wait
  for all of it. The first piece loud enough to measure sets one gain to the
  loudness target for the whole response (no level jumps between sentences),
  and every piece is peak-limited under the ceiling.
* **Order.** Every segment is queued at once, but all after the first are
  held (:func:`queue`): the first renders alone and so gets every core
  (:meth:`~studio.backends.Backend.set_alone`), and the first audio comes
  as soon as the voice alone could make it. The rest is released once it
  has landed (:func:`release`), keeping its place in the queue ahead of
  requests that came later; each next segment renders while the ones
  before it play.
* **Formats.** pcm, wav, mp3 and opus are encoded piece by piece: what a
  piece adds is sent when it lands (the encoders hold back only a frame or
  two, which falls in the pause after it). wav has a streaming header whose
  sizes say "unknown" (0xFFFFFFFF), as streaming servers write it. flac is
  answered whole: its header carries the total length (and a checksum) that
  decoders rely on, so it is encoded once the last piece has landed.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from studio import audio
from studio.core.export import TRIM_PAD_S, ExportSettings, pause_after
from studio.core.jobs import PRIORITY_INTERACTIVE, JobQueue
from studio.core.planning import DEFAULT_VOICE, enqueue_segments
from studio.core.progress import read_progress
from studio.core.store import Library, Project
from studio.errors import UserError
from studio.service.oneshot import Outcome, outcomes

#: The voice names of the speech API the clients are written for.
API_VOICES = ("alloy", "ash", "ballad", "cedar", "coral", "echo", "fable", "marin", "nova",
              "onyx", "sage", "shimmer", "verse")
PCM_RATE = 24000  # pcm is 24 kHz, as the compatible API defines it
OPUS_RATE = 24000
MP3_KBPS = 96
OPUS_KBPS = 32
SETTINGS = ExportSettings(lead_in_s=0.0, tail_s=0.0)


# ---------------------------------------------------------------- voices
def voice_map(text: str) -> dict[str, str]:
    """The pairs of ``server.voice_map`` (``alloy=joe,nova=amy``);
    :class:`UserError` naming an entry that is not ``NAME=VOICE``."""
    pairs: dict[str, str] = {}
    for entry in text.split(","):
        if not entry.strip():
            continue
        name, equals, voice = entry.partition("=")
        if not equals or not name.strip() or not voice.strip():
            raise UserError(f"server.voice_map has {entry.strip()!r}, not NAME=VOICE",
                            "set it as `studio config set server.voice_map alloy=joe,nova=amy`",
                            code="bad_setting")
        pairs[name.strip()] = voice.strip()
    return pairs


def speech_voice(library: Library, name: str, mapping: dict[str, str]) -> str:
    """The library voice a request's ``voice`` means: the one ``mapping``
    gives it, else the library's voice of that name, else (for a voice name
    of the speech API) the library's default voice; any other name as is."""
    if name in mapping:
        return mapping[name]
    if name in API_VOICES and library.find_voice(name) is None:
        return str(library.get_setting("default_voice", DEFAULT_VOICE))
    return name


# ---------------------------------------------------------------- queueing
def queue(library: Library, project: Project, hold_s: float) -> None:
    """Queue the request's segments ahead of bulk work, every one after the
    first held for up to ``hold_s`` (the request's time left), or until
    :func:`release`."""
    segments = library.segments(project.id)
    until = time.time() + hold_s
    enqueue_segments(library, segments, priority=PRIORITY_INTERACTIVE,
                     run_after=[0.0] + [until] * (len(segments) - 1))


def release(library: Library, project: Project) -> None:
    """Let the request's held segments render."""
    JobQueue(library).release(project.id)


# ---------------------------------------------------------------- what has landed
@dataclass(frozen=True)
class Mark:
    """How far a request's project is: segments with a current take, of how
    many, and how it ended (None while it renders)."""

    rendered: int
    total: int
    outcome: Outcome | None


def marks(library: Library, ids: list[int]) -> dict[int, Mark]:
    """The mark of each project, read in one snapshot (:func:`oneshot.outcomes`
    says how it ended)."""
    ended = outcomes(library, ids)
    return {project_id: Mark(progress.rendered, progress.total, ended.get(project_id))
            for project_id, progress in read_progress(library, ids).items()}


@dataclass(frozen=True)
class Piece:
    """A segment's current take, and the silence to follow it."""

    path: Path
    pause_s: float


def landed(library: Library, project_id: int, start: int) -> tuple[list[Piece], int]:
    """The pieces from position ``start`` on that have their take, up to the
    first that has not, and the position after them."""
    pieces: list[Piece] = []
    for segment, take in library.current_takes(project_id, start):
        if take is None or segment.position is None:
            break
        pieces.append(Piece(library.path(take.path), pause_after(segment, SETTINGS)))
        start = segment.position + 1
    return pieces, start


# ---------------------------------------------------------------- joining and level
class Joiner:
    """Turns pieces into the response's samples: trimmed, faded and spaced as
    an export joins them, at the first take's rate, at one gain set by the
    first piece loud enough to measure, peaks limited."""

    def __init__(self) -> None:
        self.rate = 0
        self.gain: float | None = None

    def join(self, piece: Piece) -> audio.Audio:
        samples, rate = audio.read_audio(piece.path)
        self.rate = self.rate or rate
        samples = audio.resample(samples, rate, self.rate)
        samples = audio.trim_silence(samples, self.rate, pad_s=TRIM_PAD_S)
        samples = audio.fade(samples, self.rate, SETTINGS.fade_s, SETTINGS.fade_s)
        samples = np.concatenate([samples, np.zeros(int(piece.pause_s * self.rate),
                                                    dtype=np.float32)])
        if self.gain is None:
            self.gain = self._gain(samples)
        return self._level(samples, self.gain or 1.0)

    def _level(self, samples: audio.Audio, gain: float) -> audio.Audio:
        return audio.limit_peaks((samples * gain).astype(np.float32), self.rate,
                                 SETTINGS.peak_db)

    def _gain(self, samples: audio.Audio) -> float | None:
        """The gain that brings ``samples`` to the target once limited (the
        limiter takes some loudness back: a few corrected rounds), or None
        when they are too short or quiet to measure."""
        loudness = audio.loudness_lufs(samples, self.rate)
        if not np.isfinite(loudness):
            return None
        gain_db = SETTINGS.lufs - loudness
        for _ in range(4):
            error = SETTINGS.lufs - audio.loudness_lufs(
                self._level(samples, 10 ** (gain_db / 20)), self.rate)
            if abs(error) < 0.2:
                break
            gain_db += error
        return float(10 ** (gain_db / 20))


# ---------------------------------------------------------------- encoders
class Encoder(Protocol):
    """Samples in, the next bytes of the format out."""

    def feed(self, samples: audio.Audio) -> bytes: ...

    def close(self) -> bytes: ...


def _pcm16(samples: audio.Audio) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


class Pcm:
    """Raw 16-bit little-endian mono at 24 kHz, resampled as one stream."""

    def __init__(self, rate: int) -> None:
        import soxr

        self._stream = (soxr.ResampleStream(rate, PCM_RATE, 1, dtype="float32", quality="HQ")
                        if rate != PCM_RATE else None)

    def feed(self, samples: audio.Audio) -> bytes:
        if self._stream is None:
            return _pcm16(samples)
        return _pcm16(self._stream.resample_chunk(samples))

    def close(self) -> bytes:
        if self._stream is None:
            return b""
        return _pcm16(self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True))


class Wav:
    """16-bit WAV at the voice's rate: a header with its sizes unknown, then PCM."""

    UNKNOWN = 0xFFFFFFFF

    def __init__(self, rate: int) -> None:
        self._header = (b"RIFF" + struct.pack("<I", self.UNKNOWN) + b"WAVE"
                        + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
                        + b"data" + struct.pack("<I", self.UNKNOWN))

    def feed(self, samples: audio.Audio) -> bytes:
        head, self._header = self._header, b""
        return head + _pcm16(samples)

    def close(self) -> bytes:
        head, self._header = self._header, b""
        return head


class _Sink:
    """A write-only, unseekable file for FFmpeg: what it writes, taken as it comes."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out, self._chunks = b"".join(self._chunks), []
        return out


class Lossy:
    """MP3 (LAME) or Ogg Opus by FFmpeg through PyAV, writing to an unseekable
    sink: nothing is rewritten at the end (no seek back), so every byte can
    go out as soon as it is written. Ogg pages close every 100 ms."""

    def __init__(self, fmt: str, rate: int) -> None:
        import av

        self._sink = _Sink()
        if fmt == "mp3":
            self._out = av.open(self._sink, mode="w", format="mp3")
            self._stream: Any = self._out.add_stream("libmp3lame", rate=rate, layout="mono")
            self._stream.bit_rate = MP3_KBPS * 1000
        else:
            self._out = av.open(self._sink, mode="w", format="ogg",
                                options={"page_duration": "100000"})
            self._stream = self._out.add_stream("libopus", rate=OPUS_RATE, layout="mono")
            self._stream.bit_rate = OPUS_KBPS * 1000
        self._rate = rate

    def feed(self, samples: audio.Audio) -> bytes:
        import av

        if len(samples):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(np.clip(samples, -1.0, 1.0), dtype=np.float32)[None],
                format="flt", layout="mono")
            frame.sample_rate = self._rate
            for packet in self._stream.encode(frame):
                self._out.mux(packet)
        return self._sink.take()

    def close(self) -> bytes:
        for packet in self._stream.encode(None):
            self._out.mux(packet)
        self._out.close()
        return self._sink.take()


class Whole:
    """A format that cannot stream honestly (flac): kept, encoded at the end."""

    def __init__(self, suffix: str, rate: int) -> None:
        self._suffix, self._rate = suffix, rate
        self._pieces: list[audio.Audio] = []

    def feed(self, samples: audio.Audio) -> bytes:
        self._pieces.append(samples)
        return b""

    def close(self) -> bytes:
        joined = np.concatenate(self._pieces) if self._pieces else np.zeros(0, np.float32)
        return audio.encode(joined, self._rate, self._suffix, bits=16)


def formats() -> tuple[str, ...]:
    """The response formats this platform encodes (mp3 and opus need FFmpeg's
    LAME and Opus encoders, which PyAV's wheels carry)."""
    import av

    have = ["wav", "flac", "pcm"]
    if "libmp3lame" in av.codecs_available:
        have.append("mp3")
    if "libopus" in av.codecs_available:
        have.append("opus")
    return tuple(have)


MEDIA_TYPES = {"wav": "audio/wav", "flac": "audio/flac", "mp3": "audio/mpeg",
               "opus": "audio/ogg", "pcm": "audio/pcm"}
ENCODERS: dict[str, Callable[[int], Encoder]] = {
    "pcm": Pcm,
    "wav": Wav,
    "mp3": lambda rate: Lossy("mp3", rate),
    "opus": lambda rate: Lossy("opus", rate),
    "flac": lambda rate: Whole(".flac", rate),
}
STREAMED = ("pcm", "wav", "mp3", "opus")  # the formats sent as each piece lands
