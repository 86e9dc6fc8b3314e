"""The recognizer: several takes heard in one window, words given back to each.

faster-whisper (CTranslate2) on the CPU, int8. Whisper's encoder always
reads a 30 s window: a 4 s take costs about as much as a full window, and
fed short it invents repetitions. So takes are packed, in order, into
windows of at most :data:`WINDOW_S` seconds with :data:`GAP_S` of silence
between them and heard in one pass (greedy, no conditioning on earlier
text, no VAD, the language given, no timestamps: with them the recognizer
stops early and hears the window's end again). The words are given back to
their takes by aligning everything heard in the window against all the
takes' script words, each tagged with its take (``jiwer``); a heard word
that the alignment leaves between two takes, or puts far from its take,
goes by its time, estimated between the words heard as written. A take
longer than a window is heard alone, in windows, with timestamps.

A window whose hearing loops (:func:`looped`) is heard again in two
halves, and so on down to one take. A garbled take (reversed or wrong
speech) can start a loop that runs on over its neighbours: a clean take
beside one was heard as "the loud the loud loud loud ..." and failed. A
loop shows as Whisper itself finds one, by how well the text compresses,
here against the scripts: heard as written, a window's text compresses as
its scripts do (within 0.05 on 110 windows of the long test text); a
phrase said twice more in a damaged take adds up to 0.3; the loops found
added 0.7 to 29. Heard again by ``base`` instead, two of three looping
windows looped again (a reversed take throws both models); heard in
halves, the clean takes in them came back with error rates of 0-0.15 but
one at 0.40, which the checker's second hearing is there for.

Which model for English (measured with ``scripts/qa_detection.py``: the
93 segments of ``tests/data/qa_long_text.txt`` rendered clean by Piper, 1
thread, packed, 5.7 s of audio a take): ``tiny.en`` heard them with a WER
of 3.8-5.0 % after normalization at 0.26-0.36 s a take (real-time factor
about 0.06); ``base`` did no better (5.5 %) at 0.67 s a take (0.12). Both
slip on the same few words (names, "sacks of potatoes"), so English uses
``tiny.en``. Every other language, Chinese included, needs the
multilingual ``base``.
"""

from __future__ import annotations

import bisect
import threading
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from studio.audio import resample
from studio.qa import QaUnavailable
from studio.qa.compare import CHARACTER_LANGUAGES, align, tokens
from studio.qa.recognizers import model_path, spec

RATE = 16000
WINDOW_S = 28.0  # packing limit: under Whisper's 30 s window
GAP_S = 0.6  # silence between packed takes
LOOP_MARGIN = 0.4  # heard text compressing this much more than its scripts: a loop

Audio = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Heard:
    """What the recognizer heard in one take: comparable tokens, each with
    an estimated time (seconds into the take), and the raw text."""

    tokens: list[str]
    times: list[float]
    text: str


class Recognizer:
    """One loaded model."""

    def __init__(self, name: str, threads: int = 1) -> None:
        self.name = name
        self.spec = spec(name)
        folder = model_path(name)  # QaUnavailable when missing or damaged
        from faster_whisper import WhisperModel

        try:
            self._model: Any = WhisperModel(
                str(folder), device="cpu", compute_type="int8",
                cpu_threads=max(1, threads), num_workers=1, local_files_only=True,
            )
        except Exception as error:  # a sound checksum, yet it will not load
            raise QaUnavailable(
                f"QA model {name!r} is damaged (it does not load: {error})".splitlines()[0],
                "run `python -m studio.qa.recognizers --install`",
            ) from error
        self._lock = threading.Lock()

    def transcribe(self, audio: Audio, language: str, timestamps: bool = False
                   ) -> list[Segment]:
        """Segments heard in 16 kHz mono audio. Without timestamps, each 30 s
        window is one segment, heard in one pass: with them, the recognizer
        often stops at a phrase before the window's end and hears the rest
        in a second pass (measured: 11 passes for 7 packed windows, 45 %
        more time)."""
        with self._lock:
            segments, _ = self._model.transcribe(
                audio, language=language if self.spec.languages is None else "en",
                beam_size=1, best_of=1, temperature=0.0, condition_on_previous_text=False,
                vad_filter=False, word_timestamps=False, without_timestamps=not timestamps,
            )
            return [Segment(float(s.start), float(s.end), s.text.strip()) for s in segments]


def pack(
    durations: list[float], window_s: float = WINDOW_S, gap_s: float = GAP_S
) -> list[list[int]]:
    """Indices of consecutive takes grouped into windows of at most ``window_s``
    seconds (gaps included); a take longer than that is a window of its own."""
    windows: list[list[int]] = []
    length = 0.0
    for index, seconds in enumerate(durations):
        if windows and windows[-1] and length + gap_s + seconds <= window_s:
            windows[-1].append(index)
            length += gap_s + seconds
        else:
            windows.append([index])
            length = seconds
    return windows


def _timed_tokens(segments: list[Segment], language: str) -> tuple[list[str], list[float]]:
    """Tokens of the heard segments, each with a time estimated from its
    place in its segment (by characters)."""
    words: list[str] = []
    times: list[float] = []
    for seg in segments:
        found = tokens(seg.text, language)
        if found:
            words += found
            times += [seg.start + (seg.end - seg.start) * f for f in _middles(found)]
    return words, times


