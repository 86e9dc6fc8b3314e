"""The bar over the Projects page's tabs: Render all, the progress with the
time left, what is rendered, and the project's voice (a picker, and the
backend that speaks it).

Its strings keep the page's translation context, ``ProjectsView``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from studio.core.progress import Progress
from studio.core.store import Library, Project
from studio.errors import UserError
from studio.ui import words
from studio.ui.eta import Eta
from studio.ui.table_models import seconds
from studio.ui.tasks import engine_starter
from studio.ui.views.base import cached_fit

translate = QCoreApplication.translate  # (context, text): the strings are extracted


class RenderBar(QWidget):
    """Render all, the progress bar, the summary and the project's voice."""

    said = Signal(str)  # what a render or a voice change did, for the status bar

    def __init__(self, library: Library, project: Callable[[], Project | None],
                 changed: Callable[[], None], on_error: Callable[..., None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.project, self.changed, self.on_error = (
            library, project, changed, on_error)
        self._etas: dict[int, Eta] = {}  # time left, per project
        self.render_button = QPushButton(translate("ProjectsView", "Render all"))
        self.render_button.clicked.connect(self.render_all)
        self.render_button.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m")
        self.summary = QLabel()
        self.voice_label = QLabel()  # the project's voice and the backend that speaks it
        self.voice_picker = QComboBox()  # the project's voice, chosen here
        self.voice_picker.setToolTip(translate(
            "ProjectsView", "The project's voice (locked segments keep theirs)"))
        self.voice_picker.activated.connect(self._voice_chosen)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.render_button)
        layout.addWidget(self.progress, 1)
        layout.addWidget(self.summary)
        layout.addSpacing(16)
        layout.addWidget(self.voice_picker)
        layout.addWidget(self.voice_label)

    def show_project(self, project: Project | None) -> None:
        """No project: nothing to render, and a word on how to start one;
        a project: its voice may be chosen."""
        if project is not None:
            self.voice_picker.setEnabled(True)
            return
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(translate("ProjectsView", "No project"))  # not "0 / 1"
        self.render_button.setEnabled(False)
        self.voice_picker.setEnabled(False)
        self.voice_label.clear()
        self.summary.setText(translate("ProjectsView", "No project yet: New project, paste a "
                                                       "script, or drop a text file here"))

    def show_progress(self, project: Project, rows: list[dict[str, Any]], now: float,
                      checked: Callable[[], None] | None = None) -> None:
        """The progress bar, the time left (``now``: the clock's reading) and
        the summary, from the project's segment rows, and whether the voice
        can render (``checked``: asked again on the thread pool when that is
        due, and called when the answer is in)."""
        progress = Progress.from_rows(rows)
        rendered, failed = progress.rendered, progress.count("failed")
        self.progress.setRange(0, max(1, len(rows)))
        # on the next turn of the loop: QProgressBar.setValue repaints at once,
        # which would paint the whole window's pending updates inside this step
        QTimer.singleShot(0, self, lambda: self.progress.setValue(rendered))
        active = progress.renders > 0
        eta = self._etas.setdefault(project.id, Eta())
        left = eta.update(now, rendered, len(rows), active and not project.paused)
        if not rows:  # not "0 / 1"
            self.progress.setFormat(translate("ProjectsView", "No segments yet: paste the "
                                              "script in the Script tab and Apply (Ctrl+Return)"))
        elif project.paused and active:  # nothing renders: no time left to promise
            self.progress.setFormat(
                "%v / %m" + translate("ProjectsView", " — paused (resume it in the Queue)"))
        elif progress.state == "checking":  # rendered, not yet settled: a retake may follow
            self.progress.setFormat("%v / %m" + translate(
                "ProjectsView", " — checking %d take(s)") % progress.checks)
        else:
            self.progress.setFormat("%v / %m" + ("" if left is None else " — " + Eta.text(left)))
        total_s = sum(row["duration_s"] or 0 for row in rows)
        self.summary.setText(translate("ProjectsView", "%s rendered, %d failed")
                             % (seconds(total_s), failed))
        self._show_fit(project, checked, bool(rows))

    def _show_fit(self, project: Project, checked: Callable[[], None] | None,
                  segments: bool) -> None:
        """Which backend speaks the project's voice; Render all only when it
        can, and when there is a segment to render."""
        voice = self.library.voice(project.voice_id)
        voices = [(v.name, v.id) for v in self.library.voices()]
        if [(self.voice_picker.itemText(i), self.voice_picker.itemData(i))
                for i in range(self.voice_picker.count())] != voices:
            self.voice_picker.clear()
            for name, voice_id in voices:
                self.voice_picker.addItem(name, voice_id)
        self.voice_picker.setCurrentIndex(self.voice_picker.findData(voice.id))
        fit = cached_fit(self.library, voice, checked)
        text = translate("ProjectsView", "Voice: %s · %s") % (voice.name, fit.backend or "-")
        if fit.problem:
            text = "⚠ " + text + " " + translate("ProjectsView", "(cannot render here)")
        self.voice_label.setText(text)
        self.voice_label.setToolTip(fit.problem or "")
        self.render_button.setEnabled(fit.usable and segments)
        self.render_button.setToolTip(fit.problem or (translate(
            "ProjectsView", "Nothing to render yet: paste the script in the Script tab and "
            "Apply (Ctrl+Return)") if not segments else None) or translate(
            "ProjectsView",
            "Render every segment that has no take of its present text and voice "
            "(Ctrl+Shift+R; locked segments are left as they are)"))

    def render_all(self) -> None:
        """Queue every segment that needs a take, and make sure the engine runs."""
        from studio.service import render

        project = self.project()
        if project is None:
            return
        fit = cached_fit(self.library, self.library.voice(project.voice_id))
        if fit.problem or fit.backend is None:  # a clone never falls back to another backend
            self.on_error(UserError(fit.problem or translate(
                "ProjectsView", "no backend can speak this voice")))
            return
        try:
            queued = render.start_render(
                self.library, project,
                start=engine_starter(self.on_error, lambda _pid: self.changed()))
        except UserError as err:
            self.on_error(words.refusal(err))
            return
        self.said.emit(words.queued(queued))

    def _voice_chosen(self, index: int) -> None:
        """The user picked the project's voice: change it, then say what now
        needs rendering and offer to render it."""
        project = self.project()
        voice_id = self.voice_picker.itemData(index)
        if project is None or voice_id is None or voice_id == project.voice_id:
            return
        try:
            todo = self.library.set_project_voice(project.name, self.library.voice(voice_id))
        except UserError as err:
            self.on_error(err)
            return
        self.changed()
        if not todo:
            self.said.emit(translate("ProjectsView",
                                     "Every segment is rendered with this voice."))
            return
        answer = QMessageBox.question(
            self, translate("ProjectsView", "Voice changed"),
            translate("ProjectsView",
                      "%d segments now need rendering (locked segments keep their voice). "
                      "Render them now?") % len(todo))
        if answer == QMessageBox.StandardButton.Yes:
            self.render_all()
