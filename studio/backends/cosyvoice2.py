"""Zero-shot voice cloning with CosyVoice2-0.5B on an NVIDIA GPU.

Written to the runtime's public inference API at the revision pinned in the
README (``cosyvoice.cli.cosyvoice.CosyVoice2``):

* ``CosyVoice2(model_dir, load_jit, load_trt, load_vllm, fp16)``: no device
  argument, it takes CUDA device 0, so the supervisor places each worker with
  ``CUDA_VISIBLE_DEVICES`` before it starts;
* ``add_zero_shot_spk(prompt_text, prompt_wav, spk_id)`` extracts a prompt's
  features once; ``inference_zero_shot(..., zero_shot_spk_id=spk_id)`` reuses
  them. Voices without a transcript use ``inference_cross_lingual``;
* each call yields ``{'tts_speech': tensor(1, T)}`` at 24 kHz.

Revisions differ in how the prompt is passed: newer ones take the clip's
path (``prompt_wav``), older ones a 16 kHz tensor (``prompt_speech_16k``). The
adapter reads the signature once at load and passes what it asks for.

The studio normalizes and splits the script itself, so the runtime's text
front end is switched off (``text_frontend=False``): what is spoken is
exactly the segment's text, and subtitles match it. A runtime that does not
take that argument is refused at load, naming the installer of the pinned
revision: leaving it out would change what is spoken. Arguments that do not
change what is spoken are adapted to the installed revision instead: the
constructor's speed and memory switches (``load_jit``, ``load_trt``,
``load_vllm``, ``fp16``), ``stream=False`` and ``speed=1.0`` (every
revision's defaults), and ``zero_shot_spk_id`` (a cache of the prompt's
features, which are then extracted again from the same clip and transcript).

Reproducible takes: the segment's seed goes into Python's, NumPy's and
torch's generators (CPU and every GPU) right before each non-streaming call.

Options (library settings ``cosyvoice2.*``, see ``studio config``): ``fp16``,
``jit``, ``trt`` (TensorRT plan for the flow decoder, built once by
:meth:`build` before workers start), ``vram_mb`` (default 5000), ``model_dir``
and ``device`` (``cuda``, or ``cpu`` to run without a GPU, slowly).

torch and the runtime are imported in the worker only, never by the studio
or its GUI.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from studio.backends import Backend, Options, Unavailable, VoiceRef
from studio.errors import UserError

MODEL_NAME = "cosyvoice2-0.5b"
PROMPT_MAX_S = 30.0
PROMPT_MIN_RATE = 16000
PLAN_BUILDING = ".studio-plan-building"

# The revision installers/cosyvoice-runtime.sh installs (its REV).
PINNED_REVISION = "7538c6a73d8f8f80672518112092279bb431a4d7"
INSTALLER = "installers/cosyvoice-runtime.sh"
# Arguments a revision may lack without changing what is spoken (see above),
# with the value each may be left out at (None: any value).
_ADAPTABLE: dict[str, Any] = {"stream": False, "speed": 1.0, "zero_shot_spk_id": None}

# Why a cloned voice cannot render here: one place per reason, a plain
# sentence and next step for the window, what was found and the command that
# fixes it for the command line and the log (see Unavailable).
USE_A_PRESET = "Use a preset voice here, or render on a computer with one."


def runtime_missing(detail: str = "") -> Unavailable:
    """The runtime (and torch) are not installed."""
    return Unavailable(
        "This cloned voice needs the CosyVoice2 voice-cloning software, which is not "
        "installed on this computer",
        "Use a preset voice here, or install voice cloning as the README describes "
        "under Voice cloning.",
        "run `pip install '.[cosyvoice]'` and then `installers/cosyvoice-runtime.sh` "
        "(README, 'Voice cloning')",
        detail,
    )


def no_gpu(detail: str) -> Unavailable:
    """No NVIDIA GPU with CUDA (``detail``: what NVML or torch said)."""
    return Unavailable(
        "This cloned voice needs the CosyVoice2 model and an NVIDIA GPU; this computer has "
        "no usable NVIDIA GPU",
        USE_A_PRESET,
        "install the NVIDIA driver, or run `studio config set cosyvoice2.device cpu` to "
        "render on the processor (very slow)",
        detail,
    )


def _plan_name(fp16: bool) -> str:
    return f"flow.decoder.estimator.{'fp16' if fp16 else 'fp32'}.mygpu.plan"


@dataclass(frozen=True)
class _Prompt:
    """A voice as the runtime takes it."""

    wav: Any  # a path (newer runtimes) or a 16 kHz tensor (older ones)
    transcript: str | None
    spk_id: str  # '' for cross-lingual: the runtime caches nothing for it


class CosyVoice2Backend(Backend):
    """CosyVoice2-0.5B: clones a voice from its prompt clip (and transcript)."""

    name: ClassVar[str] = "cosyvoice2"
    sample_rate: ClassVar[int] = 24000
    languages: ClassVar[frozenset[str]] = frozenset({"zh", "en", "ja", "ko", "yue"})
    can_clone: ClassVar[bool] = True
    deterministic: ClassVar[bool] = True  # seeded, non-streaming
    vram_mb: ClassVar[int] = 5000
    # The runtime's own splitter cuts at ~80 text tokens; the studio's segments
    # stay under that so the runtime never re-splits them.
    max_chars: ClassVar[int] = 120
    max_cpu_workers: ClassVar[int | None] = 1  # each holds ~5 GB of weights in RAM
    option_help: ClassVar[dict[str, tuple[str, str]]] = {
        **Backend.option_help,
        "fp16": ("bool", "half precision on the GPU: faster, less memory"),
        "jit": ("bool", "TorchScript flow encoder (flow.encoder.*.zip)"),
        "trt": ("bool", "TensorRT flow decoder; the plan is built once before workers start"),
        "model_dir": ("str", "model folder (default: the model manager's)"),
        "device": ("cuda|cpu", "cuda, or cpu to run without a GPU (very slow)"),
    }
    _DEFAULTS: ClassVar[dict[str, Any]] = {"fp16": False, "jit": False, "trt": False,
                                           "device": "cuda"}

    @classmethod
    def option_default(cls, option: str) -> Any:
        if option == "model_dir":
            return str(cls.model_dir())
        return cls._DEFAULTS.get(option, super().option_default(option))

    def __init__(self) -> None:
        self._model: Any = None
        self._takes_path = True

    # ------------------------------------------------------------ without loading
    @classmethod
    def model_dir(cls, options: Options | None = None) -> Path:
        """The model folder: the ``model_dir`` option, else the model manager's."""
        from studio.weights import models_dir

        given = (options or {}).get("model_dir")
        return Path(given).expanduser() if given else models_dir() / MODEL_NAME

    @classmethod
    def model_problem(cls, options: Options | None = None) -> Unavailable | None:
        """Why the model folder cannot be loaded, with the command that fixes it."""
        from studio.weights import ModelStore

        folder = cls.model_dir(options)
        fix = f"run `studio models download {MODEL_NAME}`"
        chosen = bool((options or {}).get("model_dir"))
        if chosen:
            fix += " (or point cosyvoice2.model_dir at a complete copy)"
        if not folder.is_dir():
            if chosen:
                return Unavailable(
                    "This cloned voice needs the CosyVoice2 model, and the model folder set "
                    "for it does not exist",
                    "Restore that folder, or use a preset voice.",
                    fix, f"no folder {folder}")
            return Unavailable(
                "This cloned voice needs the CosyVoice2 model, which is not downloaded on "
                "this computer",
                "Download it on the Models page, or use a preset voice.",
                fix, f"no folder {folder}")
        try:
            problems = ModelStore().check_folder(MODEL_NAME, folder)
        except UserError as err:  # the list of models itself is unreadable
            return Unavailable(
                "The CosyVoice2 model cannot be checked, because the list of known models "
                "is damaged",
                "Reinstall Voice Studio, or use a preset voice.", err.fix, err.problem)
        if problems:
            listed = ", ".join(str(p) for p in problems[:3])
            more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
            return Unavailable(
                "The CosyVoice2 model that this cloned voice needs is incomplete",
                "Download it again on the Models page to repair it, or use a preset voice.",
                f"{fix} to repair it", f"{listed}{more}, in {folder}")
        return None

    @classmethod
    def available(cls, options: Options | None = None) -> Unavailable | None:
        options = options or {}
        if importlib.util.find_spec("torch") is None or \
                importlib.util.find_spec("cosyvoice") is None:
            return runtime_missing()
        problem = cls.model_problem(options)
        if problem:
            return problem
        if options.get("device", "cuda") != "cpu":
            gpus, note = _probe()
            if not gpus:
                return no_gpu(note)
        return None

    @classmethod
    def vram_need(cls, options: Options | None = None) -> int:
        if (options or {}).get("device") == "cpu":
            return 0  # runs on the CPU: nothing to budget on a GPU
        return super().vram_need(options)

    @classmethod
    def needs_build(cls, options: Options | None = None) -> bool:
        options = options or {}
        if not options.get("trt") or options.get("device", "cuda") == "cpu":
            return False
        folder = cls.model_dir(options)
        plan = folder / _plan_name(bool(options.get("fp16")))
        return not plan.is_file() or (folder / PLAN_BUILDING).exists()

    # ------------------------------------------------------------ in a worker
    def _options(self) -> tuple[bool, bool, bool, str]:
        o = self.options
        return bool(o.get("fp16")), bool(o.get("jit")), bool(o.get("trt")), \
            str(o.get("device", "cuda"))

    def _construct(self, device: str, *, trt: bool) -> Any:
        problem = self.model_problem(self.options)
        if problem:
            raise RuntimeError(problem.explained)
        try:
            import torch
            from cosyvoice.cli.cosyvoice import CosyVoice2
        except ImportError as err:
            raise RuntimeError(runtime_missing(str(err)).explained) from None
        fp16, jit, _, wanted = self._options()
        on_gpu = device.startswith("cuda") and wanted != "cpu"
        if on_gpu and not torch.cuda.is_available():
            why = no_gpu("torch.cuda.is_available() is False in this worker")
            raise RuntimeError(why.explained)
        if not on_gpu:
            fp16 = jit = trt = False  # the runtime supports none of them on the CPU
        accepted = inspect.signature(CosyVoice2).parameters
        kwargs = {"load_jit": jit, "load_trt": trt, "fp16": fp16, "load_vllm": False}
        model = CosyVoice2(str(self.model_dir(self.options)),
                           **{k: v for k, v in kwargs.items() if k in accepted})
        rate = getattr(model, "sample_rate", self.sample_rate)
        if rate != self.sample_rate:
            raise RuntimeError(f"the model speaks at {rate} Hz, expected {self.sample_rate}")
        return model

    def build(self, device: str = "cuda") -> None:
        """Build the TensorRT plan into the model folder, once, before workers
        start (the runtime converts the ONNX decoder when the plan is missing).
        A marker file makes a build killed half-way start over next time."""
        folder = self.model_dir(self.options)
        fp16 = bool(self.options.get("fp16"))
        marker, plan = folder / PLAN_BUILDING, folder / _plan_name(fp16)
        if marker.exists():
            plan.unlink(missing_ok=True)  # a half-written plan from a killed build
        marker.write_text("a TensorRT build was in progress; delete this to rebuild\n")
        self._construct(device, trt=True)
        if not plan.is_file() or plan.stat().st_size == 0:
            raise RuntimeError(f"the runtime did not write the TensorRT plan {plan}")
        marker.unlink()

    def load(self, device: str = "cuda", threads: int | None = None) -> None:
        _, _, trt, wanted = self._options()
        if trt and wanted != "cpu" and self.needs_build(self.options):
            raise RuntimeError("the TensorRT plan is missing or half-built: the engine builds "
                               "it before starting workers (restart the engine)")
        import torch

        if threads:
            torch.set_num_threads(threads)
        self._model = self._construct(device, trt=trt)
        for name in ("inference_zero_shot", "inference_cross_lingual"):
            if not _accepts(getattr(self._model, name), "text_frontend"):
                raise RuntimeError(_unsupported("text_frontend"))
        method = self._model.inference_zero_shot
        self._takes_path = "prompt_wav" in inspect.signature(method).parameters

    def prepare_voice(self, voice: VoiceRef) -> _Prompt:
        if voice.kind != "clone" or voice.prompt_path is None:
            raise UserError(f"voice {voice.name!r} has no prompt clip",
                            "cosyvoice2 speaks with cloned voices only")
        path = voice.prompt_path
        import soundfile

        info = soundfile.info(str(path))
        if info.duration > PROMPT_MAX_S or info.samplerate < PROMPT_MIN_RATE:
            raise UserError(
                f"the prompt of voice {voice.name!r} is {info.duration:.1f} s at "
                f"{info.samplerate} Hz; cosyvoice2 needs at most {PROMPT_MAX_S:.0f} s at "
                f"{PROMPT_MIN_RATE} Hz or more", "trim or re-import the voice")
        wav = str(path) if self._takes_path else _tensor_16k(path)
        transcript = (voice.transcript or "").strip() or None
        if transcript is None:
            return _Prompt(wav, None, "")
        spk_id = "studio-" + hashlib.sha256(repr(voice.cache_key).encode()).hexdigest()[:16]
        self._model.add_zero_shot_spk(transcript, wav, spk_id)
        return _Prompt(wav, transcript, spk_id)

    def synthesize(
        self, text: str, voice: VoiceRef, *, seed: int, speed: float = 1.0
    ) -> npt.NDArray[np.float32]:
        if self._model is None:
            raise RuntimeError("CosyVoice2Backend.synthesize called before load()")
        prompt = self.prepared(voice)
        assert isinstance(prompt, _Prompt)
        _seed_everything(seed)
        if prompt.transcript:
            outputs = _call(self._model.inference_zero_shot, text, prompt.transcript, prompt.wav,
                            zero_shot_spk_id=prompt.spk_id, stream=False, speed=speed,
                            text_frontend=False)
        else:
            outputs = _call(self._model.inference_cross_lingual, text, prompt.wav,
                            stream=False, speed=speed, text_frontend=False)
        import torch

        pieces = [out["tts_speech"] for out in outputs]
        if not pieces:
            return np.zeros(0, dtype=np.float32)
        audio = torch.cat(pieces, dim=1).squeeze(0).float().cpu().numpy()
        clipped: npt.NDArray[np.float32] = np.clip(audio, -1.0, 1.0).astype(np.float32)
        return clipped


