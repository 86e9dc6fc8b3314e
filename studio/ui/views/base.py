"""What every view shares: the library root, a refresh hook, an error box."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QSizePolicy, QVBoxLayout, QWidget

from studio.core.planning import VoiceFit, voice_fit
from studio.core.store import Library, Voice
from studio.errors import UserError
from studio.ui.tasks import run_task

FIT_TTL_S = 5.0
_fits: dict[tuple[object, ...], tuple[float, VoiceFit]] = {}
_checking: set[tuple[object, ...]] = set()  # being checked on the thread pool


def cached_fit(library: Library, voice: Voice,
               checked: Callable[[], None] | None = None) -> VoiceFit:
    """:func:`voice_fit`, re-checked at most every few seconds: views refresh
    on every store change, and a backend's check may probe the GPUs.

    With ``checked``, an answer past its time is still given, and checked
    again on the thread pool; ``checked`` is called when the new answer is
    in (while takes land, that check held the GUI thread some 10-25 ms every
    few seconds)."""
    key = (str(library.root), voice.id, voice.kind, voice.backend, voice.transcript)
    now = time.monotonic()
    hit = _fits.get(key)
    if hit is not None and now - hit[0] > FIT_TTL_S and checked is not None:
        if key not in _checking:
            _checking.add(key)
            root = library.root

            def check() -> VoiceFit:
                with Library.open(root) as own:
                    return voice_fit(own, voice)

            def done(fit: VoiceFit) -> None:
                _checking.discard(key)
                _fits[key] = (time.monotonic(), fit)
                checked()

            def failed(_err: Exception, _details: str) -> None:
                _checking.discard(key)  # asked again next time, on this thread

            run_task(check, done, failed)
        return hit[1]
    if hit is None or now - hit[0] > FIT_TTL_S:
        hit = _fits[key] = (now, voice_fit(library, voice))
    return hit[1]


class View(QWidget):
    """A page of the main window. Reads go through :attr:`library` (this
    thread's connection); anything slow goes through ``run_task``."""

    title: object = ""  # QT_TRANSLATE_NOOP("View", …) in each view

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(f"<h2>{self.display_title}</h2>")
        heading.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.layout_.addWidget(heading)

    @property
    def display_title(self) -> str:
        """The title in the interface language (titles share the "View" context)."""
        return QCoreApplication.translate("View", str(self.title))

    @property
    def root(self) -> Path:
        """The library folder (worker threads open their own connection to it)."""
        return self.library.root

    def refresh(self) -> None:
        """Re-read what the view shows (called when the store changes)."""

    def show_error(self, err: Exception, details: str = "") -> None:
        """A problem the user can fix in one line; anything else with details."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Voice Studio"))
        box.setText(str(err) if isinstance(err, UserError) else
                    self.tr("Something went wrong: %s") % err)
        if details and not isinstance(err, UserError):
            box.setDetailedText(details)
        box.open()
