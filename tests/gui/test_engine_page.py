"""The Engine page: it names backends that failed to load, and plans with
each backend's own GPU memory need, as the supervisor does."""

from __future__ import annotations

import pytest

from studio.backends import installed_backends
from studio.core.store import Library
from tests.test_engine_robustness import BROKEN, BROKEN_REASON


@pytest.fixture
def backends_from_env(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Set ``$STUDIO_BACKENDS`` for this process's registry, and forget it after."""

    def use(value: str) -> None:
        monkeypatch.setenv("STUDIO_BACKENDS", value)
        installed_backends.cache_clear()

    yield use
    installed_backends.cache_clear()


def test_the_page_names_a_backend_that_failed_to_load(qtbot, library: Library,
                                                      backends_from_env) -> None:
    from studio.ui.views.engine import EngineView

    backends_from_env(BROKEN)
    page = EngineView(library)
    qtbot.addWidget(page)
    assert not page.problems_label.isHidden()
    assert page.problems_label.text() == f"Backend broken is not available: {BROKEN_REASON}"

    backends_from_env("")
    page.refresh()
    assert page.problems_label.isHidden()


def test_the_plan_uses_each_backends_configured_need(qtbot, library: Library,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With cosyvoice2.vram_mb set to 7000, the page plans two cosyvoice2
    workers on a GPU with 16 GB free (the supervisor's plan), not three of a
    fixed 5000 MB; Piper needs no GPU memory and stays on the CPU."""
    from studio.gpu import Gpu
    from studio.ui.views import engine

    gpu = Gpu(0, "NVIDIA L4", "GPU-0f1e", total_mb=23034, free_mb=16000)
    monkeypatch.setattr(engine, "probe", lambda: ([gpu], "1 GPU, driver 550"))
    library.set_setting("cosyvoice2.vram_mb", 7000)

    page = engine.EngineView(library)
    qtbot.addWidget(page)
    text = page.plan_label.text()
    assert "5000 MB" not in text and "7000 MB of 15488 MB free" in text, text
    lines = text.splitlines()
    at = lines.index("cosyvoice2: 7000 MB of GPU memory per worker")
    assert lines[at + 1:at + 4] == [
        "  worker 1: NVIDIA L4 #0: 7000 MB of 15488 MB free after the reserve",
        "  worker 2: NVIDIA L4 #0: 7000 MB of 8488 MB free after the reserve",
        "piper:",
    ]
    assert lines[at + 4].startswith("  worker 1: CPU (backend runs on the CPU)")
