"""Playback through PortAudio (sounddevice), imported only when needed.

No PortAudio library, or no output device, is a normal state of a machine:
:func:`output_problem` says why in one line, and the GUI disables playback
with that reason instead of failing.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from studio.audio import Audio


@functools.lru_cache(maxsize=1)
def _sounddevice() -> Any:
    import sounddevice

    return sounddevice


def output_problem() -> str | None:
    """None if audio can be played here, else why not."""
    try:
        sd = _sounddevice()
    except OSError as err:  # the PortAudio library is missing
        return f"no audio library ({err}); install PortAudio (libportaudio2)"
    try:
        sd.query_devices(kind="output")
    except Exception as err:  # PortAudioError / ValueError: no device
        return f"no audio output device ({err})"
    return None


def input_problem() -> str | None:
    """None if audio can be recorded here, else why not."""
    problem = output_problem()
    if problem and "library" in problem:
        return problem
    try:
        _sounddevice().query_devices(kind="input")
    except Exception as err:
        return f"no microphone ({err})"
    return None


class Player:
    """Plays one clip at a time, without blocking the caller."""

    def __init__(self) -> None:
        self.problem = output_problem()

    def play(self, audio: Audio, rate: int) -> None:
        """Start playing ``audio`` (stopping whatever was playing)."""
        if self.problem:
            raise RuntimeError(self.problem)
        sd = _sounddevice()
        sd.stop()
        sd.play(np.ascontiguousarray(audio, dtype=np.float32), rate)

    def stop(self) -> None:
        """Stop playing."""
        if not self.problem:
            _sounddevice().stop()

    @property
    def playing(self) -> bool:
        """Whether something is playing now."""
        if self.problem:
            return False
        try:
            return bool(_sounddevice().get_stream().active)
        except RuntimeError:  # nothing was ever played
            return False
