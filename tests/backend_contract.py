"""The contract every backend passes: subclass :class:`BackendContract` and
provide a ``backend`` fixture (a loaded instance) and ``voice``."""

from __future__ import annotations

import numpy as np
import pytest

from studio.backends import Backend, VoiceRef
from studio.errors import UserError
from studio.text.lang import LANGUAGE_NAMES


class BackendContract:
    """Tests shared by every backend, real or stand-in."""

    def test_declares_what_the_studio_needs(self, backend: Backend) -> None:
        cls = type(backend)
        assert cls.name and cls.sample_rate >= 16000
        assert cls.languages and all(isinstance(code, str) for code in cls.languages)
        assert cls.max_chars >= 50 and cls.vram_mb >= 0
        assert cls.available(backend.options) is None
        assert cls.vram_need(backend.options) >= 0

    def test_synthesizes_float32_mono_speech(self, backend: Backend, voice: VoiceRef) -> None:
        audio = backend.synthesize("The studio reads this sentence aloud.", voice, seed=7)
        assert audio.dtype == np.float32 and audio.ndim == 1
        seconds = len(audio) / backend.sample_rate
        assert 0.8 < seconds < 8.0
        assert np.max(np.abs(audio)) <= 1.0
        assert np.sqrt(np.mean(audio**2)) > 0.01  # not silence

    def test_same_seed_same_take_when_deterministic(self, backend: Backend, voice) -> None:
        a = backend.synthesize("Once more, with feeling.", voice, seed=11)
        b = backend.synthesize("Once more, with feeling.", voice, seed=11)
        if type(backend).deterministic:
            assert np.array_equal(a, b)
        else:
            assert len(a) > 0 and len(b) > 0

    def test_speed_changes_duration(self, backend: Backend, voice: VoiceRef) -> None:
        text = "A steady pace makes a pleasant narration."
        normal = len(backend.synthesize(text, voice, seed=3))
        fast = len(backend.synthesize(text, voice, seed=3, speed=1.5))
        assert fast < normal * 0.85

    def test_refuses_a_language_it_cannot_read(self, backend: Backend) -> None:
        unread = next(code for code in LANGUAGE_NAMES if code not in backend.languages)
        with pytest.raises(UserError, match=r"reads .* only"):
            type(backend).check_language(unread, "v", "segment 1")
