"""The cosyvoice2 adapter, run against a stand-in runtime.

The real CosyVoice2 runtime needs an NVIDIA GPU and 5 GB of weights that
this machine cannot have. ``tests/standin/cosyvoice`` honours the runtime's
API at the pinned revision and yields real speech (see its docstring); the
adapter runs unchanged against it, and passes the same backend contract as
Piper. ``scripts/gpu_smoke.py`` runs the real model where it exists.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

from studio import gpu
from studio.backends import Unavailable, VoiceRef, installed_backends
from studio.backends.cosyvoice2 import CosyVoice2Backend
from studio.weights import load_manifest, repo_models_dir
from tests.backend_contract import BackendContract

STANDIN = Path(__file__).resolve().parent / "standin"


def make_model_dir(folder: Path) -> Path:
    """A folder with every file the manifest lists (tiny stand-ins for weights)."""
    spec = load_manifest(repo_models_dir() / "manifest.toml")["cosyvoice2-0.5b"]
    for f in spec.files:
        if not f.optional:
            path = folder / f.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"stand-in for " + f.path.encode())
    return folder


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(STANDIN))
    for name in [m for m in sys.modules if m == "cosyvoice" or m.startswith("cosyvoice.")]:
        monkeypatch.delitem(sys.modules, name)
    return STANDIN


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return make_model_dir(tmp_path / "cosyvoice2-0.5b")


@pytest.fixture
def options(model_dir: Path) -> dict[str, object]:
    return {"model_dir": str(model_dir), "device": "cpu"}


@pytest.fixture
def backend(standin: Path, options: dict[str, object]) -> CosyVoice2Backend:
    backend = CosyVoice2Backend()
    backend.configure(options)
    backend.load("cpu", threads=1)
    return backend


@pytest.fixture
def prompt(tmp_path: Path, clip) -> Path:  # type: ignore[no-untyped-def]
    import soundfile as sf
    import soxr

    data, rate = sf.read(clip(6.0))
    path = tmp_path / "prompt.flac"
    sf.write(path, soxr.resample(data, rate, 24000), 24000)
    return path


@pytest.fixture
def voice(prompt: Path) -> VoiceRef:
    return VoiceRef("narrator", "clone", "en", "The quick brown fox jumps over the lazy dog.",
                    prompt)


class TestCosyVoice2Contract(BackendContract):
    """The same contract Piper passes (the fixtures above provide backend and voice)."""


def runtime(backend: CosyVoice2Backend):  # type: ignore[no-untyped-def]
    return backend._model


def test_registered_and_declared() -> None:
    cls = installed_backends()["cosyvoice2"]
    assert cls is CosyVoice2Backend and cls.can_clone and cls.sample_rate == 24000
    assert cls.vram_need() == 5000 and cls.vram_need({"vram_mb": 7200}) == 7200
    assert {"zh", "en"} <= cls.languages


def test_zero_shot_prepares_each_voice_once_and_again_after_a_retrim(
        backend: CosyVoice2Backend, voice: VoiceRef) -> None:
    for seed in (1, 2, 3):
        backend.synthesize("First. Second sentence here.", voice, seed=seed)
    calls = [name for name, _ in runtime(backend).calls]
    assert calls.count("add_zero_shot_spk") == 1 and calls.count("inference_zero_shot") == 3
    last = runtime(backend).calls[-1][1]
    assert last["spk_id"].startswith("studio-") and last["text_frontend"] is False
    assert last["stream"] is False

    stamp = voice.prompt_path.stat().st_mtime_ns + 10**9  # type: ignore[union-attr]
    os.utime(voice.prompt_path, ns=(stamp, stamp))  # type: ignore[arg-type]
    backend.synthesize("After the retrim.", voice, seed=4)
    assert [n for n, _ in runtime(backend).calls].count("add_zero_shot_spk") == 2


def test_voice_without_transcript_goes_cross_lingual(backend: CosyVoice2Backend,
                                                     voice: VoiceRef) -> None:
    from dataclasses import replace

    audio = backend.synthesize("你好，欢迎来到录音室。", replace(voice, transcript=None), seed=5)
    assert runtime(backend).calls[-1][0] == "inference_cross_lingual"
    assert len(audio) > 0.3 * 24000


def test_seed_decides_the_take(backend: CosyVoice2Backend, voice: VoiceRef) -> None:
    text = "Every seed gives its own take."
    a, b = (backend.synthesize(text, voice, seed=s) for s in (21, 21))
    c = backend.synthesize(text, voice, seed=22)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_older_runtime_gets_a_16k_tensor(backend: CosyVoice2Backend, voice: VoiceRef,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Older revisions name the argument prompt_speech_16k and take a tensor."""
    import torch

    model = runtime(backend)
    seen = []

    def inference_zero_shot(tts_text, prompt_text, prompt_speech_16k, stream=False,  # type: ignore[no-untyped-def]
                            speed=1.0):
        seen.append(prompt_speech_16k)
        return model.inference_zero_shot(tts_text, prompt_text, prompt_speech_16k,
                                         stream=stream, speed=speed)

    monkeypatch.setattr(model, "inference_zero_shot", inference_zero_shot)
    monkeypatch.setattr(model, "add_zero_shot_spk", None)  # not in that revision's path
    fresh = CosyVoice2Backend()
    fresh.configure(backend.options)
    fresh._model = model
    fresh._takes_path = False
    from dataclasses import replace

    prepared = fresh.prepare_voice(replace(voice, transcript=None))
    assert isinstance(prepared.wav, torch.Tensor) and prepared.wav.shape[0] == 1
    seconds = prepared.wav.shape[1] / 16000
    assert 5.0 < seconds < 7.0


