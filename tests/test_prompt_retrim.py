"""Re-trimming a voice's prompt passes the same checks as importing it: a
selection that is silent or clipped is refused with the import's message,
and the voice stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.backends.piper import PiperBackend
from studio.core.prompts import import_voice, retrim
from studio.core.store import Library
from studio.errors import UserError

RATE = PiperBackend.sample_rate


def _clipped(speech: np.ndarray, share: float) -> np.ndarray:
    """``speech`` driven into full scale on about ``share`` of its samples."""
    gain = 1.0 / float(np.quantile(np.abs(speech), 1.0 - share))
    return np.clip(speech * gain, -1.0, 1.0).astype(np.float32)


@pytest.fixture
def original(tmp_path: Path, speech: Callable[[float], np.ndarray]) -> Path:
    """20 s of clean speech, then 5 s of silence, then 5 s of clipped speech:
    as a whole it imports (0.05 % of samples at full scale), but the last
    five seconds alone are clipped (0.3 %) and the five before them silent."""
    clean = speech(20.0)
    silence = np.zeros(5 * RATE, dtype=np.float32)
    hot = _clipped(speech(5.0), 0.003)
    path = tmp_path / "take.wav"
    sf.write(path, np.concatenate([clean, silence, hot]), RATE, subtype="FLOAT")
    return path


def _write(tmp_path: Path, name: str, samples: np.ndarray) -> Path:
    path = tmp_path / name
    sf.write(path, samples, RATE, subtype="FLOAT")
    return path


@pytest.mark.parametrize(("start", "end", "alone"), [
    (20.0, 25.0, lambda speech: np.zeros(5 * RATE, dtype=np.float32)),
    (25.0, 30.0, lambda speech: _clipped(speech(5.0), 0.003)),
], ids=["silent", "clipped"])
def test_retrim_refuses_what_import_refuses(
        library: Library, original: Path, tmp_path: Path,
        speech: Callable[[float], np.ndarray], start: float, end: float,
        alone: Callable[[Callable[[float], np.ndarray]], np.ndarray]) -> None:
    voice, _ = import_voice(library, "Ann", original, "The quick brown fox.")
    prompt = library.path(voice.prompt_path).read_bytes()

    with pytest.raises(UserError) as imported:  # the same stretch as a clip of its own
        import_voice(library, "Stretch", _write(tmp_path, "stretch.wav", alone(speech)))
    with pytest.raises(UserError) as retrimmed:
        retrim(library, "Ann", start, end)

    assert str(retrimmed.value) == str(imported.value).replace("stretch.wav", "the selection")
    assert library.find_voice("Ann") == voice
    assert library.path(voice.prompt_path).read_bytes() == prompt
    assert library.find_voice("Stretch") is None
