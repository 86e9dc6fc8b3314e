"""A Piper backend that damages some takes, for take QA's tests.

Loaded by worker processes through
``STUDIO_BACKENDS=piper=tests.qa_faults:FaultyPiper``. About a quarter of
takes (``$STUDIO_QA_FAULT_RATE``, default 0.25) get one fault, chosen from
(text, seed) alone, so a retake with a new seed is usually clean and a test
knows the truth beforehand through :func:`fault_for`:

* ``truncated``: the last ~35 % of the take cut off;
* ``dropped``: ~30 % of the middle cut out;
* ``repeated``: a ~0.9 s chunk of speech said again twice more;
* ``silence``: 2.5 s of silence inside the take;
* ``wrong``: a different sentence rendered instead;
* ``noise``: 0.4 s of broadband noise at speech level, inserted;
* ``reversed``: the take played backwards.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
import numpy.typing as npt

from studio.backends.piper import PiperBackend

FAULTS = ("truncated", "dropped", "repeated", "silence", "wrong", "noise", "reversed")
WRONG_SENTENCE = "Meanwhile the orchestra tuned their instruments in the empty hall."

Audio = npt.NDArray[np.float32]


def _draw(text: str, seed: int) -> float:
    digest = hashlib.sha256(f"{seed}\0{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def fault_rate() -> float:
    return float(os.environ.get("STUDIO_QA_FAULT_RATE", "0.25"))


def fault_for(text: str, seed: int, rate: float | None = None) -> str | None:
    """The fault the take of ``text`` rendered with ``seed`` gets, or None."""
    rate = fault_rate() if rate is None else rate
    draw = _draw(text, seed)
    if draw >= rate:
        return None
    return FAULTS[min(len(FAULTS) - 1, int(draw / rate * len(FAULTS)))]


def voiced_bounds(audio: Audio, rate: int) -> tuple[int, int]:
    """First and last sample of sound (above -40 dB of the peak)."""
    loud = np.flatnonzero(np.abs(audio) > 0.01 * float(np.max(np.abs(audio))))
    return (int(loud[0]), int(loud[-1]) + 1) if loud.size else (0, len(audio))


def _quiet_point(audio: Audio, rate: int, near: int, reach: int) -> int:
    """The quietest 20 ms within ``reach`` samples of ``near``: a cut there
    lands between words."""
    frame = int(0.02 * rate)
    lo, hi = max(0, near - reach), min(len(audio) - frame, near + reach)
    if hi <= lo:
        return near
    starts = np.arange(lo, hi, frame // 2)
    energy = [float(np.sum(audio[s:s + frame] ** 2)) for s in starts]
    return int(starts[int(np.argmin(energy))] + frame // 2)


def damage(audio: Audio, rate: int, fault: str, text: str, seed: int,
           render: object = None) -> Audio:
    """``audio`` with ``fault`` applied. ``render(text)`` makes another
    sentence's audio (for ``wrong``)."""
    rng = np.random.default_rng(int(_draw(text, seed + 7919) * 2**32))
    a, b = voiced_bounds(audio, rate)
    length = b - a
    # cuts move to a quiet point nearby, never so far that a short take's
    # "dropped" middle comes out empty (it keeps at least 20 % of the sound)
    reach = min(int(0.3 * rate), int(0.05 * length))

    def quiet(near: int) -> int:
        return _quiet_point(audio, rate, near, reach)
    if fault == "truncated":
        cut = quiet(a + int(0.65 * length))
        return audio[:cut].copy()
    if fault == "dropped":
        start = quiet(a + int(0.35 * length))
        end = quiet(a + int(0.65 * length))
        return np.concatenate([audio[:start], audio[end:]])
    if fault == "repeated":
        start = quiet(a + int(0.3 * length))
        end = quiet(start + int(0.9 * rate))
        chunk = audio[start:end]
        return np.concatenate([audio[:end], chunk, chunk, audio[end:]])
    if fault == "silence":
        at = quiet(a + int(0.5 * length))
        return np.concatenate([audio[:at], np.zeros(int(2.5 * rate), np.float32), audio[at:]])
    if fault == "wrong":
        assert callable(render)
        return np.asarray(render(WRONG_SENTENCE), dtype=np.float32)
    if fault == "noise":
        at = quiet(a + int(float(rng.uniform(0.3, 0.7)) * length))
        voiced = audio[a:b]
        level = float(np.sqrt(np.mean(voiced[np.abs(voiced) > 0.02] ** 2)))
        noise = (rng.standard_normal(int(0.4 * rate)) * level).astype(np.float32)
        return np.concatenate([audio[:at], noise, audio[at:]])
    if fault == "reversed":
        return audio[::-1].copy()
    raise ValueError(f"unknown fault {fault!r}")


class FaultyPiper(PiperBackend):
    """The real Piper voice; about a quarter of takes damaged (see :func:`fault_for`)."""

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        audio = super().synthesize(text, voice, seed=seed, speed=speed)
        fault = fault_for(text, seed)
        if fault is None:
            return audio

        def render(other: str) -> Audio:
            return np.asarray(
                super(FaultyPiper, self).synthesize(other, voice, seed=seed, speed=speed),
                dtype=np.float32,
            )

        return damage(audio, self.sample_rate, fault, text, seed, render)
