"""The project list beside the Projects page, with New project…, and the
projects' lifecycle: new, rename, duplicate and delete, each asked in a
dialog; rename, duplicate and delete are undoable (:class:`LifecycleCommand`).

Its strings keep the page's translation context, ``ProjectsView``."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QDialog, QListView, QMessageBox, QPushButton, QVBoxLayout, QWidget

from studio.core.store import Library, Project
from studio.errors import UserError
from studio.ui.table_models import Column, RowsModel

translate = QCoreApplication.translate  # (context, text): the strings are extracted


class ProjectList(QWidget):
    """The library's projects; the selected one is the page's."""

    created = Signal(str, str)  # a new project's name, and the script to split into it
    asking = Signal(QDialog)  # a dialog opened (the page keeps it as its ``dialog``)

    def __init__(self, library: Library, undo: QUndoStack, changed: Callable[[], None],
                 on_error: Callable[..., None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.undo, self.changed, self.on_error = library, undo, changed, on_error
        self.projects = RowsModel([Column(translate("ProjectsView", "Project"), "name")], self)
        self.list_view = QListView()
        self.list_view.setModel(self.projects)
        self.list_view.selectionModel().currentChanged.connect(lambda *_: self.changed())
        self.new_button = QPushButton(translate("ProjectsView", "New project…"))
        self.new_button.clicked.connect(lambda: self.new_project())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.new_button)

    def names(self) -> list[str]:
        """The projects listed, in the list's order."""
        return [row["name"] for row in self.projects.rows]

    def current_project(self) -> Project | None:
        """The selected project, if any."""
        index = self.list_view.currentIndex()
        if not index.isValid():
            return None
        return self.library.find_project(self.projects.row(index.row())["name"])

    def refresh_projects(self) -> None:
        """Re-read the project list, keeping the selection."""
        current = self.current_project()
        self.projects.set_rows(self.library.projects())
        names = self.names()
        if names:
            row = names.index(current.name) if current and current.name in names else 0
            self.list_view.setCurrentIndex(self.projects.index(row, 0))

    def select_project(self, name: str) -> bool:
        """Select the project named ``name`` (any case); False if there is none."""
        names = [row["name"].casefold() for row in self.projects.rows]
        if name.casefold() not in names:
            return False
        self.list_view.setCurrentIndex(self.projects.index(names.index(name.casefold()), 0))
        return True

    def open(self, name: str) -> None:
        """Re-read the list and select the project named exactly ``name``."""
        self.refresh_projects()
        names = self.names()
        if name in names:
            self.list_view.setCurrentIndex(self.projects.index(names.index(name), 0))

    # ------------------------------------------------------------ lifecycle
    def new_project(self, text: str | None = None) -> None:
        """Ask a name and a voice; create the empty project, then say so
        (``created``) with ``text``, the pasted script to split into it."""
        from studio.ui.views.project_dialog import ProjectDialog

        dialog = ProjectDialog(self.library, translate("ProjectsView", "New project"),
                               ask_voice=True, parent=self)

        def create() -> None:
            voice = dialog.voice()
            assert voice is not None
            try:
                project = self.library.create_project(dialog.name(), voice)
            except UserError as err:
                self.on_error(err)
                return
            self.created.emit(project.name, text or "")

        dialog.accepted.connect(create)
        self.asking.emit(dialog)
        dialog.open()

    def rename_project(self) -> None:
        """Ask a new name for the selected project (undoable)."""
        from studio.ui.views.project_dialog import ProjectDialog

        project = self.current_project()
        if project is None:
            return
        dialog = ProjectDialog(self.library, translate("ProjectsView", "Rename project"),
                               name=project.name, keep=project.name, parent=self)
        dialog.accepted.connect(lambda: self.undo.push(
            LifecycleCommand(self, "rename", project.name, dialog.name())))
        self.asking.emit(dialog)
        dialog.open()

    def duplicate_project(self) -> None:
        """Ask the copy's name; copy the project with its current takes (undoable)."""
        from studio.ui.views.project_dialog import ProjectDialog

        project = self.current_project()
        if project is None:
            return
        dialog = ProjectDialog(self.library, translate("ProjectsView", "Duplicate project"),
                               name=translate("ProjectsView", "%s copy") % project.name,
                               parent=self)
        dialog.accepted.connect(lambda: self.undo.push(
            LifecycleCommand(self, "duplicate", project.name, dialog.name())))
        self.asking.emit(dialog)
        dialog.open()

    def delete_project(self) -> None:
        """Move the selected project to the trash, once the user says so
        (Undo, or ``studio projects restore``, brings it back)."""
        project = self.current_project()
        if project is None:
            return
        answer = QMessageBox.question(
            self, translate("ProjectsView", "Delete project"),
            translate("ProjectsView",
                      "Move the project %r to the trash? Its queued renders stop; Undo "
                      "(Ctrl+Z) or `studio projects restore` brings it back.") % project.name)
        if answer == QMessageBox.StandardButton.Yes:
            self.undo.push(LifecycleCommand(self, "trash", project.name, project.name))


class LifecycleCommand(QUndoCommand):
    """Undoable rename, duplicate or trash of a project, through the store.

    Undoing a duplicate moves the copy to the trash (anything done to it
    since is kept there); redoing it restores the copy.
    """

    def __init__(self, projects: ProjectList, action: str, name: str, new: str) -> None:
        super().__init__(f"{action} project {name}")
        self.projects, self.action, self.name, self.new = projects, action, name, new
        self.done_once = False

    def _run(self, step: str, select: str) -> None:
        library = self.projects.library
        try:
            if step == "rename":
                library.rename_project(self.name, self.new)
            elif step == "unrename":
                library.rename_project(self.new, self.name)
            elif step == "duplicate":
                library.duplicate_project(self.name, self.new)
            elif step == "trash":
                library.trash_project(select)
            elif step == "restore":
                library.restore_project(select)
        except UserError as err:
            self.projects.on_error(err)
            return
        self.projects.refresh_projects()
        self.projects.select_project(select)  # a trashed one is gone: the list picks another
        self.projects.changed()

    def redo(self) -> None:
        if self.action == "rename":
            self._run("rename", self.new)
        elif self.action == "duplicate":
            self._run("restore" if self.done_once else "duplicate", self.new)
        else:
            self._run("trash", self.name)
        self.done_once = True

    def undo(self) -> None:
        if self.action == "rename":
            self._run("unrename", self.name)
        elif self.action == "duplicate":
            self._run("trash", self.new)
        else:
            self._run("restore", self.name)
