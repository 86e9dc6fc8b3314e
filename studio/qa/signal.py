"""What a take's audio alone says: silences, clipping, noise, clicks, level.

Every finding comes with a time a person can seek to ("2.8 s silence at
0:03.1") and a :class:`~studio.qa.Spot` for the waveform.

* Silence: 10 ms frame levels; a frame 35 dB under the take's speech level
  (its 95th-percentile frame) is silent. Clean Piper takes pause up to about
  0.45 s inside a segment (sentence gaps, commas); a pause longer than
  ``silence_inner_s`` fails, one over 0.8 s is worth a listen.
* Noise burst: 20 ms frames, spectral flatness over 250 Hz–8 kHz (white
  noise ≈ 0.57, the loudest speech frames ≤ 0.40, fricatives included)
  at speech level, sustained for 0.12 s or more.
* Click: a sample-to-sample jump many times the local jumps around it.
* Clipping: runs of 3+ samples held flat at the take's peak (a waveform cut
  off at its ceiling), or samples beyond full scale.
* Near-silent (peak under -40 dBFS, or under 0.15 s of sound) and DC offset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from studio.audio import frame_levels_db
from studio.qa import QaSettings, Spot

Audio = npt.NDArray[np.float32]

FRAME_S = 0.01
SILENT_BELOW_DB = 35.0  # under the speech level
SILENCE_REVIEW_S = 0.8
FLAT_FRAME_S = 0.02
FLATNESS_NOISE = 0.45
NOISE_MIN_S = 0.12
NOISE_LEVEL_DB = 20.0  # a burst is within this of the speech level
CLICK_RATIO = 20.0
NEAR_SILENT_PEAK = 0.01  # -40 dBFS
DC_REVIEW = 0.05


def clock(seconds: float) -> str:
    """0:03.1 — minutes, seconds and tenths."""
    seconds = max(0.0, seconds)
    minutes = int(seconds // 60)
    return f"{minutes}:{seconds - 60 * minutes:04.1f}"


@dataclass(frozen=True)
class SignalFinding:
    severity: str  # "review" or "fail"
    reason: str
    spot: Spot | None


@dataclass
class SignalReport:
    findings: list[SignalFinding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    speech_s: float = 0.0  # seconds of sound, pauses over 0.25 s left out


def _runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    if not mask.any():
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def silent_frames(audio: Audio, rate: int) -> tuple[npt.NDArray[np.bool_], float]:
    """Which 10 ms frames are silent, and the take's speech level (dBFS)."""
    levels = frame_levels_db(audio, rate, FRAME_S)
    speech_db = float(np.percentile(levels, 95))
    return levels < max(speech_db - SILENT_BELOW_DB, -75.0), speech_db


def speech_seconds(audio: Audio, rate: int) -> float:
    """Seconds of sound in a take: its length less its edges and pauses over 0.25 s."""
    silent, _ = silent_frames(audio, rate)
    voiced = np.flatnonzero(~silent)
    if voiced.size == 0:
        return 0.0
    inner = silent[voiced[0]:voiced[-1] + 1]
    pauses = sum(b - a for a, b in _runs(inner) if (b - a) * FRAME_S > 0.25)
    return float((voiced[-1] + 1 - voiced[0] - pauses) * FRAME_S)