def _reads_as_a_sentence(why: Unavailable) -> str:
    """The window's words: capitalised, one reason and one next step, no
    commands, brackets or package-manager lines."""
    text = str(why)
    assert text[0].isupper() and text.endswith(".") and text.count(". ") == 1, text
    assert "[" not in text and "pip " not in text and "`" not in text, text
    return text


def test_unavailable_for_each_reason_with_its_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, standin: Path,
        options: dict[str, object], model_dir: Path) -> None:
    """Each reason reads as a sentence in the window; the command line gets
    what was found and the command that fixes it."""
    assert CosyVoice2Backend.available(options) is None

    missing = {"model_dir": str(tmp_path / "nowhere"), "device": "cpu"}
    why = CosyVoice2Backend.available(missing)
    assert "folder set for it does not exist" in _reads_as_a_sentence(why)
    assert "studio models download cosyvoice2-0.5b" in why.explained
    assert str(tmp_path / "nowhere") in why.explained

    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    why = CosyVoice2Backend.available({"device": "cpu"})
    assert _reads_as_a_sentence(why) == (
        "This cloned voice needs the CosyVoice2 model, which is not downloaded on this "
        "computer. Download it on the Models page, or use a preset voice.")
    assert why.explained.endswith(": run `studio models download cosyvoice2-0.5b`")

    (model_dir / "llm.pt").unlink()
    why = CosyVoice2Backend.available(options)
    assert "incomplete" in _reads_as_a_sentence(why) and "Models page" in str(why)
    assert "llm.pt: missing" in why.explained and "to repair it" in why.explained
    make_model_dir(model_dir)

    from studio.backends import cosyvoice2

    monkeypatch.setattr(gpu, "probe", lambda: ([], "NVML: no NVIDIA driver"))
    monkeypatch.setattr(cosyvoice2, "_probed", None)
    why = CosyVoice2Backend.available({"model_dir": str(model_dir)})
    assert _reads_as_a_sentence(why) == (
        "This cloned voice needs the CosyVoice2 model and an NVIDIA GPU; this computer has "
        "no usable NVIDIA GPU. Use a preset voice here, or render on a computer with one.")
    assert "(NVML: no NVIDIA driver)" in why.explained
    assert "studio config set cosyvoice2.device cpu" in why.explained

    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(STANDIN)])
    monkeypatch.delitem(sys.modules, "cosyvoice", raising=False)
    why = CosyVoice2Backend.available(options)
    assert "voice-cloning software, which is not installed" in _reads_as_a_sentence(why)
    assert "pip install '.[cosyvoice]'" in why.explained
    assert "installers/cosyvoice-runtime.sh" in why.explained


