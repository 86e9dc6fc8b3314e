"""Backends for fault injection, loaded by worker processes through
``$STUDIO_BACKENDS``. Each is the real Piper voice with one fault added, so
everything around the fault is the real thing."""

from __future__ import annotations

import os
import time
from pathlib import Path

from studio.backends.piper import PiperBackend


class PoisonedPiper(PiperBackend):
    """Fails on any segment containing the word written in ``$STUDIO_POISON_FILE``
    (while that file exists): a cause the user can remove."""

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        poison = Path(os.environ["STUDIO_POISON_FILE"])
        if poison.exists() and poison.read_text().strip() in text:
            raise RuntimeError(f"cannot read {poison.read_text().strip()!r}")
        return super().synthesize(text, voice, seed=seed, speed=speed)


class CrashOnLoad(PiperBackend):
    """A worker that dies while loading (a broken install, a missing driver)."""

    def load(self, device="cpu", threads=None):  # type: ignore[no-untyped-def]
        raise SystemExit("model file is corrupt")


class HangingPiper(PiperBackend):
    """Never finishes a segment containing "hang": a stuck GPU kernel."""

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        if "hang" in text:
            time.sleep(3600)
        return super().synthesize(text, voice, seed=seed, speed=speed)


class NoopBackend(PiperBackend):
    """Returns 0.1 s of silence at once: measures the queue, not synthesis."""

    def load(self, device="cpu", threads=None):  # type: ignore[no-untyped-def]
        pass

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        import numpy as np

        return np.full(2205, 1e-3, dtype=np.float32)


class SlowPiper(PiperBackend):
    """Takes two seconds over a segment containing "slow": a long paragraph."""

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        if "slow" in text:
            time.sleep(2.0)
        return super().synthesize(text, voice, seed=seed, speed=speed)


class BuildOncePiper(PiperBackend):
    """Needs a shared file built once before any worker loads, like a TensorRT
    plan: ``plan`` in ``$STUDIO_BUILD_DIR``. Builds and loads are logged there;
    with ``$STUDIO_BUILD_FAIL`` set the build fails as a real one can."""

    @classmethod
    def needs_build(cls, options=None):  # type: ignore[no-untyped-def]
        return not (Path(os.environ["STUDIO_BUILD_DIR"]) / "plan").exists()

    def build(self, device="cuda"):  # type: ignore[no-untyped-def]
        folder = Path(os.environ["STUDIO_BUILD_DIR"])
        with open(folder / "builds.log", "a") as log:
            log.write(f"{os.getpid()} {self.options.get('fp16')}\n")
        if os.environ.get("STUDIO_BUILD_FAIL"):
            raise RuntimeError("not enough GPU memory to build the plan")
        time.sleep(1.0)  # a build takes a while: workers must wait for it
        (folder / "plan").write_text("plan")

    def load(self, device="cpu", threads=None):  # type: ignore[no-untyped-def]
        folder = Path(os.environ["STUDIO_BUILD_DIR"])
        if not (folder / "plan").exists():
            raise SystemExit("worker started before the plan was built")
        with open(folder / "loads.log", "a") as log:
            log.write(f"{os.getpid()}\n")
        super().load(device, threads)


class FixedDelay(PiperBackend):
    """Spends 0.2 s on a segment without the CPU (a GPU at work, seen from the
    host), 3 s on one containing "slow"; returns half a second of noise seeded
    by the job (each take distinct, as content-addressed takes must be)."""

    def load(self, device="cpu", threads=None):  # type: ignore[no-untyped-def]
        pass

    def synthesize(self, text, voice, *, seed, speed=1.0):  # type: ignore[no-untyped-def]
        import numpy as np

        time.sleep(3.0 if "slow" in text else 0.2)
        rng = np.random.default_rng([seed, len(text)])
        return rng.uniform(-0.1, 0.1, self.sample_rate // 2).astype(np.float32)
