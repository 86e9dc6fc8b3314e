"""How the window shows a segment's state: its colour and its words.

The states themselves are the store's (``STATES``, one definition); this is
the one place that gives each a colour (the timeline, the document view) and
a label (the table, the document view's tooltips).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

STATE_COLORS = {
    "approved": "#4caf50", "flagged": "#fdd835", "rendered": "#42a5f5", "rendering": "#ffa726",
    "queued": "#bdbdbd", "failed": "#e53935", "stale": "#ab47bc", "pending": "#e0e0e0",
}

_LABELS = {
    "approved": QT_TRANSLATE_NOOP("State", "approved"),
    "flagged": QT_TRANSLATE_NOOP("State", "needs review"),
    "rendered": QT_TRANSLATE_NOOP("State", "rendered"),
    "rendering": QT_TRANSLATE_NOOP("State", "rendering…"),
    "queued": QT_TRANSLATE_NOOP("State", "queued"),
    "failed": QT_TRANSLATE_NOOP("State", "failed"),
    "stale": QT_TRANSLATE_NOOP("State", "changed: render again"),
    "pending": QT_TRANSLATE_NOOP("State", "not rendered"),
}


def state_label(state: str) -> str:
    """A segment's state in the interface's language."""
    label = _LABELS.get(state)
    return QCoreApplication.translate("State", str(label)) if label else state
