"""The pronunciation entry dialog: a word or phrase, said as an alias and/or
as IPA phonemes, exact case or not, for a project or the whole library.

The entry is checked by the store's own rule (:func:`check_entry`) before
the dialog closes: a bad one names what is wrong in the dialog, and nothing
is written. Preview speaks a short phrase holding the word, said the new
way, in the helper process (the GUI never loads a model).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from studio.errors import UserError
from studio.text.lexicon import Entry, check_entry

WARNING = "color: #c0392b"


class EntryDialog(QDialog):
    """Add or edit one lexicon entry; read :attr:`entry` and :meth:`scope`
    when ``accepted`` fires (it never blocks: open it with :meth:`open`).

    ``scopes`` are the places the entry may be saved, as (label, project id
    or None for the library); with one, no choice is shown. ``context`` is
    text the word stands in (a segment's words): Preview says the phrase
    around it. Preview needs ``root`` and ``voice`` (a voice name);
    ``voice_problem`` says why there is none. ``phonemes_ok`` False: the
    voice's backend takes no phonemes, and the dialog says it uses the alias.
    """

    def __init__(self, title: str, *, entry: Entry | None = None, term: str = "",
                 context: str = "", scopes: list[tuple[str, int | None]] | None = None,
                 root: Path | None = None, voice: str | None = None,
                 voice_problem: str = "", phonemes_ok: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.entry: Entry | None = None
        self.last_preview: tuple[object, int] | None = None  # what Preview last said
        self.context = context
        self.root, self.voice = root, voice
        self.term = QLineEdit(entry.term if entry else term)
        self.alias = QLineEdit(entry.alias if entry else "")
        self.alias.setPlaceholderText(self.tr("a respelling, e.g. new-win"))
        self.phonemes = QLineEdit(entry.phonemes if entry else "")
        self.phonemes.setPlaceholderText(self.tr("IPA, e.g. ˈnwɪən"))
        self.exact = QCheckBox(self.tr("Exact case (only as written here)"))
        self.exact.setChecked(bool(entry and entry.case_sensitive))
        self.scope_box = QComboBox()
        for label, project_id in scopes or [(self.tr("The library (every project)"), None)]:
            self.scope_box.addItem(label, project_id)
        self.problem = QLabel()  # what check_entry or the preview refused
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(WARNING)
        self.problem.hide()
        form = QFormLayout(self)
        form.addRow(self.tr("Word or phrase:"), self.term)
        form.addRow(self.tr("Say it as:"), self.alias)
        form.addRow(self.tr("Phonemes:"), self.phonemes)
        if not phonemes_ok:
            note = QLabel(self.tr("This voice's backend reads no phonemes: it says the "
                                  "alias (or the word as written)."))
            note.setWordWrap(True)
            note.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # a note
            form.addRow("", note)
        form.addRow("", self.exact)
        if self.scope_box.count() > 1:
            form.addRow(self.tr("Save in:"), self.scope_box)
        self.preview_button = QPushButton(self.tr("Preview"))
        self.preview_button.setToolTip(self.tr("Hear a short phrase with the word, said this way"))
        self.preview_button.clicked.connect(self.preview)
        self.preview_note = QLabel()
        self.preview_note.setWordWrap(True)
        self.preview_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        from studio.audio.playback import Player

        self.player = Player()
        problem = voice_problem or self.player.problem or (
            "" if root is not None and voice else self.tr("no voice to preview with"))
        if problem:
            self.preview_button.setEnabled(False)
            self.preview_button.setToolTip(problem)
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview_button)
        preview_row.addWidget(self.preview_note, 1)
        form.addRow("", preview_row)
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        for edit in (self.term, self.alias, self.phonemes):
            edit.textChanged.connect(self._changed)
        self._changed()
        self.setMinimumWidth(460)
        (self.alias if self.term.text() else self.term).setFocus()

    def scope(self) -> int | None:
        """Where to save: a project's id, or None for the library."""
        value = self.scope_box.currentData()
        return None if value is None else int(value)

    def phrase(self) -> str:
        """What Preview says: a few words around the word in its context."""
        from studio.core.pronunciation import phrase_around

        return phrase_around(self.context, self.term.text())

    def _changed(self) -> None:
        self.problem.hide()
        phrase = self.phrase()
        self.preview_note.setText(self.tr("Says: “%s”") % phrase if phrase else "")

    def checked(self) -> Entry | None:
        """The entry as typed, checked; None (and the reason shown) if it is refused."""
        try:
            return check_entry(self.term.text(), self.alias.text(), self.phonemes.text(),
                               self.exact.isChecked())
        except UserError as err:
            self.problem.setText(str(err))
            self.problem.show()
            return None

    def accept(self) -> None:
        """Close only with an entry the store accepts; else say why."""
        entry = self.checked()
        if entry is None:
            return
        self.entry = entry
        self.player.stop()
        super().accept()

    def reject(self) -> None:
        self.player.stop()
        super().reject()

    def preview(self) -> None:
        """Speak the phrase, said the new way, in the voice (in the helper process)."""
        entry = self.checked()
        if entry is None or self.root is None or not self.voice:
            return
        from studio.core.pronunciation import preview_said
        from studio.ui.tasks import run_in_process

        self.preview_button.setEnabled(False)
        self.preview_note.setText(self.tr("Rendering the preview…"))
        run_in_process(preview_said, (str(self.root), self.voice, self.phrase(), entry),
                       self._previewed, self._preview_failed)

    def _previewed(self, result: tuple[object, int]) -> None:
        self.preview_button.setEnabled(True)
        self._changed()
        if self.isVisible():  # closed meanwhile: say nothing
            self.player.play(*result)  # type: ignore[arg-type]
        self.last_preview = result

    def _preview_failed(self, err: Exception, details: str) -> None:
        self.preview_button.setEnabled(True)
        self._changed()
        self.problem.setText(str(err) if isinstance(err, UserError) else
                             self.tr("The preview failed: %s") % err)
        self.problem.setToolTip(details)
        self.problem.show()


def said_as(entry: Entry) -> str:
    """How an entry says its term, for a table: the alias and/or /IPA/."""
    return " · ".join(part for part in (entry.alias, f"/{entry.phonemes}/"
                                        if entry.phonemes else "") if part)

