"""Pronunciation in the window: the lexicon page (add, refuse, import,
export, the segments an entry reaches), "Pronounce as…" on a segment, and
markup highlighted and checked in the Script tab. Real widgets offscreen,
a real library; only the preview test renders (Piper, in the helper process)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from studio.core.store import Library
from studio.text.lexicon import Entry
from studio.ui.views.lexicon_dialog import EntryDialog
from tests.gui.helpers import make_project, show_window

SCRIPT = ("Doctor Nguyen opened the door. The rain kept falling on the roof. "
          "Nguyen's sister waved from the car.")


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Let pool tasks deliver their results before the test closes the library."""
    from studio.ui import tasks as qt_tasks

    qtbot.waitUntil(lambda: not qt_tasks._running, timeout=60000)


def _page(qtbot, library: Library):  # type: ignore[no-untyped-def]
    make_project(library, "Tale", script=SCRIPT)
    window = show_window(qtbot, library)
    window.show_view("pronunciation")
    return window, window.pronunciation


def _box(widget) -> QMessageBox:  # type: ignore[no-untyped-def]
    boxes = [b for b in widget.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def test_add_an_entry_counts_its_segments_and_changes_their_speech(qtbot, library) -> None:
    window, page = _page(qtbot, library)
    page.buttons["add"].click()
    dialog = page.dialog
    assert isinstance(dialog, EntryDialog) and dialog.isVisible()
    dialog.term.setText("Nguyen")
    dialog.alias.setText("new-win")
    dialog.phonemes.setText("ˈnwɪən")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: [r["count"] for r in page.model.rows] == [2], timeout=10000)
    row = page.model.rows[0]
    assert (row["term"], row["said"], row["exact"]) == ("Nguyen", "new-win · /ˈnwɪən/", "")
    project = library.find_project("Tale")
    assert project is not None
    speech = [s.speech for s in library.segments(project.id)]
    assert speech[0].startswith("Doctor [[ˈnwɪən|new-win]] opened")
    assert "Nguyen" not in speech[0] and "Nguyen" not in speech[2]
    assert speech[1] == library.segments(project.id)[1].text  # no Nguyen: as it was
    qtbot.waitUntil(lambda: "2 segments now said differently"
                    in window.statusBar().currentMessage(), timeout=5000)
    # the segments it reaches, and a double-click goes to one in Projects
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.reached.rowCount() == 2, timeout=5000)
    assert [r["number"] for r in page.reached.rows] == [1, 3]
    third = page.reached.rows[1]["id"]
    page._go_to(page.reached.index(1, 2))
    assert window.current_view() == "projects"
    assert window.projects.current_id() == third
    _settle(qtbot)


def test_a_bad_phoneme_string_is_refused_in_the_dialog(qtbot, library) -> None:
    page = _page(qtbot, library)[1]
    page.add()
    dialog = page.dialog
    dialog.term.setText("Nguyen")
    dialog.phonemes.setText("nw1ən]")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and dialog.entry is None
    assert dialog.problem.isVisible()
    assert "not phonemes" in dialog.problem.text() and "1" in dialog.problem.text()
    dialog.term.setText("")  # an empty word: refused too, and the old reason goes
    dialog.phonemes.setText("nwɪən")
    assert not dialog.problem.isVisible()
    dialog.buttons.accepted.emit()
    assert "no word" in dialog.problem.text()
    dialog.reject()
    _settle(qtbot)
    assert library.lexicon_entries(None) == []


def test_a_malformed_pls_changes_nothing(qtbot, library, tmp_path: Path) -> None:
    library.set_lexicon([Entry("Nguyen", "new-win")])
    page = _page(qtbot, library)[1]
    bad = tmp_path / "names.pls"
    bad.write_text('<?xml version="1.0"?>\n<lexicon version="1.0">\n'
                   "  <lexeme><grapheme>Siobhan</grapheme><alias>shivawn</alias>\n"
                   "</lexicon>\n")
    page.import_file(bad)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in page.findChildren(QMessageBox)),
                    timeout=10000)
    message = _box(page).text()
    assert message.startswith("names.pls, line 4, column") and "\n" not in message
    _settle(qtbot)
    assert library.lexicon_entries(None) == [Entry("Nguyen", "new-win")]


