"""`studio voices add|list|remove` with real speech clips in every format,
and every kind of unusable clip refused with the library unchanged."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import snapshot


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3"])
def test_add_voice_from_each_format(studio, clip, library_dir, suffix) -> None:
    source = clip(6.0, suffix, stereo=True)
    run = studio("voices", "add", "Narrator", source, "--text", "The quick brown fox.")
    assert run.returncode == 0, run.stderr
    voices = {v["name"]: v for v in json.loads(studio("voices", "list", "--json").stdout)}
    assert voices["joe"]["kind"] == "preset" and voices["joe"]["backend"] == "piper"
    narrator = voices["Narrator"]
    assert narrator["language"] == "en" and 4.5 < narrator["duration_s"] < 6.5
    prompt_dir = next((library_dir / "voices").iterdir())
    assert (prompt_dir / f"original{suffix}").read_bytes() == source.read_bytes()
    prompt, rate = sf.read(prompt_dir / "prompt.flac")
    assert rate == 24000 and prompt.ndim == 1


def _silent(tmp_path):
    path = tmp_path / "silent.wav"
    sf.write(path, np.zeros(22050 * 5, np.float32), 22050)
    return path


def _clipped(tmp_path, speech):
    path = tmp_path / "clipped.wav"
    sf.write(path, np.clip(speech(6.0) * 8, -1, 1), 22050)
    return path


def _corrupt(tmp_path, clip):
    path = tmp_path / "corrupt.wav"
    path.write_bytes(clip(6.0).read_bytes()[:30] + b"\x00garbage" * 50)
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("corrupt", "not a readable audio file"),
        ("short", "1.0 s of sound; a voice prompt needs 3 to 30 s"),
        pytest.param("long", "s of sound; a voice prompt needs 3 to 30 s",
                     marks=pytest.mark.slow),  # a minute of speech to make: `make test-slow`
        ("silent", "is silent"),
        ("clipped", "is clipped"),
        ("text", "not a supported audio type"),
    ],
)
def test_bad_clips_are_refused_and_nothing_is_written(
    studio, clip, speech, tmp_path, library_dir, case, message
) -> None:
    assert studio("voices", "add", "Keep", clip(5.0), "--text", "Kept.").returncode == 0
    before = snapshot(library_dir)
    path = {
        "corrupt": lambda: _corrupt(tmp_path, clip),
        "short": lambda: clip(1.0),
        "long": lambda: clip(60.0, ".flac"),
        "silent": lambda: _silent(tmp_path),
        "clipped": lambda: _clipped(tmp_path, speech),
        "text": lambda: tmp_path / "notes.txt",
    }[case]()
    if case == "text":
        path.write_text("hello")
    run = studio("voices", "add", "New", path, "--text", "Whatever it says.")
    assert run.returncode == 2
    assert len(run.error_lines) == 1 and message in run.error_lines[0], run.stderr
    if case == "long":  # the sound measured, less the clip's trimmed silent edges
        said = re.search(r"has ([\d.]+) s of sound", run.error_lines[0])
        assert said and 59.0 <= float(said.group(1)) <= 60.0, run.stderr
    assert snapshot(library_dir) == before


def test_duplicate_name_and_preset_removal_are_refused(studio, clip, library_dir) -> None:
    assert studio("voices", "add", "Ann", clip(5.0), "--text", "Hello.").returncode == 0
    before = snapshot(library_dir)
    dup = studio("voices", "add", "ann", clip(5.0), "--text", "Hello.")
    assert dup.returncode == 2 and "exists already" in dup.stderr
    preset = studio("voices", "remove", "joe")
    assert preset.returncode == 2 and "preset" in preset.stderr
    assert snapshot(library_dir) == before
    assert studio("voices", "remove", "Ann").returncode == 0
    assert list((library_dir / "voices").iterdir()) == []


def test_retrim_cuts_the_prompt_anew_from_the_original(library, clip) -> None:
    from studio.core.prompts import import_voice, retrim
    from studio.errors import UserError

    voice, _ = import_voice(library, "Long", clip(10.0), "The quick brown fox.")
    assert 9.0 < voice.duration_s <= 10.5
    before = library.path(voice.prompt_path).read_bytes()
    trimmed = retrim(library, "Long", 2.0, 7.0)
    assert 4.0 < trimmed.duration_s <= 5.1
    prompt, rate = sf.read(library.path(trimmed.prompt_path))
    assert rate == 24000 and abs(len(prompt) / rate - trimmed.duration_s) < 0.01
    with pytest.raises(UserError, match=r"the selection is 1\.0 s"):
        retrim(library, "Long", 0.0, 1.0)
    assert library.find_voice("Long").duration_s == trimmed.duration_s  # unchanged
    assert library.path(voice.prompt_path).read_bytes() != before
    with pytest.raises(UserError, match="only cloned voices can be trimmed"):
        retrim(library, "joe", 0, 5)
