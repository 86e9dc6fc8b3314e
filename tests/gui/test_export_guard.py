"""Ctrl+E never exports stale audio: the dialog names what is not rendered and
renders it first (real window offscreen, real engine, the bundled voice)."""

from __future__ import annotations

from studio.core import review
from studio.core.store import Library
from studio.engine.client import stop_engine
from tests.conftest import write_script


def test_export_dialog_renders_stale_segments_first(qtbot, library_dir, tmp_path) -> None:
    from studio.core.planning import ensure_presets
    from studio.ui.main_window import MainWindow

    library = Library.open(library_dir)
    ensure_presets(library)
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    view = window.projects
    try:
        view.open_script(write_script(tmp_path, "e.txt", "One line here. Two lines here."))
        qtbot.waitUntil(lambda: len(view.segments.rows) == 2, timeout=30000)
        view.render_button.click()
        qtbot.waitUntil(lambda: [r["status"] for r in view.segments.rows] ==
                        ["rendered", "rendered"], timeout=120000)
        second = view.segments.rows[1]["id"]
        review.edit_text(library, second, "A second line, edited.")
        view.refresh()
        assert view.segments.rows[1]["status"] == "stale"
        assert view.segments.data(view.segments.index(1, 3)) == \
            "changed: render again"

        window.export()  # Ctrl+E
        dialog = window.export_dialog
        assert not dialog.export_button.isEnabled()
        assert dialog.not_rendered.isVisible() and "2 (its take is for other text" in \
            dialog.not_rendered.text()
        dialog.path.setText(str(tmp_path / "e.wav"))
        dialog.render_first.click()
        qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=120000)
        assert not dialog.not_rendered.isVisible()
        dialog.export()
        qtbot.waitUntil(lambda: (tmp_path / "e.srt").exists(), timeout=60000)
        assert "A second line, edited." in (tmp_path / "e.srt").read_text()
        dialog.close()
    finally:  # the engine first: a take still being checked would make closing ask
        stop_engine(library.root)
        from tests.gui.test_main_window import _settle

        _settle(qtbot)
        window.close()
        library.close()
