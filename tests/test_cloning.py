"""A cloned voice end to end: `studio voices add`, then `studio render` of a
Chinese and English script through the real engine and worker processes.

The worker runs the cosyvoice2 adapter against the stand-in runtime in
tests/standin (the real one needs an NVIDIA GPU and 5 GB of weights; see
tests/test_backend_cosyvoice2.py). Everything else is the real thing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import soundfile as sf

from studio.core.store import Library
from studio.gpu import probe
from tests.conftest import REPO, snapshot, write_script
from tests.test_backend_cosyvoice2 import STANDIN, make_model_dir

SCRIPT = """Hello, and welcome to the studio.

你好，欢迎来到录音室。

This voice was cloned from a short clip."""


@pytest.mark.slow  # under a minute, but make test keeps to its 6-minute budget
def test_clone_renders_zh_and_en_with_the_cloning_backend(studio, clip, tmp_path,
                                                          library_dir) -> None:
    models = tmp_path / "models"
    make_model_dir(models / "cosyvoice2-0.5b")
    env = {"STUDIO_MODELS": str(models),
           "PYTHONPATH": os.pathsep.join([str(REPO), str(STANDIN)])}
    added = studio("voices", "add", "narrator", clip(6.0),
                   "--text", "The quick brown fox jumps over the lazy dog.", **env)
    assert added.returncode == 0, added.stderr
    assert studio("config", "set", "cosyvoice2.device", "cpu").returncode == 0
    listing = studio("voices", "list", **env).stdout
    assert "narrator" in listing and "cosyvoice2 (zero-shot)" in listing

    script = write_script(tmp_path, "welcome.txt", SCRIPT)
    out = tmp_path / "welcome.wav"
    run = studio("render", script, "--voice", "narrator", "--out", out, "--srt",
                 tmp_path / "welcome.srt", "--no-progress", **env)
    assert run.returncode == 0, run.stderr
    with Library.open(library_dir) as library:
        takes = library.conn.execute(
            "SELECT t.backend, t.sample_rate, s.language FROM takes t "
            "JOIN segments s ON s.id = t.segment_id").fetchall()
    assert {(t["backend"], t["sample_rate"]) for t in takes} == {("cosyvoice2", 24000)}
    assert {t["language"] for t in takes} == {"en", "zh"}
    audio, rate = sf.read(out)
    assert len(audio) / rate > 4.0


def test_a_clone_never_falls_back_and_says_why(studio, clip, tmp_path, library_dir) -> None:
    models = tmp_path / "models"
    added = studio("voices", "add", "narrator", clip(6.0), "--text", "A short clip.")
    assert added.returncode == 0
    script = write_script(tmp_path, "story.txt", "Once upon a time.")
    before = snapshot(library_dir)

    no_runtime = studio("render", script, "--voice", "narrator", STUDIO_MODELS=str(models))
    assert no_runtime.returncode == 2
    assert "voice-cloning software, which is not installed" in no_runtime.stderr
    assert "pip install '.[cosyvoice]'" in no_runtime.stderr

    with_runtime = {"PYTHONPATH": os.pathsep.join([str(REPO), str(STANDIN)]),
                    "STUDIO_MODELS": str(models)}
    no_model = studio("render", script, "--voice", "narrator", **with_runtime)
    assert no_model.returncode == 2
    assert "studio models download cosyvoice2-0.5b" in no_model.stderr

    make_model_dir(models / "cosyvoice2-0.5b")
    if probe()[0]:
        pytest.skip("this machine has an NVIDIA GPU: the no-GPU message cannot show")
    no_gpu = studio("render", script, "--voice", "narrator", **with_runtime)
    assert no_gpu.returncode == 2 and "no usable NVIDIA GPU" in no_gpu.stderr
    assert "studio config set cosyvoice2.device cpu" in no_gpu.stderr
    assert snapshot(library_dir) == before  # nothing queued, nothing rendered by piper
    assert Path(models / "cosyvoice2-0.5b").is_dir()