def test_export_then_import_round_trips(qtbot, library, tmp_path: Path) -> None:
    entries = [Entry("Nguyen", "new-win", "ˈnwɪən"), Entry("SQL", "sequel", "", True)]
    library.set_lexicon(entries)
    window, page = _page(qtbot, library)
    assert {r["term"] for r in page.model.rows} == {"Nguyen", "SQL"}
    for suffix in (".pls", ".csv"):
        # as they were before the last import (PLS made every term exact-case)
        library.set_lexicon(entries, remove=sorted({e.term for e in
                                                    library.lexicon_entries(None)}))
        page.refresh()
        path = tmp_path / f"lexicon{suffix}"
        page.export_file(path)
        qtbot.waitUntil(path.exists, timeout=10000)
        _settle(qtbot)
        library.set_lexicon([], remove=["Nguyen", "SQL"])
        page.refresh()
        assert page.model.rows == []
        page.import_file(path)
        qtbot.waitUntil(lambda: len(library.lexicon_entries(None)) == 2, timeout=10000)
        got = sorted(library.lexicon_entries(None), key=lambda e: e.term)
        if suffix == ".csv":
            assert got == entries
        else:  # PLS has no notion of case: its terms come back as spelled, exact case
            assert [(e.term, e.alias, e.phonemes, e.case_sensitive) for e in got] == \
                [(e.term, e.alias, e.phonemes, True) for e in entries]
        qtbot.waitUntil(lambda: "2 entries imported" in window.statusBar().currentMessage(),
                        timeout=5000)
    # into a project's own lexicon: the scope picker
    page.scope_box.setCurrentIndex(page.scope_box.findText("Tale"))
    assert page.model.rows == []
    page.import_file(tmp_path / "lexicon.csv")
    project = library.find_project("Tale")
    assert project is not None
    qtbot.waitUntil(lambda: len(library.lexicon_entries(project.id)) == 2, timeout=10000)
    _settle(qtbot)


def test_the_script_tab_marks_a_bad_pause_where_it_is(qtbot, library) -> None:
    window = _page(qtbot, library)[0]
    window.show_view("projects")
    projects = window.projects
    projects.tabs.setCurrentWidget(projects.script_page)
    editor, checker = projects.script, projects.script_check
    assert editor.toPlainText() == SCRIPT and checker.error is None
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    cursor.insertText("\nThe wait is [pause 45s] long.")  # as if typed: the check waits
    assert checker.timer.isActive() and checker.error is None
    qtbot.waitUntil(lambda: checker.error is not None, timeout=3000)
    text = editor.toPlainText()
    start = text.index("[pause 45s]")
    message, index = checker.error
    assert index == start
    assert message.startswith("line 2, column 13: a pause of 45 s is over the maximum")
    [selection] = editor.extraSelections()
    assert (selection.cursor.selectionStart(), selection.cursor.selectionEnd()) == \
        (start, start + len("[pause 45s]"))
    assert selection.format.underlineStyle() == selection.format.UnderlineStyle.WaveUnderline
    assert projects.script_problem.isVisible()
    assert "line 2, column 13" in projects.script_problem.text()
    # Apply refuses with the same message, writes nothing, leaves no undo step
    steps = window.undo.count()
    projects.apply_button.click()
    assert message in _box(projects).text()
    _settle(qtbot)
    assert library.find_project("Tale").script == SCRIPT  # type: ignore[union-attr]
    assert window.undo.count() == steps
    # fixed: the underline and the message go
    found = editor.document().find("45s")
    found.insertText("1.5s")
    qtbot.waitUntil(lambda: checker.error is None, timeout=3000)
    assert editor.extraSelections() == [] and not projects.script_problem.isVisible()


