"""Recording from a microphone through PortAudio (sounddevice, imported lazily).

The stream's callback only copies blocks and notes their peak; the caller
polls :attr:`Recorder.level_db` for a meter and gets the audio on
:meth:`Recorder.stop`. What was recorded goes through the same prompt checks
as an imported clip (studio.core.prompts), so a silent or clipped take gets the
same clear message.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from studio.audio import Audio
from studio.audio.playback import _sounddevice, input_problem

__all__ = ["Recorder", "input_devices", "input_problem"]


def input_devices() -> list[tuple[int, str]]:
    """(index, name) of every device that can record, the default first."""
    if input_problem():
        return []
    sd = _sounddevice()
    default = sd.default.device[0]
    devices = [(i, str(d["name"])) for i, d in enumerate(sd.query_devices())
               if d["max_input_channels"] > 0]
    return sorted(devices, key=lambda item: item[0] != default)


class Recorder:
    """Records mono float audio until :meth:`stop`."""

    def __init__(self, device: int | None = None, rate: int = 48000) -> None:
        self.device, self.rate = device, rate
        self._blocks: list[Audio] = []
        self._lock = threading.Lock()
        self._stream: Any = None
        self.level_db = -120.0

    def _callback(self, data: Any, frames: int, time: Any, status: Any) -> None:
        block = np.array(data[:, 0], dtype=np.float32)  # a copy: PortAudio reuses its buffer
        peak = float(np.max(np.abs(block))) if block.size else 0.0
        with self._lock:
            self._blocks.append(block)
        self.level_db = 20 * np.log10(max(peak, 1e-6))

    def start(self) -> None:
        """Open the input and start recording."""
        problem = input_problem()
        if problem:
            raise RuntimeError(problem)
        self._stream = _sounddevice().InputStream(
            samplerate=self.rate, channels=1, dtype="float32", device=self.device,
            callback=self._callback,
        )
        self._stream.start()

    @property
    def seconds(self) -> float:
        """Length recorded so far."""
        with self._lock:
            return sum(len(block) for block in self._blocks) / self.rate

    def stop(self) -> Audio:
        """Stop and return everything recorded."""
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
        with self._lock:
            blocks, self._blocks = self._blocks, []
        return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