_PROBE_TTL_S = 5.0
_probed: tuple[float, int, str] | None = None


def _probe() -> tuple[int, str]:
    """How many GPUs NVML sees (and its note), re-read at most every few seconds:
    listings check every cloned voice, and NVML takes a while to start."""
    global _probed
    from studio.gpu import probe

    now = time.monotonic()
    if _probed is None or now - _probed[0] > _PROBE_TTL_S:
        gpus, note = probe()
        _probed = (now, len(gpus), note)
    return _probed[1], _probed[2]


def _accepts(method: Any, argument: str) -> bool:
    parameters = inspect.signature(method).parameters
    return argument in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def _runtime_revision() -> str:
    """The installed runtime's git commit (the installer checks it out), or where it is."""
    import cosyvoice

    root = Path(cosyvoice.__file__).resolve().parent.parent
    try:
        head = (root / ".git" / "HEAD").read_text().strip()
    except OSError:
        return f"unknown, at {root}"
    return head.removeprefix("ref: ")


def _unsupported(argument: str) -> str:
    return (f"the installed CosyVoice runtime does not accept {argument} (revision "
            f"{_runtime_revision()}; the studio needs {PINNED_REVISION[:12]}): install the "
            f"pinned revision with {INSTALLER}")


def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a runtime method, leaving out only the arguments its revision lacks
    that do not change what is spoken (``_ADAPTABLE``); any other is refused."""
    passed = {}
    for key, value in kwargs.items():
        if _accepts(method, key):
            passed[key] = value
        elif key not in _ADAPTABLE or _ADAPTABLE[key] not in (None, value):
            raise RuntimeError(_unsupported(key))
    return method(*args, **passed)


def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def _tensor_16k(path: Path) -> Any:
    """The prompt as older runtimes take it: a (1, T) float tensor at 16 kHz."""
    import soundfile
    import soxr
    import torch

    samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    return torch.from_numpy(soxr.resample(mono, rate, 16000).astype(np.float32)).unsqueeze(0)
