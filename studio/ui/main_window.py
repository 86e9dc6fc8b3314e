"""The main window: navigation between the views, menus, shortcuts, drops,
remembered geometry, and an honest question when closing mid-render."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from studio.audio import READABLE_SUFFIXES
from studio.core.store import Library
from studio.ui.views.base import View
from studio.ui.views.engine import EngineView
from studio.ui.views.projects import ProjectsView
from studio.ui.views.pronunciation import PronunciationView
from studio.ui.views.queue import QueueView
from studio.ui.views.voices import VoicesView
from studio.ui.views.weights import ModelsView
from studio.ui.watcher import StoreWatcher

# Pronunciation comes last so that Ctrl+1 … Ctrl+5 keep the pages they had
VIEWS = ("voices", "projects", "queue", "engine", "models", "pronunciation")


class MainWindow(QMainWindow):
    """Voices, Projects, Queue, Engine, Models and Pronunciation, one page each."""

    def __init__(self, library: Library, *, remember: bool = True) -> None:
        super().__init__()
        self.library = library
        self.remember = remember  # False for screenshots: leave the user's state alone
        self.closed = False
        self.setWindowTitle(self.tr("Voice Studio"))
        self.setAcceptDrops(True)
        self.undo = QUndoStack(self)
        self.voices = VoicesView(library)
        self.projects = ProjectsView(library, self.undo)
        self.pronunciation = PronunciationView(library)
        self.pronunciation.go_to_segment.connect(self.go_to_segment)
        self.views: dict[str, View] = {
            "voices": self.voices,
            "projects": self.projects,
            "queue": QueueView(library),
            "engine": EngineView(library),
            "models": ModelsView(library),
            "pronunciation": self.pronunciation,
        }
        self.nav = QListWidget()
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        for view in self.views.values():
            self.nav.addItem(view.display_title)
            self.stack.addWidget(view)
        self.nav.currentRowChanged.connect(self._show)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        # INI named explicitly: the (org, app) constructor ignores the default
        # format, and with it the folder tests set with QSettings.setPath
        self.settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                  "VoiceStudio", "Voice Studio")
        self._menus()
        self.statusBar().showMessage(self.tr("Library: %s") % library.root.name)
        self.statusBar().setToolTip(str(library.root))
        self.watcher = StoreWatcher(library.root, parent=self)
        self.watcher.changed.connect(self._store_changed)
        geometry = self.settings.value("geometry") if remember else None
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        # reopen on the project the user left (not whichever sorts first)
        self.projects.select_project(str(self.settings.value("project", "")))
        self.projects.project_list.selectionModel().currentChanged.connect(
            lambda *_: self._project_actions())
        self.projects.projects.modelReset.connect(self._project_actions)
        self._project_actions()
        self.show_view(str(self.settings.value("view", "projects")))

    def _menus(self) -> None:
        file = self.menuBar().addMenu(self.tr("&File"))
        self.actions_: dict[str, QAction] = {}
        for key, text, shortcut, slot in (
            ("new", self.tr("&New project…"), "Ctrl+N", self.new_project),
            ("rename", self.tr("&Rename project…"), "", self.project_action("rename_project")),
            ("duplicate", self.tr("D&uplicate project…"), "",
             self.project_action("duplicate_project")),
            ("delete", self.tr("&Delete project…"), "", self.project_action("delete_project")),
            ("import", self.tr("&Import voice clip…"), "Ctrl+I", self.voices.choose_clip),
            ("open", self.tr("&Open script…"), QKeySequence.StandardKey.Open,
             self.choose_script),
            ("export", self.tr("&Export…"), "Ctrl+E", self.export),
            ("quit", self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close),
        ):
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            file.addAction(action)
            self.actions_[key] = action
        edit = self.menuBar().addMenu(self.tr("&Edit"))
        undo = self.undo.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        edit.addActions([undo, redo])
        edit.addSeparator()
        bar = self.projects.find_bar
        for text, shortcut, slot in (
            (self.tr("&Find…"), "Ctrl+F", bar.open_find),
            (self.tr("&Replace…"), "Ctrl+H", bar.open_replace),
            (self.tr("Find &next"), "F3", bar.find_next),
            (self.tr("Find &previous"), "Shift+F3", bar.find_previous),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False, slot=slot: self._find(slot))
            edit.addAction(action)
        view = self.menuBar().addMenu(self.tr("&View"))
        for number, name in enumerate(VIEWS, start=1):
            view_ = self.views[name]
            action = QAction(view_.display_title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, name=name: self.show_view(name))
            view.addAction(action)
        # Theme and language are a choice of one: the menus show which, checked.
        themes = view.addMenu(self.tr("&Theme"))
        self.theme_actions = self._choice(themes, (
            ("system", self.tr("Follow the system")), ("light", self.tr("Light")),
            ("dark", self.tr("Dark"))), str(self.settings.value("theme", "system")),
            self.set_theme)
        languages = view.addMenu(self.tr("&Language"))
        from studio.ui.i18n import LANGUAGES, system_language

        current = str(self.settings.value("language", system_language()))
        self.language_actions = self._choice(languages, tuple(LANGUAGES.items()), current,
                                             self.set_language)
        help_ = self.menuBar().addMenu(self.tr("&Help"))
        shortcuts = QAction(self.tr("&Keyboard shortcuts"), self)
        shortcuts.setShortcut(QKeySequence("F1"))
        shortcuts.triggered.connect(self.show_shortcuts)
        about = QAction(self.tr("&About Voice Studio"), self)
        about.triggered.connect(self.show_about)
        help_.addActions([shortcuts, about])

    def _choice(self, menu: QMenu, choices: Iterable[tuple[str, str]], current: str,
                slot: Callable[[str], None]) -> dict[str, QAction]:
        """Checkable, exclusive actions in ``menu``; the current one checked."""
        group = QActionGroup(self)
        group.setExclusive(True)
        actions: dict[str, QAction] = {}
        for code, label in choices:
            action = QAction(label, self, checkable=True)
            action.setChecked(code == current)
            action.triggered.connect(lambda _=False, code=code: slot(code))
            group.addAction(action)
            menu.addAction(action)
            actions[code] = action
        return actions

    def shortcut_lines(self) -> list[tuple[str, str]]:
        """Every keyboard shortcut of the window, for the Help dialog."""
        return [
            ("Space", self.tr("Play or stop the selected segment")),
            ("Shift+Space", self.tr("Play from the selected segment on")),
            ("B", self.tr("Compare takes (A/B)")),
            ("R", self.tr("Regenerate the selected segment")),
            ("F2", self.tr("Edit the selected segment's text")),
            ("L", self.tr("Lock or unlock")),
            ("A", self.tr("Approve or withdraw the approval")),
            ("N / Shift+N", self.tr("Next / previous segment that needs review")),
            ("Ctrl+Z / Ctrl+Shift+Z", self.tr("Undo / redo")),
            ("Ctrl+F / Ctrl+H", self.tr("Find / replace in the segments' text")),
            ("F3 / Shift+F3", self.tr("Next / previous match")),
            ("Shift/Ctrl+click", self.tr("Select several segments: the actions apply "
                                         "to all of them")),
            ("Ctrl+N", self.tr("New project")),
            ("Ctrl+Return", self.tr("Apply the edited script")),
            ("Ctrl+Shift+R", self.tr("Render all")),
            ("Ctrl+O", self.tr("Open a script")),
            ("Ctrl+I", self.tr("Import a voice clip")),
            ("Ctrl+E", self.tr("Export")),
            ("Ctrl+1 … Ctrl+6", self.tr("Voices, Projects, Queue, Engine, Models, "
                                        "Pronunciation")),
            ("F1", self.tr("This list")),
        ]

    def show_shortcuts(self) -> None:
        """F1: the keyboard shortcuts."""
        rows = "".join(f"<tr><td><b>{keys}</b></td><td>&nbsp;&nbsp;{what}</td></tr>"
                       for keys, what in self.shortcut_lines())
        self.help_box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("Keyboard shortcuts"),
                                    f"<table>{rows}</table>", QMessageBox.StandardButton.Close,
                                    self)
        self.help_box.open()

    def show_about(self) -> None:
        """Help > About: the version and where the library is."""
        from studio import __version__

        self.help_box = QMessageBox(
            QMessageBox.Icon.Information, self.tr("About Voice Studio"),
            self.tr("Voice Studio %s\nLibrary: %s") % (__version__, self.library.root),
            QMessageBox.StandardButton.Close, self)
        self.help_box.open()

    def new_project(self) -> None:
        """Ctrl+N: name a new project, then paste its script."""
        self.show_view("projects")
        self.projects.new_project()

    def _find(self, slot: Callable[[], None]) -> None:
        """Find and replace work on the Projects page's segments."""
        self.show_view("projects")
        self.projects.tabs.setCurrentIndex(0)
        slot()

    def project_action(self, method: str):  # type: ignore[no-untyped-def]
        """A File menu slot acting on the selected project, on the Projects page."""
        def act() -> None:
            self.show_view("projects")
            getattr(self.projects, method)()
        return act

    def _project_actions(self) -> None:
        """What needs a project is enabled only when one is selected."""
        has = self.projects.current_project() is not None
        for key in ("rename", "duplicate", "delete", "export"):
            self.actions_[key].setEnabled(has)

    def set_theme(self, code: str) -> None:
        """Switch light/dark now, and remember it."""
        from PySide6.QtWidgets import QApplication

        from studio.ui import theme

        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, code)
        self.settings.setValue("theme", code)

    def set_language(self, code: str) -> None:
        """Remember the interface language; it applies when the studio restarts."""
        self.settings.setValue("language", code)
        self.statusBar().showMessage(
            self.tr("The language changes when Voice Studio starts again."), 8000)

    def show_view(self, name: str) -> None:
        """Switch to a view by name."""
        self.nav.setCurrentRow(VIEWS.index(name if name in VIEWS else "projects"))

    def current_view(self) -> str:
        """The name of the view shown."""
        return VIEWS[self.stack.currentIndex()]

    def _show(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        self.views[VIEWS[row]].refresh()

    def refresh(self) -> None:
        """The store changed: the visible view re-reads it."""
        self.views[self.current_view()].refresh()
        self._project_actions()

    def _store_changed(self) -> None:
        """Another process wrote: the Projects page reads its rows off the GUI thread."""
        if self.current_view() == "projects":
            self.projects.refresh_from_store()
            self._project_actions()
        else:
            self.refresh()

    def export(self) -> None:
        """Ctrl+E: the export dialog for the selected project."""
        from studio.ui.views.export_dialog import ExportDialog

        project = self.projects.current_project()
        if project is None:
            self.statusBar().showMessage(self.tr("No project to export"), 5000)
            return
        dialog = self.export_dialog = ExportDialog(self.library, project, self)
        self.watcher.changed.connect(dialog.check_rendered)  # takes arriving enable Export
        dialog.finished.connect(lambda _: self.watcher.changed.disconnect(dialog.check_rendered))
        dialog.show_flagged.connect(self.show_flagged)
        dialog.open()

    def go_to_segment(self, project: str, segment_id: int) -> None:
        """A segment named elsewhere (the Pronunciation page): its row in Projects."""
        self.show_view("projects")
        self.projects.show_segment_of(project, segment_id)

    def show_flagged(self) -> None:
        """The Projects page, showing only the segments that need review."""
        self.show_view("projects")
        self.projects.tabs.setCurrentIndex(0)
        self.projects.show_flagged()

    def choose_script(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a script"), "",
                                              self.tr("Text (*.txt *.md)"))
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        """An audio file becomes a voice; a text file becomes a project."""
        if path.suffix.lower() in READABLE_SUFFIXES:
            self.show_view("voices")
            self.voices.import_clip(path)
        else:
            self.show_view("projects")
            self.projects.open_script(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_file(Path(url.toLocalFile()))
        event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        from studio.service import engine, queue

        # only a running engine with work to do makes closing a question, and
        # never a screenshot's window (nobody is there to answer it)
        active = queue.active_jobs(self.library)
        if active and self.remember and self.isVisible() \
                and engine.engine_running(self.library.root) is not None:
            from studio.service import qa

            checks = qa.checks_left(self.library)  # take QA's, not renders: say which
            answer = QMessageBox.question(
                self, self.tr("Rendering"),
                self.tr("%d segments are still rendering. Keep rendering in the background?")
                % (active - checks) if active > checks else
                self.tr("%d takes are still being checked. Keep checking in the background?")
                % checks,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.No:
                # the engine finishes its current jobs and stops; the rest
                # stays queued for the next render
                engine.stop_engine(self.library.root, wait=False)
        if self.remember:
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("view", self.current_view())
            project = self.projects.current_project()
            self.settings.setValue("project", project.name if project else "")
        self.watcher.close()
        self.projects.close_view()
        self.closed = True
        event.accept()