def test_load_reports_a_missing_folder_not_a_traceback(standin: Path, tmp_path: Path) -> None:
    backend = CosyVoice2Backend()
    backend.configure({"model_dir": str(tmp_path / "gone"), "device": "cpu"})
    with pytest.raises(RuntimeError, match=r"studio models download cosyvoice2-0\.5b"):
        backend.load("cpu")


def test_trt_needs_a_build_until_the_plan_is_whole(model_dir: Path) -> None:
    options = {"model_dir": str(model_dir), "trt": True, "fp16": True}
    assert CosyVoice2Backend.needs_build(options)
    plan = model_dir / "flow.decoder.estimator.fp16.mygpu.plan"
    plan.write_bytes(b"plan")
    assert not CosyVoice2Backend.needs_build(options)
    (model_dir / ".studio-plan-building").write_text("")  # a build was killed
    assert CosyVoice2Backend.needs_build(options)
    assert not CosyVoice2Backend.needs_build(options | {"trt": False})


def test_on_the_cpu_one_worker_and_no_gpu_budget(library, model_dir, monkeypatch) -> None:
    """5 GB of weights per process: the CPU plan caps cosyvoice2 at one worker."""
    from studio.engine.supervisor import Supervisor

    library.set_setting("cosyvoice2.device", "cpu")
    library.set_setting("cosyvoice2.model_dir", str(model_dir))
    assert CosyVoice2Backend.vram_need({"device": "cpu"}) == 0
    supervisor = Supervisor(library.root)
    placements = supervisor.plan_for("cosyvoice2")
    assert [p.device for p in placements] == ["cpu"]
    assert len(supervisor.plan_for("piper")) == min(os.cpu_count() or 1, 8)


def test_a_runtime_without_text_frontend_is_refused_at_load(
        standin: Path, options: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    """Without text_frontend=False the runtime would normalize and re-split
    the segment itself: what is spoken would no longer be the segment. The
    worker refuses to load, naming the installer of the pinned revision."""
    from cosyvoice.cli import cosyvoice as installed

    from studio.backends import cosyvoice2

    monkeypatch.setattr(installed, "CosyVoice2", installed.CosyVoice2WithoutTextFrontend)
    backend = CosyVoice2Backend()
    backend.configure(options)
    with pytest.raises(RuntimeError) as refused:
        backend.load("cpu", threads=1)
    where = STANDIN.resolve()
    assert str(refused.value) == (
        f"the installed CosyVoice runtime does not accept text_frontend (revision unknown, at "
        f"{where}; the studio needs {cosyvoice2.PINNED_REVISION[:12]}): install the pinned "
        "revision with installers/cosyvoice-runtime.sh")


def test_only_arguments_that_keep_what_is_spoken_are_adapted() -> None:
    """A revision lacking stream, speed or the speaker cache still speaks the
    same text at the default speed; a speed it cannot honour is refused."""
    from studio.backends.cosyvoice2 import _call

    said = []

    def minimal(tts_text, prompt_text, prompt_wav, text_frontend=True):  # type: ignore[no-untyped-def]
        said.append((tts_text, prompt_text, text_frontend))
        return []

    _call(minimal, "Hello.", "The fox.", "p.flac", zero_shot_spk_id="x", stream=False,
          speed=1.0, text_frontend=False)
    assert said == [("Hello.", "The fox.", False)]
    with pytest.raises(RuntimeError, match="does not accept speed"):
        _call(minimal, "Hello.", "The fox.", "p.flac", speed=1.5, text_frontend=False)


def test_the_pinned_revision_is_the_installers() -> None:
    from studio.backends.cosyvoice2 import PINNED_REVISION

    script = (Path(__file__).resolve().parent.parent / "installers" / "cosyvoice-runtime.sh")
    assert f'REV="${{COSYVOICE_REV:-{PINNED_REVISION}}}"' in script.read_text()
