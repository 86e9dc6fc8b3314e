"""The dialogs of the HTTP API's keys on the Engine page: one asks a new
key's name and makes the key (off the GUI thread: scrypt), the other shows
the key once, with a Copy button."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.keys import add_key
from studio.core.store import Library
from studio.errors import UserError
from studio.ui.tasks import run_task


class AddKeyDialog(QDialog):
    """Asks a key's name and makes the key; a name the studio refuses is
    said in the dialog, and nothing is written. :attr:`key` holds the new
    key once the dialog is accepted."""

    def __init__(self, root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.key: str | None = None
        self.setWindowTitle(self.tr("Add API key"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("e.g. video-pipeline"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b")
        self.problem.hide()
        form = QFormLayout(self)
        form.addRow(self.tr("Name:"), self.name_edit)
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.name_edit.textChanged.connect(lambda _: self.problem.hide())
        self.setMinimumWidth(360)

    def name(self) -> str:
        """The name typed, stripped."""
        return self.name_edit.text().strip()

    def accept(self) -> None:
        """Make the key on the thread pool; close when it is stored."""
        root, name = self.root, self.name()
        self.buttons.setEnabled(False)

        def make() -> str:
            with Library.open(root) as library:
                return add_key(library, name)

        run_task(make, self._made, self._failed)

    def reject(self) -> None:
        """Cancel, unless the key is being made (it is then shown once made)."""
        if self.buttons.isEnabled():
            super().reject()

    def _made(self, key: str) -> None:
        self.key = key
        self.buttons.setEnabled(True)
        super().accept()

    def _failed(self, err: Exception, _details: str = "") -> None:
        self.buttons.setEnabled(True)
        self.problem.setText(str(err) if isinstance(err, UserError) else
                             self.tr("Something went wrong: %s") % err)
        self.problem.show()
        self.name_edit.setFocus()


class NewKeyDialog(QDialog):
    """A new key, shown this once, with a button that copies it."""

    def __init__(self, name: str, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("API key %s") % name)
        self.key_edit = QLineEdit(key)
        self.key_edit.setReadOnly(True)
        self.key_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.key_edit.setMinimumWidth(self.key_edit.fontMetrics().horizontalAdvance(key) + 24)
        self.key_edit.selectAll()
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.key_edit, 1)
        row.addWidget(self.copy_button)
        self.note = QLabel(self.tr(
            "This key is shown only now. Store it; the studio keeps only a hash."))
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The new key <b>%s</b>:") % escape(name)))
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def copy(self) -> None:
        """Put the key on the clipboard."""
        QGuiApplication.clipboard().setText(self.key_edit.text())
        self.copy_button.setText(self.tr("Copied"))

