"""A passage of a take's sound said twice in a row, found in the sound itself.

The recognizer was trained on tidied transcripts and writes a short phrase
said two or three times as said once ("so that, so that, so that" comes back
"so that"): the words match the script while the take is wrong. A passage
repeated in a row shows in the sound instead: the take's frames match the
frames one passage-length later, all through the passage.

How: 40-band log-mel frames every 10 ms (the speaker check's front end),
each band's mean over the sounding frames taken away, each frame a unit
vector. For every lag from :data:`MIN_LAG_S` to :data:`MAX_LAG_S`, the
cosine of each frame with the frame one lag later, averaged over a sliding
stretch of 0.8 lag (at least 0.25 s) of sounding frames. The best stretch
over all lags is the take's repeat score.

Measured (``tests/data/qa_long_text.txt``, 93 Piper takes; see docs/qa.md):
clean takes score at most 0.90 (median 0.67); the same takes with a passage
said twice more score at least 0.966. A phrase the script itself says twice
("copy the file, copy the file") scores 0.77-0.97 when the voice says it as
written: a script with words repeated in a row is not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from studio.audio import resample

RATE = 16000
FRAME_S = 0.01
MIN_LAG_S = 0.3  # shorter: the frames of one long vowel match each other
MAX_LAG_S = 2.5  # longer phrases said again the recognizer hears as such
MIN_STRETCH_S = 0.25
SOUNDING_DB = 45.0  # frames this far under the loudest are not sound
REPEAT_SIMILARITY = 0.94  # a stretch this alike one lag later is the same sound again


@dataclass(frozen=True)
class Repeat:
    similarity: float  # the best stretch's mean cosine
    start_s: float  # where the second saying starts
    length_s: float  # the lag: how long the passage said again is


def _frames(audio: npt.NDArray[np.float32], rate: int) -> tuple[
        npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    from studio.qa.identity import mel_frames  # numpy only at import

    wav = resample(np.asarray(audio, dtype=np.float32), rate, RATE)
    power = mel_frames(wav)
    energy = power.sum(axis=1)
    level = 10 * np.log10(energy + 1e-12)
    sounding = level > float(level.max(initial=-120.0)) - SOUNDING_DB
    logmel = np.log(power + 1e-6)
    if sounding.any():
        logmel -= logmel[sounding].mean(axis=0)
    logmel /= np.linalg.norm(logmel, axis=1, keepdims=True) + 1e-9
    return logmel.astype(np.float32), sounding


def repeated_passage(audio: npt.NDArray[np.float32], rate: int) -> Repeat | None:
    """The passage of ``audio`` most alike the sound right after it, if it
    is at least :data:`REPEAT_SIMILARITY` alike; None otherwise."""
    frames, sounding = _frames(audio, rate)
    count = len(frames)
    best = Repeat(0.0, 0.0, 0.0)
    min_lag, max_lag = round(MIN_LAG_S / FRAME_S), round(MAX_LAG_S / FRAME_S)
    for lag in range(min_lag, min(max_lag, count // 2) + 1):
        stretch = max(round(MIN_STRETCH_S / FRAME_S), int(0.8 * lag))
        if stretch >= count - lag:
            break
        both = sounding[:-lag] & sounding[lag:]
        alike = np.einsum("ij,ij->i", frames[:-lag], frames[lag:]) * both
        sums, weight = _moving_sum(alike, stretch), _moving_sum(both, stretch)
        enough = weight >= max(15, 0.3 * stretch)  # at least 0.15 s of sound in the stretch
        if not enough.any():
            continue
        means = np.where(enough, sums / np.maximum(weight, 1.0), -1.0)
        at = int(np.argmax(means))
        if means[at] > best.similarity:
            best = Repeat(float(means[at]), (at + lag) * FRAME_S, lag * FRAME_S)
    return best if best.similarity >= REPEAT_SIMILARITY else None


def _moving_sum(values: npt.NDArray[Any], width: int) -> npt.NDArray[np.float64]:
    """Sums of every ``width`` consecutive values (a box filter, from a running
    sum: a convolution per lag cost more than the rest of the check)."""
    running = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    return running[width:] - running[:-width]


def says_words_twice(tokens: list[str], longest: int = 4) -> bool:
    """Whether the script has a run of up to ``longest`` words said twice in a
    row ("signed signed", "copy the file copy the file"): its sound may
    repeat by right."""
    for size in range(1, longest + 1):
        for at in range(len(tokens) - 2 * size + 1):
            if tokens[at:at + size] == tokens[at + size:at + 2 * size]:
                return True
    return False
