"""Store changes as Qt signals.

:class:`StoreWatcher` polls ``PRAGMA data_version`` on a connection of its
own: the number changes whenever another connection (a worker, the CLI)
commits, so views refresh on real changes only, at no cost in between.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.storage.changes import ChangeCounter


class StoreWatcher(QObject):
    """Emits :attr:`changed` when any process commits to the library."""

    changed = Signal()

    def __init__(self, root: Path, interval_ms: int = 250, parent: QObject | None = None):
        super().__init__(parent)
        self._counter = ChangeCounter(root)
        self._version = self._read()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _read(self) -> int:
        return self._counter.read()

    def _poll(self) -> None:
        version = self._read()
        if version != self._version:
            self._version = version
            self.changed.emit()

    def close(self) -> None:
        """Stop polling and close the connection."""
        self._timer.stop()
        self._counter.close()
