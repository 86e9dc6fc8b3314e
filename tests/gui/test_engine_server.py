"""The Engine page's HTTP API group: whether ``studio serve`` runs and where,
and the API keys — added through the dialog (shown once, stored hashed),
revoked after a confirmation, a refused name said in the dialog with nothing
written."""

from __future__ import annotations

import os
from typing import Any

import pytest

from studio.core import keys, serving
from studio.core.store import Library


@pytest.fixture
def page(qtbot, library: Library):  # type: ignore[no-untyped-def]
    from studio.ui.views.engine import EngineView

    view = EngineView(library)
    qtbot.addWidget(view)
    return view


def _add_through_dialog(qtbot, page, name: str):  # type: ignore[no-untyped-def]
    page.add_key_button.click()
    dialog = page.key_dialog
    assert dialog.isVisible()
    dialog.name_edit.setText(name)
    dialog.buttons.accepted.emit()
    return dialog


def test_a_key_is_added_shown_once_and_revoked(qtbot: Any, page: Any, library: Library,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox

    assert page.keys.rowCount() == 0
    assert not page.revoke_key_button.isEnabled()
    dialog = _add_through_dialog(qtbot, page, "  pipeline ")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    shown = page.new_key_dialog
    assert shown.isVisible()
    key = shown.key_edit.text()
    assert key.startswith("vs-") and shown.key_edit.isReadOnly()
    assert shown.note.text() == \
        "This key is shown only now. Store it; the studio keeps only a hash."
    shown.copy_button.click()
    assert QGuiApplication.clipboard().text() == key
    shown.close()

    # stored hashed: listed without the secret, and the key shown is accepted
    rows = keys.list_keys(library)
    assert [r["name"] for r in rows] == ["pipeline"]
    assert all(key not in str(v) for v in rows[0].values())
    assert keys.check_key(library, key) is not None
    assert page.keys.rowCount() == 1
    assert page.keys.data(page.keys.index(0, 0)) == "pipeline"
    assert page.keys.data(page.keys.index(0, 2)) == "active"

    # revoke: asks first, naming the key; "No" changes nothing
    asked: list[str] = []

    def question(parent, title, text, *args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", question)
    page.keys_table.selectRow(0)
    assert page.revoke_key_button.isEnabled()
    page.revoke_key_button.click()
    assert "pipeline" in asked[0]
    assert keys.check_key(library, key) is not None
    page.revoke_key_button.click()
    qtbot.waitUntil(lambda: keys.check_key(library, key) is None, timeout=5000)
    qtbot.waitUntil(lambda: page.keys.data(page.keys.index(0, 2)).startswith("revoked"),
                    timeout=5000)
    page.keys_table.selectRow(0)
    assert not page.revoke_key_button.isEnabled()


def test_a_refused_name_is_said_in_the_dialog_and_nothing_is_written(
        qtbot: Any, page: Any, library: Library) -> None:
    dialog = _add_through_dialog(qtbot, page, "no spaces allowed")
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=5000)
    assert "is not a usable key name" in dialog.problem.text()
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    assert keys.list_keys(library) == []

    # a name a live key already has: refused too
    keys.add_key(library, "taken")
    dialog.name_edit.setText("taken")
    assert not dialog.problem.isVisible()  # typing clears the old problem
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=5000)
    assert "already a key named 'taken'" in dialog.problem.text()
    assert len(keys.list_keys(library)) == 1
    dialog.reject()
    assert not dialog.isVisible()
    assert not hasattr(page, "new_key_dialog")


def test_the_status_line_says_whether_the_server_runs(page: Any, library: Library) -> None:
    page.refresh()
    assert "not running" in page.server_label.text()
    assert "studio serve" in page.server_label.text()

    serving.announce(library.root, "127.0.0.1", 8123)  # this process: a live pid
    try:
        page.refresh()
        text = page.server_label.text()
        assert text.startswith("API server running at http://127.0.0.1:8123 ")
        assert f"pid {os.getpid()}" in text
    finally:
        serving.withdraw(library.root)
    page.refresh()
    assert "not running" in page.server_label.text()