def _middles(words: list[str]) -> list[float]:
    """Where each word's middle lies in the run of words, 0 to 1, by characters."""
    if not words:
        return []
    sizes = np.array([len(w) + 1 for w in words], dtype=np.float64)
    return [float(f) for f in (np.cumsum(sizes) - sizes / 2) / sizes.sum()]


def hear(
    recognizer: Recognizer, takes: list[tuple[Audio, int]], scripts: list[list[str]],
    language: str,
) -> list[Heard]:
    """Hear takes (audio, rate) packed into one window; ``scripts`` are their
    script tokens (from :func:`~studio.qa.compare.tokens`). One Heard per take."""
    audios = [resample(np.asarray(a, dtype=np.float32), r, RATE) for a, r in takes]
    joiner = "" if language in CHARACTER_LANGUAGES else " "
    if len(audios) == 1:
        # A take longer than a window is heard with timestamps, so that the
        # recognizer goes on from its last whole phrase, not from a cut word.
        long = len(audios[0]) / RATE > WINDOW_S
        words, times = _timed_tokens(recognizer.transcribe(audios[0], language, long), language)
        return [Heard(words, times, joiner.join(words))]
    gap = np.zeros(int(GAP_S * RATE), dtype=np.float32)
    starts: list[float] = []
    pieces: list[Audio] = []
    at = 0
    for audio in audios:
        if pieces:
            pieces.append(gap)
            at += len(gap)
        starts.append(at / RATE)
        pieces.append(audio)
        at += len(audio)
    ends = [s + len(a) / RATE for s, a in zip(starts, audios, strict=True)]
    heard_text = " ".join(seg.text for seg in recognizer.transcribe(np.concatenate(pieces),
                                                                     language))
    words = tokens(heard_text, language)
    if looped(joiner.join(words), [joiner.join(script) for script in scripts]):
        half = len(takes) // 2
        return (hear(recognizer, takes[:half], scripts[:half], language)
                + hear(recognizer, takes[half:], scripts[half:], language))
    owner = _attribute(words, scripts, starts, ends, language)
    heard = [Heard([], [], "") for _ in takes]
    for word, take in zip(words, owner, strict=True):
        heard[take].tokens.append(word)
    for item, start, end in zip(heard, starts, ends, strict=True):
        item.times = [(end - start) * f for f in _middles(item.tokens)]
        item.text = joiner.join(item.tokens)
    return heard


def _compression(text: str) -> float:
    data = text.encode()
    return len(data) / len(zlib.compress(data)) if data else 0.0


def looped(heard: str, scripts: list[str]) -> bool:
    """Whether a window's heard text is a decoding loop: it compresses
    :data:`LOOP_MARGIN` better than the scripts it should say (zlib's ratio)."""
    return _compression(heard) > _compression(" ".join(scripts)) + LOOP_MARGIN


def _attribute(
    words: list[str], scripts: list[list[str]], starts: list[float], ends: list[float],
    language: str,
) -> list[int]:
    """The take each heard token belongs to. Everything heard in the window
    is aligned against all the takes' script words, each tagged with its
    take: a word heard as a script word (or in its place) belongs to that
    word's take, and a word heard between two words of one take to that
    take. Any other word goes by its time, estimated between the words heard
    as written (whose times are known from their place in their take), as
    does a word the alignment would give to a take far from where it was
    heard (a garbled take beside a clean one must not take its words)."""
    joiner = "" if language in CHARACTER_LANGUAGES else " "
    ref: list[str] = []
    ref_take: list[int] = []
    ref_time: list[float] = []
    for take, script in enumerate(scripts):
        ref += script
        ref_take += [take] * len(script)
        ref_time += [starts[take] + (ends[take] - starts[take]) * f for f in _middles(script)]
    aligned: list[int | None] = [None] * len(words)
    known: dict[int, float] = {}  # heard index -> time, for words heard as written
    for kind, r0, _r1, h0, h1 in align(ref, words, joiner):
        for j in range(h0, h1):
            if kind in ("equal", "substitute"):
                aligned[j] = ref_take[r0 + (j - h0)]
                if kind == "equal":
                    known[j] = ref_time[r0 + (j - h0)]
            else:  # inserted: between script tokens r0 - 1 and r0
                before = ref_take[r0 - 1] if r0 > 0 else None
                after = ref_take[r0] if r0 < len(ref_take) else None
                aligned[j] = before if before is not None and before == after else None
    # times of the other words: between the known ones, by characters heard
    place = _middles(words)
    xs = [0.0] + [place[j] for j in sorted(known)] + [1.0]
    ys = [starts[0]] + [known[j] for j in sorted(known)] + [ends[-1]]
    times = np.interp(place, xs, ys) if words else np.zeros(0)
    half = GAP_S / 2

    def by_time(t: float) -> int:
        return max(0, min(len(starts) - 1, bisect.bisect_right(starts, t + half) - 1))

    def far(t: float, take: int) -> bool:
        return bool(t < starts[take] - half - 1.0 or t > ends[take] + half + 1.0)

    return [take if take is not None and (j in known or not far(float(times[j]), take))
            else by_time(float(times[j])) for j, take in enumerate(aligned)]