def test_the_highlighter_marks_a_tag(qtbot, library) -> None:
    window = _page(qtbot, library)[0]
    window.show_view("projects")
    editor = window.projects.script
    editor.setPlainText('Wait [pause 1s] here, <break time="300ms"/> then go.')
    ranges = editor.document().firstBlock().layout().formats()
    marked = sorted((r.start, r.start + r.length) for r in ranges)
    assert marked == [(5, 15), (22, 43)]
    assert ranges[0].format.foreground().color() == \
        editor.palette().color(editor.palette().ColorRole.Link)
    assert window.projects.script_check.error is None  # loaded text is not re-checked


def test_pronounce_as_opens_with_the_word_and_saves_to_the_project(qtbot, library) -> None:
    window = _page(qtbot, library)[0]
    window.show_view("projects")
    projects = window.projects
    first = projects.segments.rows[0]["id"]
    menu = projects.segment_menu(first)
    [submenu] = [a.menu() for a in menu.actions() if a.menu() is not None]
    assert submenu.title() == "Pronounce as…"
    words = [a.text() for a in submenu.actions() if not a.isSeparator()]
    assert words[:5] == ["Doctor", "Nguyen", "opened", "the", "door"]
    next(a for a in submenu.actions() if a.text() == "Nguyen").trigger()
    dialog = projects.dialog
    assert isinstance(dialog, EntryDialog) and dialog.isVisible()
    assert dialog.term.text() == "Nguyen"
    assert dialog.preview_note.text() == "Says: “Doctor Nguyen opened the door.”"
    project = library.find_project("Tale")
    assert project is not None
    assert dialog.scope() == project.id  # the project's lexicon first; the library's a choice
    assert dialog.scope_box.count() == 2
    dialog.alias.setText("new-win")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: library.lexicon_entries(project.id) == [Entry("Nguyen", "new-win")],
                    timeout=10000)
    assert library.lexicon_entries(None) == []
    qtbot.waitUntil(lambda: "2 segments now said differently"
                    in window.statusBar().currentMessage(), timeout=5000)
    menu.deleteLater()
    _settle(qtbot)


def test_preview_speaks_the_word_the_new_way(qtbot, library) -> None:
    window = _page(qtbot, library)[0]
    window.show_view("projects")
    projects = window.projects
    projects.pronounce(projects.segments.rows[0]["id"], "Nguyen")
    dialog = projects.dialog
    assert dialog.preview_button.isEnabled()
    dialog.phonemes.setText("ˈnwɪən")
    dialog.preview()
    assert not dialog.preview_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.last_preview is not None, timeout=90000)
    samples, rate = dialog.last_preview
    assert rate == 22050 and 0.8 < len(samples) / rate < 6  # type: ignore[arg-type]
    assert dialog.preview_button.isEnabled() and not dialog.problem.isVisible()
    dialog.reject()
    _settle(qtbot)
    assert library.lexicon_entries(None) == []


def test_a_locked_segment_keeps_what_it_said_and_remove_undoes_it(qtbot, library) -> None:
    from studio.core.review import set_locked

    project = make_project(library, "Tale", script=SCRIPT)
    first, _second, third = library.segments(project.id)
    set_locked(library, first.id, True)
    window = show_window(qtbot, library)
    window.show_view("pronunciation")
    page = window.pronunciation
    page.add()
    page.dialog.term.setText("nguyen")
    page.dialog.alias.setText("new-win")
    page.dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "1 segment now said differently · 1 locked segment keeps what it "
                    "said" in window.statusBar().currentMessage(), timeout=10000)
    assert library.segment(first.id).speech == first.speech  # the lock kept it
    assert "new-win" in library.segment(third.id).speech
    qtbot.waitUntil(lambda: [r["count"] for r in page.model.rows] == [2], timeout=5000)
    page.table.selectRow(0)
    page.buttons["remove"].click()
    qtbot.waitUntil(lambda: library.lexicon_entries(None) == [], timeout=10000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith(
        "1 removed · 1 segment now said differently"), timeout=5000)
    assert library.segment(third.id).speech == third.speech
    qtbot.waitUntil(lambda: page.model.rows == [], timeout=5000)
    _settle(qtbot)
