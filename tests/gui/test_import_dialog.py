"""Importing a voice is one form: name, transcript, language, and a listen
first (real widgets offscreen, real speech, playback on the ALSA null device)."""

from __future__ import annotations

from studio.core.store import Library


def test_import_form_names_transcribes_and_imports(qtbot, library_dir, clip) -> None:
    from studio.core.planning import ensure_presets
    from studio.ui.main_window import MainWindow

    library = Library.open(library_dir)
    ensure_presets(library)
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    try:
        path = clip(5.0)
        window.voices.import_clip(path)  # as a drop or File > Import does
        dialog = window.voices.import_dialog
        assert dialog.isVisible() and dialog.name.text() == path.stem
        qtbot.waitUntil(lambda: dialog.audio is not None, timeout=10000)
        assert dialog.length.text().startswith("5.0 s")
        if dialog.player.problem is None:
            dialog.toggle_play()
            assert dialog.play_button.text() == "Stop"
            dialog.toggle_play()
            assert dialog.play_button.text() == "Play"

        dialog.name.setText("  ")
        ok = dialog.buttons.buttons()[0]
        assert not ok.isEnabled() and "name" in dialog.problem.text()
        dialog.name.setText("Narrator")
        dialog.transcript.setPlainText("The quick brown fox jumps over the lazy dog.")
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        dialog.accept()
        qtbot.waitUntil(lambda: library.find_voice("Narrator") is not None, timeout=30000)
        voice = library.find_voice("Narrator")
        assert voice.transcript == "The quick brown fox jumps over the lazy dog."
        assert voice.language == "en" and voice.kind == "clone"
        qtbot.waitUntil(lambda: window.voices.import_button.isEnabled(), timeout=10000)
    finally:
        window.close()
        library.close()


def test_menus_show_the_choice_and_help_lists_the_shortcuts(qtbot, library_dir) -> None:
    """The Theme and Language menus check the current choice; F1 lists the keys."""
    from studio.ui.main_window import MainWindow

    library = Library.open(library_dir)
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.theme_actions["system"].isChecked()
        window.theme_actions["dark"].trigger()
        assert window.theme_actions["dark"].isChecked()
        assert not window.theme_actions["system"].isChecked()
        assert window.settings.value("theme") == "dark"
        assert sum(a.isChecked() for a in window.language_actions.values()) == 1
        menus = [a.text() for a in window.menuBar().actions()]
        assert "&Help" in menus
        window.show_shortcuts()
        text = window.help_box.text()
        for keys in ("Space", "Shift+Space", "F2", "Ctrl+E"):
            assert f"<b>{keys}</b>" in text
        window.help_box.close()
        window.set_theme("system")
    finally:
        window.close()
        library.close()
