"""What the document view offers on a segment: its tooltip, and the context
menu's edit and batch actions (each offered for the segments it can change).

The strings are the document view's (translation context ``DocumentView``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from studio.ui.qa import qa_tooltip
from studio.ui.states import state_label
from studio.ui.table_models import seconds

translate = QCoreApplication.translate  # (context, text): the strings are extracted

# The context menu's batch actions, in the order they are offered.
ACTIONS = ("play", "regenerate", "approve", "unapprove", "lock", "unlock")


def applies(name: str, row: dict[str, Any]) -> bool:
    """Whether batch action ``name`` can change this segment."""
    if name in ("regenerate", "lock"):
        return not row["locked"]
    if name == "unlock":
        return bool(row["locked"])
    if name == "approve":
        return bool(row["status"] == "rendered")
    if name == "unapprove":
        return bool(row["status"] == "approved")
    return name == "play"


def tooltip(row: dict[str, Any]) -> str:
    """Number, state, lock, voice, length and takes of a segment (its row)."""
    head = [translate("DocumentView", "Segment %d") % row["number"],
            state_label(row["status"])]
    if row["locked"]:
        head.append(translate("DocumentView", "locked"))
    detail = []
    if row.get("voice"):
        detail.append(translate("DocumentView", "voice %s") % row["voice"])
    if row.get("duration_s"):
        detail.append(translate("DocumentView", "length %s") % seconds(row["duration_s"]))
    if row.get("takes"):
        detail.append(translate("DocumentView", "%d takes") % row["takes"])
    qa = qa_tooltip(row)  # the verdict, and what QA found, one a line
    return (" · ".join(head) + ("\n" + " · ".join(detail) if detail else "")
            + ("\n" + qa if qa else ""))


def context_menu(parent: QWidget, segment_id: int | None, ids: list[int],
                 applicable: Callable[[str, list[int]], list[int]],
                 edit: Callable[[int | None], object],
                 act: Callable[[str, list[int]], object]) -> QMenu:
    """The context menu: edit the segment under the pointer (``edit``), and
    the batch actions on the selection ``ids`` (``act``: the action and the
    segments among them it can change, as ``applicable`` says; their count
    is in its label when several are selected)."""
    menu = QMenu(parent)
    edit_action = menu.addAction(translate("DocumentView", "Edit text…"))
    edit_action.setData("edit")
    edit_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
    edit_action.setEnabled(segment_id is not None)
    edit_action.triggered.connect(lambda: edit(segment_id))
    menu.addSeparator()
    labels = {
        "play": translate("DocumentView", "Play from here") if len(ids) < 2
        else translate("DocumentView", "Play from the first selected"),
        "regenerate": translate("DocumentView", "Regenerate"),
        "approve": translate("DocumentView", "Approve"),
        "unapprove": translate("DocumentView", "Withdraw approval"),
        "lock": translate("DocumentView", "Lock"), "unlock": translate("DocumentView", "Unlock"),
    }
    for name in ACTIONS:
        targets = applicable(name, ids)
        label = labels[name]
        if name != "play" and len(ids) > 1:
            label = f"{label} ({len(targets)})"
        action = menu.addAction(label)
        action.setData(name)
        action.setEnabled(bool(targets))
        action.triggered.connect(
            lambda _=False, name=name, targets=targets: act(name, targets))
        if name == "play":
            menu.addSeparator()
    return menu
