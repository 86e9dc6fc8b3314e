"""A backend that returns 0.1 s of near-silence at once, to measure the queue."""

from __future__ import annotations

import numpy as np

from studio.engine.backends.piper import PiperBackend


class NoopBackend(PiperBackend):
    """Piper's name and presets, no model: synthesis costs nothing."""

    def load(self, device="cpu", threads=None):  # type: ignore[no-untyped-def]
        pass

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        return np.full(2205, 1e-3, dtype=np.float32)
