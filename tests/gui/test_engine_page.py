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
