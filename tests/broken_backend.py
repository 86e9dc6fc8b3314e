"""A backend whose runtime is not installed: importing this module fails the
way a backend's import fails when its package is missing. Registered through
``$STUDIO_BACKENDS`` by the tests that show how the studio reports it."""

from __future__ import annotations

from studio_missing_runtime import Synthesizer  # type: ignore[import-not-found]

from studio.backends.piper import PiperBackend


class BrokenBackend(PiperBackend):
    """Never loads: its module cannot be imported."""

    name = "broken"
    runtime = Synthesizer
