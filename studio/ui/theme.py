"""Light or dark, following the system unless the user chose.

Where the platform reports its color scheme, "system" follows it (and its
changes); Fusion with a dark palette gives the same dark look everywhere,
including platforms that report none (offscreen screenshots).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style."""
    palette = QPalette()
    role = QPalette.ColorRole
    for which, color in (
        (role.Window, "#2b2b2b"), (role.WindowText, "#e6e6e6"), (role.Base, "#1f1f1f"),
        (role.AlternateBase, "#2f2f2f"), (role.ToolTipBase, "#3a3a3a"),
        (role.ToolTipText, "#e6e6e6"), (role.Text, "#e6e6e6"), (role.Button, "#353535"),
        (role.ButtonText, "#e6e6e6"), (role.BrightText, "#ff6b6b"), (role.Link, "#6cb4ff"),
        (role.Highlight, "#3d7bd9"), (role.HighlightedText, "#ffffff"),
        (role.Mid, "#555555"), (role.PlaceholderText, "#8a8a8a"),
    ):
        palette.setColor(which, QColor(color))
    for which in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, which, QColor("#7a7a7a"))
    return palette


def apply(app: QApplication, theme: str = "system") -> str:
    """Apply ``theme``; returns the scheme in force ("light" or "dark")."""
    if theme == "system":
        dark = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    else:
        dark = theme == "dark"
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    return "dark" if dark else "light"


def follow_system(app: QApplication, theme: str) -> None:
    """Re-apply when the system switches between light and dark."""
    if theme == "system":
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply(app, "system"))
