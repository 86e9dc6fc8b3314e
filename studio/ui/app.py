"""Start the desktop studio, or render one view to a PNG (``--screenshot``)."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Qt is imported when the window opens, not with the command
    from studio.core.store import Library
    from studio.ui.main_window import MainWindow


def open_window(library: Library, view: str | None, screenshot: bool) -> MainWindow:
    """The main window as the user left it (its size, page and project), or
    on ``view`` when one is asked for; a screenshot's at 1280x800, on the
    Projects page unless told."""
    from studio.ui.main_window import MainWindow

    window = MainWindow(library, remember=not screenshot)
    if view or screenshot:
        window.show_view(view or "projects")
    return window


def run(root: Path, screenshot: Path | None = None, view: str | None = None,
        language: str | None = None, theme: str | None = None) -> int:
    """Open the main window on the library at ``root`` (or save a screenshot)."""
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from studio.core.store import Library
    from studio.ui import i18n
    from studio.ui.tasks import wait_for_tasks

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Voice Studio")
    app.setOrganizationName("VoiceStudio")
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                         "VoiceStudio", "Voice Studio")
    chosen = language or str(settings.value("language", i18n.system_language()))
    translators = i18n.install(app, chosen)  # kept alive while the window runs
    from studio.ui import theme as themes

    look = theme or str(settings.value("theme", "system"))
    if isinstance(app, QApplication):
        themes.apply(app, look)
        themes.follow_system(app, look)
    with Library.open(root) as library:
        window = open_window(library, view, screenshot is not None)
        if screenshot is not None:
            window.show()
            app.processEvents()
            # let the view's background reads (waveforms, the timeline) arrive
            from PySide6.QtCore import QThreadPool

            for _ in range(10):
                QThreadPool.globalInstance().waitForDone(10000)
                app.processEvents()
            ok = window.grab().save(str(screenshot))
            window.close()
            wait_for_tasks()
            del translators
            return 0 if ok else 1
        window.show()
        # Everything built so far lives as long as the window: keep it out of
        # the cyclic collector's full passes, which otherwise walk it all
        # and stall the event loop on large projects.
        gc.freeze()
        code = app.exec()
        wait_for_tasks()
        del translators
        return int(code)
