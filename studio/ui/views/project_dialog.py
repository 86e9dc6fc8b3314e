"""The dialog that names a project (New, Rename, Duplicate): the name is
checked by the store's own rule before the dialog closes, and a new project
also gets its voice."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from studio.core.store import Library, Voice
from studio.errors import UserError


class ProjectDialog(QDialog):
    """Asks a project's name (not empty, not taken) and, for a new one, its voice."""

    def __init__(self, library: Library, title: str, *, name: str = "",
                 ask_voice: bool = False, keep: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.keep = keep  # the project's present name (a rename may change only its case)
        self.setWindowTitle(title)
        self.name_edit = QLineEdit(name)
        self.name_edit.selectAll()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b")
        form = QFormLayout(self)
        form.addRow(self.tr("Name:"), self.name_edit)
        self.voice_box: QComboBox | None = None
        if ask_voice:
            from studio.core.planning import DEFAULT_VOICE, ensure_presets

            ensure_presets(library)
            self.voice_box = QComboBox()
            default = library.get_setting("default_voice", DEFAULT_VOICE)
            for voice in library.voices():
                self.voice_box.addItem(voice.name, voice.id)
                if voice.name.casefold() == str(default).casefold():
                    self.voice_box.setCurrentIndex(self.voice_box.count() - 1)
            form.addRow(self.tr("Voice:"), self.voice_box)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.name_edit.textChanged.connect(lambda _: self.problem.clear())

    def name(self) -> str:
        """The name typed, stripped."""
        return self.name_edit.text().strip()

    def voice(self) -> Voice | None:
        """The voice chosen (new projects only)."""
        if self.voice_box is None:
            return None
        return self.library.voice(int(self.voice_box.currentData()))

    def accept(self) -> None:
        """Close only with a name the store accepts; else say why."""
        if self.keep is not None and self.name() and \
                self.name().casefold() == self.keep.casefold():
            super().accept()  # a rename that changes only the case, or nothing
            return
        try:
            self.library.check_new_name(self.name())
        except UserError as err:
            self.problem.setText(str(err))
            self.name_edit.setFocus()
            return
        super().accept()
