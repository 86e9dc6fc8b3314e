"""The Piper backend passes the backend contract with the real bundled voice."""

from __future__ import annotations

import pytest

from studio.backends import VoiceRef, installed_backends
from studio.backends.piper import PiperBackend
from tests.backend_contract import BackendContract


class TestPiperBackend(BackendContract):
    @pytest.fixture
    def backend(self, piper: PiperBackend) -> PiperBackend:
        return piper

    @pytest.fixture
    def voice(self) -> VoiceRef:
        return VoiceRef("joe", "preset", "en")


def test_piper_is_registered_through_entry_points() -> None:
    assert installed_backends()["piper"] is PiperBackend
    assert [p.name for p in PiperBackend.presets] == ["joe"]