def _flatness(audio: Audio, rate: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Spectral flatness (250 Hz–8 kHz) and level (dBFS) of 20 ms frames."""
    size = int(rate * FLAT_FRAME_S)
    count = len(audio) // size
    if count == 0:
        return np.zeros(0), np.zeros(0)
    frames = audio[: count * size].reshape(count, size).astype(np.float64)
    power = np.abs(np.fft.rfft(frames * np.hanning(size), axis=1)) ** 2
    freqs = np.fft.rfftfreq(size, 1 / rate)
    band = power[:, (freqs >= 250) & (freqs <= min(8000, rate / 2))] + 1e-12
    flatness = np.exp(np.mean(np.log(band), axis=1)) / np.mean(band, axis=1)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    return flatness, level


def analyze(audio: Audio, rate: int, settings: QaSettings | None = None) -> SignalReport:
    """Check a take's audio; findings carry their time in the take."""
    settings = settings or QaSettings()
    report = SignalReport()
    m = report.metrics
    duration = len(audio) / rate
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    dc = float(np.mean(audio)) if audio.size else 0.0
    m.update(duration_s=round(duration, 3), peak=round(peak, 4), dc=round(dc, 5))
    add = report.findings.append

    silent, speech_db = silent_frames(audio, rate)
    voiced = np.flatnonzero(~silent)
    sound_s = voiced.size * FRAME_S
    if peak < NEAR_SILENT_PEAK or sound_s < 0.15 or speech_db < -55:
        add(SignalFinding("fail", f"nearly silent (peak {20 * np.log10(max(peak, 1e-6)):.0f} dBFS)",
                          Spot(0.0, duration, "silence")))
        m["near_silent"] = True
        return report
    if abs(dc) > DC_REVIEW:
        add(SignalFinding("review", f"DC offset {dc:+.2f}", Spot(0.0, duration, "dc")))

    # silences: leading, trailing, inner
    first, last = int(voiced[0]), int(voiced[-1]) + 1
    lead_s, trail_s = first * FRAME_S, duration - last * FRAME_S
    m.update(lead_silence_s=round(lead_s, 2), trail_silence_s=round(max(trail_s, 0.0), 2))
    if lead_s > settings.silence_edge_s:
        add(SignalFinding("review", f"{lead_s:.1f} s silence at the start",
                          Spot(0.0, lead_s, "silence")))
    if trail_s > settings.silence_edge_s:
        add(SignalFinding("review", f"{trail_s:.1f} s silence at the end",
                          Spot(last * FRAME_S, duration, "silence")))
    longest = 0.0
    pauses = 0
    for a, b in _runs(silent[first:last]):
        length = (b - a) * FRAME_S
        start = (first + a) * FRAME_S
        longest = max(longest, length)
        if length > 0.25:
            pauses += b - a
        if length > settings.silence_inner_s:
            add(SignalFinding("fail", f"{length:.1f} s silence at {clock(start)}",
                              Spot(start, start + length, "silence")))
        elif length > min(SILENCE_REVIEW_S, settings.silence_inner_s):
            add(SignalFinding("review", f"{length:.1f} s pause at {clock(start)}",
                              Spot(start, start + length, "silence")))
    m["longest_pause_s"] = round(longest, 2)
    report.speech_s = (last - first - pauses) * FRAME_S

    # noise bursts: flat spectrum at speech level, sustained
    flatness, level = _flatness(audio, rate)
    if flatness.size:
        noisy = (flatness > FLATNESS_NOISE) & (level > speech_db - NOISE_LEVEL_DB)
        # close one-frame gaps
        noisy[1:-1] |= noisy[:-2] & noisy[2:]
        m["max_flatness"] = round(float(np.max(flatness, initial=0.0)), 3)
        for a, b in _runs(noisy):
            if (b - a) * FLAT_FRAME_S >= NOISE_MIN_S:
                start = a * FLAT_FRAME_S
                add(SignalFinding("fail", f"noise burst at {clock(start)}",
                                  Spot(start, b * FLAT_FRAME_S, "noise")))

    # clipping: flat tops at the peak, or samples beyond full scale
    over = int(np.count_nonzero(np.abs(audio) > 1.0))
    held = np.abs(audio) >= 0.98 * peak
    flat = np.concatenate([[False], np.abs(np.diff(audio)) < 1e-6]) & held
    flat[:-1] |= flat[1:]
    runs = [(a, b) for a, b in _runs(flat) if b - a >= 3] if peak > 0.25 else []
    m.update(clipped_runs=len(runs), over_full_scale=over)
    if len(runs) >= 3 or over > 0.0005 * len(audio):
        at = runs[0][0] / rate if runs else float(np.argmax(np.abs(audio))) / rate
        add(SignalFinding("fail", f"clipping at {clock(at)} ({len(runs)} flat tops)",
                          Spot(at, at + 0.05, "clipping")))
    elif runs or over:
        at = runs[0][0] / rate if runs else float(np.argmax(np.abs(audio))) / rate
        add(SignalFinding("review", f"clipping at {clock(at)}", Spot(at, at + 0.05, "clipping")))

    # clicks: a jump far beyond the jumps around it
    jumps = np.abs(np.diff(audio.astype(np.float64)))
    width = max(3, int(rate * 0.005))
    # the jumps around each one, itself and its 2 neighbours left out
    around = np.convolve(jumps**2, np.ones(2 * width + 1), "same") - np.convolve(
        jumps**2, np.ones(5), "same")
    local = np.sqrt(np.maximum(around, 0.0) / (2 * width - 4))
    ratio = jumps / np.maximum(local, 1e-9)
    candidates = np.flatnonzero((ratio > CLICK_RATIO) & (jumps > 0.05) & (jumps > 0.1 * peak))
    m["max_jump_ratio"] = round(float(np.max(ratio, initial=0.0)), 1)
    clicks: list[int] = []
    for index in candidates.tolist():
        if not clicks or index - clicks[-1] > rate * 0.05:
            clicks.append(index)
    m["clicks"] = len(clicks)
    for index in clicks[:3]:
        at = index / rate
        add(SignalFinding("review", f"click at {clock(at)}", Spot(at, at + 0.01, "click")))
    return report
