"""The bar over the segments table: which segments it shows (a state
filter whose entries carry their counts), how many there are of each kind,
and the way to those take QA flagged (a link that shows them, ◀ ▶, and the
N / Shift+N shortcuts the page takes on).

Its strings keep the page's translation context, ``ProjectsView``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from studio.core.store import DONE_STATES
from studio.ui.qa import QA_COLORS
from studio.ui.widgets.steady_label import SteadyLabel

translate = QCoreApplication.translate  # (context, text): the strings are extracted

Keep = Callable[[dict[str, Any]], bool]


class FilterBar(QWidget):
    """Show: [state], the counts, and "n segments need review · Show them ◀ ▶"."""

    chosen = Signal()  # another state picked: the table shows those segments
    flagged_wanted = Signal()  # "Show them": only the segments that need review
    step_wanted = Signal(int)  # ◀ ▶, Shift+N / N: the previous (-1) or next (1) of them

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picker = QComboBox()
        self.picker.setToolTip(translate("ProjectsView", "Show only the segments in one state"))
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # its entries carry counts: never squeezed below them by the labels beside it
        self.picker.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.filters: dict[str, tuple[str, Keep | None]] = {
            "all": (translate("ProjectsView", "All segments"), None),
            # take QA found something a person should hear
            "flagged": (translate("ProjectsView", "Needs review"),
                        lambda r: r["status"] == "flagged"),
            # rendered, not yet approved (whatever QA said)
            "review": (translate("ProjectsView", "Not approved"),
                       lambda r: r["status"] in ("rendered", "flagged")),
            "todo": (translate("ProjectsView", "Not rendered"),
                     lambda r: r["status"] not in DONE_STATES),
            "failed": (translate("ProjectsView", "Failed"), lambda r: r["status"] == "failed"),
            "approved": (translate("ProjectsView", "Approved"),
                         lambda r: r["status"] == "approved"),
            "locked": (translate("ProjectsView", "Locked"), lambda r: bool(r["locked"])),
        }
        for key, (label, _keep) in self.filters.items():
            self.picker.addItem(f"{label} (00000)", key)
        # its entries carry counts that change with every take: a size of its
        # own keeps each change from re-laying out (and repainting) the tab
        self.picker.setFixedSize(self.picker.sizeHint())
        for index, (label, _keep) in enumerate(self.filters.values()):
            self.picker.setItemText(index, label)
        self.picker.currentIndexChanged.connect(lambda _: self.chosen.emit())
        # approved x / y, not approved, not rendered, failed, locked: changes with
        # every take, so a label that does not re-lay the tab out
        self.counts = SteadyLabel()
        # how many segments take QA flagged, a link that shows them, and a
        # jump to the next (N) or previous (Shift+N) of them
        self.flagged_note = QLabel()
        self.flagged_note.setTextFormat(Qt.TextFormat.RichText)
        self.flagged_note.linkActivated.connect(lambda _: self.flagged_wanted.emit())
        self.flagged_note.setToolTip(translate(
            "ProjectsView",
            "Segments whose best take QA found wanting: listen, then approve, "
            "edit or regenerate them"))
        self.flagged_buttons: dict[int, QPushButton] = {}
        self.shortcuts: list[QAction] = []  # N and Shift+N, for the page to take on
        for step, label, key, tip in (
            (-1, "◀", "Shift+N", translate(
                "ProjectsView", "Select the previous segment that needs review (Shift+N)")),
            (1, "▶", "N", translate(
                "ProjectsView", "Select the next segment that needs review (N)")),
        ):
            button = QPushButton(label)
            button.setFixedWidth(32)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, step=step: self.step_wanted.emit(step))
            action = QAction(tip, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, step=step: self.step_wanted.emit(step))
            self.shortcuts.append(action)
            self.flagged_buttons[step] = button
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(translate("ProjectsView", "Show:")))
        layout.addWidget(self.picker)
        layout.addWidget(self.counts, 1)
        layout.addWidget(self.flagged_note)
        layout.addWidget(self.flagged_buttons[-1])
        layout.addWidget(self.flagged_buttons[1])

    def keep(self) -> Keep | None:
        """The chosen state's test of a row (None: every row)."""
        return self.filters.get(self.picker.currentData(), ("", None))[1]

    def choose(self, key: str) -> None:
        """Pick the state ``key`` ("all", "flagged", …)."""
        self.picker.setCurrentIndex(self.picker.findData(key))

    def show_counts(self, rows: list[dict[str, Any]]) -> None:
        """Approved x / y and how many need what, from the rows just read;
        the filter's entries carry their counts."""
        count = {key: (sum(1 for row in rows if keep(row)) if keep else len(rows))
                 for key, (_label, keep) in self.filters.items()}
        self.counts.setText(translate(
            "ProjectsView",
            "Approved %d / %d · not approved %d · not rendered %d · failed %d · locked %d")
            % (count["approved"], count["all"], count["review"], count["todo"],
               count["failed"], count["locked"]))
        flagged = count["flagged"]
        show = translate("ProjectsView", "Show them")  # not inside the f-string: lupdate finds it
        self.flagged_note.setText(
            "" if not flagged else
            f"<span style='color:{QA_COLORS['review']}'>⚠</span> "
            + (translate("ProjectsView", "1 segment needs review") if flagged == 1
               else translate("ProjectsView", "%d segments need review") % flagged)
            + f" · <a href='show'>{show}</a>")
        self.flagged_note.setVisible(bool(flagged))
        for button in self.flagged_buttons.values():
            button.setVisible(bool(flagged))
        for index, (label, _keep) in enumerate(self.filters.values()):
            key = self.picker.itemData(index)
            self.picker.setItemText(index, f"{label} ({count[key]})")
