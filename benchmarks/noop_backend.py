"""Stand-in backends with Piper's name and presets and no model, to measure
the queue and the farm: :class:`NoopBackend` returns at once,
:class:`FixedDelayBackend` spends a fixed time per segment off the CPU."""

from __future__ import annotations

import time

import numpy as np

from studio.backends.piper import PiperBackend


class NoopBackend(PiperBackend):
    """Piper's name and presets, no model: synthesis costs nothing."""

    def load(self, device="cpu", threads=None):  # type: ignore[no-untyped-def]
        pass

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        # distinct audio per job, so every take is really written (content-addressed)
        return np.random.default_rng(seed).uniform(-1e-3, 1e-3, 2205).astype(np.float32)


class FixedDelayBackend(NoopBackend):
    """Spends ``delay_s`` on a segment asleep, not on the CPU (a GPU at work,
    seen from the host), then returns half a second of noise seeded by the job."""

    delay_s = 0.2

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        time.sleep(self.delay_s)
        rng = np.random.default_rng(seed)
        return rng.uniform(-0.1, 0.1, self.sample_rate // 2).astype(np.float32)
