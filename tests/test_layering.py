"""The core and engine import no Qt and no torch (checked in a fresh process)."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "studio.cli", "studio.core.store", "studio.text", "studio.audio", "studio.core.planning",
    "studio.core.export", "studio.core.prompts", "studio.core.review", "studio.core.settings",
    "studio.service", "studio.engine.client", "studio.engine.worker",
    "studio.engine.worker_process", "studio.weights",
    "studio.backends.piper", "studio.backends.cosyvoice2", "studio.gpu",
]


def test_core_imports_neither_qt_nor_torch() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "from studio.backends.piper import PiperBackend\n"
        "PiperBackend().load('cpu')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'torch', 'torchaudio'))\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
