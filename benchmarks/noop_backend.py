"""A backend that returns 0.1 s of near-silence at once, to measure the queue."""

from __future__ import annotations

import numpy as np

from studio.backends.piper import PiperBackend


class NoopBackend(PiperBackend):
    """Piper's name and presets, no model: synthesis costs nothing."""

    def load(self, device="cpu", threads=None):  # type: ignore[no-untyped-def]
        pass

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        # distinct audio per job, so every take is really written (content-addressed)
        return np.random.default_rng(seed).uniform(-1e-3, 1e-3, 2205).astype(np.float32)
