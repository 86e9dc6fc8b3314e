"""What a take says, under what it should say: take QA's aligned words.

Each word of the script stands over what the recognizer heard for it, and
the lines wrap together, so a difference is seen where it happens: a
missing word struck through in red over a gap, an extra word marked under
a gap, a changed word in orange over what was heard instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

OPS = ("equal", "missing", "extra", "changed")
_COLORS = {"missing": "#d32f2f", "extra": "#1565c0", "changed": "#ef6c00"}
_GAP = 8  # pixels between words
_ROW_GAP = 6  # pixels between two wrapped lines


@dataclass(frozen=True)
class Unit:
    """One column: script words over heard words, and how they differ."""

    op: str  # equal, missing, extra, changed
    script: str
    heard: str


def _tokens(text: str) -> list[str]:
    """Words; a text written without spaces (Chinese) by characters, so it wraps."""
    if any(ch.isspace() for ch in text.strip()):
        return text.split()
    if any(ord(ch) >= 0x2E80 for ch in text):
        return list(text.strip())
    return [text.strip()] if text.strip() else []


def units(diff: list[list[str]] | list[tuple[str, str, str]]) -> list[Unit]:
    """The diff (``[op, script words, heard words]`` runs) as columns: a run
    of equal, missing or extra words becomes a column per word; a changed
    run stays one column (its words stand over what replaced them)."""
    found: list[Unit] = []
    for op, script, heard in diff:
        op = op if op in OPS else "changed"
        if op == "equal":
            found += [Unit(op, word, word) for word in _tokens(script)]
        elif op == "missing":
            found += [Unit(op, word, "") for word in _tokens(script)]
        elif op == "extra":
            found += [Unit(op, "", word) for word in _tokens(heard)]
        else:
            found.append(Unit(op, script.strip(), heard.strip()))
    return found


class AlignedText(QWidget):
    """Script over heard text, word by word, wrapped to the widget's width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.units: list[Unit] = []
        self.labels = (self.tr("Script"), self.tr("Heard"))

    def set_diff(self, diff: list[list[str]] | list[tuple[str, str, str]]) -> None:
        """Show this diff (take QA's aligned words)."""
        self.units = units(diff)
        self.setAccessibleDescription(self.plain())
        self.updateGeometry()
        self.update()

    def marked(self, op: str) -> list[Unit]:
        """The columns shown as ``op`` (missing, extra, changed, equal)."""
        return [unit for unit in self.units if unit.op == op]

    def plain(self) -> str:
        """The two lines as text: [-missing-], {+extra+}, [-said->heard+]."""
        script, heard = [], []
        for unit in self.units:
            if unit.op == "equal":
                script.append(unit.script)
                heard.append(unit.heard)
            elif unit.op == "missing":
                script.append(f"[-{unit.script}-]")
            elif unit.op == "extra":
                heard.append(f"{{+{unit.heard}+}}")
            else:
                script.append(f"[-{unit.script}-]")
                heard.append(f"{{+{unit.heard}+}}")
        return f"{self.labels[0]}: {' '.join(script)}\n{self.labels[1]}: {' '.join(heard)}"

    # ------------------------------------------------------------ layout
    def _fonts(self) -> tuple[QFont, QFont]:
        plain = QFont(self.font())
        bold = QFont(plain)
        bold.setBold(True)
        return plain, bold

    def _label_width(self) -> int:
        metrics = QFontMetrics(self._fonts()[0])
        return max(metrics.horizontalAdvance(label) for label in self.labels) + 2 * _GAP

    def _lines(self, width: int) -> list[list[tuple[int, int, Unit]]]:
        """The columns placed in lines: (x, width, unit) each."""
        metrics = QFontMetrics(self._fonts()[1])  # the widest of the two
        left = self._label_width()
        lines: list[list[tuple[int, int, Unit]]] = [[]]
        x = left
        for unit in self.units:
            wide = max(metrics.horizontalAdvance(unit.script),
                       metrics.horizontalAdvance(unit.heard), 6)
            if lines[-1] and x + wide > width:
                lines.append([])
                x = left
            lines[-1].append((x, wide, unit))
            x += wide + _GAP
        return lines

    def _line_height(self) -> int:
        return 2 * QFontMetrics(self._fonts()[1]).lineSpacing() + _ROW_GAP

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if not self.units:
            return 0
        return len(self._lines(width)) * self._line_height()

    def sizeHint(self) -> QSize:
        return QSize(400, self.heightForWidth(max(self.width(), 400)))

    def minimumSizeHint(self) -> QSize:
        return QSize(100, self.heightForWidth(max(self.width(), 100)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        quiet = palette.color(QPalette.ColorRole.PlaceholderText)
        plain, bold = self._fonts()
        struck = QFont(bold)
        struck.setStrikeOut(True)
        spacing = QFontMetrics(bold).lineSpacing()
        height = self._line_height()
        for n, line in enumerate(self._lines(self.width())):
            top = n * height
            painter.setFont(plain)
            painter.setPen(quiet)
            for row, label in enumerate(self.labels):
                painter.drawText(QRect(0, top + row * spacing, self._label_width(), spacing),
                                 Qt.AlignmentFlag.AlignVCenter, label)
            for x, wide, unit in line:
                above = QRect(x, top, wide, spacing)
                below = QRect(x, top + spacing, wide, spacing)
                color = QColor(_COLORS.get(unit.op, text.name()))
                if unit.op in ("extra", "changed"):  # a tint behind what was heard instead
                    tint = QColor(color)
                    tint.setAlpha(45)
                    painter.fillRect(below, tint)
                if unit.op == "equal":
                    painter.setFont(plain)
                    painter.setPen(text)
                    painter.drawText(above, Qt.AlignmentFlag.AlignLeft, unit.script)
                    painter.setPen(quiet)
                    painter.drawText(below, Qt.AlignmentFlag.AlignLeft, unit.heard)
                    continue
                painter.setPen(color)
                if unit.script:
                    painter.setFont(struck)
                    painter.drawText(above, Qt.AlignmentFlag.AlignLeft, unit.script)
                if unit.heard:
                    painter.setFont(bold)
                    painter.drawText(below, Qt.AlignmentFlag.AlignLeft, unit.heard)
                elif unit.op == "missing":  # nothing heard: a gap, drawn as one
                    y = below.center().y()
                    painter.drawLine(x + 2, y, x + wide - 2, y)
        painter.end()
