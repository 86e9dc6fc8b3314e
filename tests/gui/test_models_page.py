"""The Models page downloads, verifies and removes models like `studio models`,
here from a real HTTP server on loopback; the Voices and Projects pages say
which backend speaks each voice, and refuse to render a clone that cannot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from studio.core.store import Library
from tests.gui.test_main_window import _settle, _window
from tests.model_server import FakeRepo, ModelServer, write_manifest


@pytest.fixture
def served(tmp_path, monkeypatch):
    repo = FakeRepo("acme/tiny-tts", "0123abcd", {
        "config.yaml": b"sample_rate: 24000\n", "weights.bin": os.urandom(2_500_000)})
    with ModelServer(repo) as server:
        manifest = write_manifest(tmp_path, repo.manifest("tiny", server.endpoint))
        monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
        monkeypatch.setenv("STUDIO_MODEL_MANIFEST", str(manifest))
        yield repo


def state(page) -> str:
    return page.model.rows[0]["state"]


def test_download_verify_and_remove_from_the_models_page(qtbot, library_dir, served,
                                                         tmp_path, monkeypatch):
    window, library = _window(library_dir, qtbot)
    try:
        window.show_view("models")
        page = window.views["models"]
        assert [r["name"] for r in page.model.rows] == ["tiny"] and state(page) == "absent"
        assert page.download_button.isEnabled() and not page.remove_button.isEnabled()

        served.cut_after["weights.bin"] = 1_000_000  # the connection drops mid-file
        monkeypatch.setattr(page, "show_error", lambda err, details="": errors.append(err))
        errors: list[Exception] = []
        page.download_button.click()
        qtbot.waitUntil(lambda: not page._busy, timeout=30000)
        assert "interrupted" in str(errors[-1]) and state(page) == "downloading"

        page.download_button.click()  # resumes
        qtbot.waitUntil(lambda: state(page) == "installed", timeout=30000)
        assert ("weights.bin", "bytes=1000000-") in served.requests
        assert not page.download_button.isEnabled() and page.verify_button.isEnabled()

        weights = Path(tmp_path / "models" / "tiny" / "weights.bin")
        data = bytearray(weights.read_bytes())
        data[10] ^= 1
        weights.write_bytes(bytes(data))
        page.verify_button.click()
        qtbot.waitUntil(lambda: not page._busy, timeout=30000)
        assert "weights.bin: checksum" in str(errors[-1])

        monkeypatch.setattr(QMessageBox, "question",
                            lambda *a, **k: QMessageBox.StandardButton.Yes)
        page.remove_button.click()
        qtbot.waitUntil(lambda: state(page) == "absent", timeout=30000)
        assert not (tmp_path / "models" / "tiny").exists()
    finally:
        _settle(qtbot)
        window.close()
        library.close()


def test_a_clone_without_its_backend_says_so_and_does_not_render(qtbot, library_dir,
                                                                  tmp_path, clip,
                                                                  monkeypatch):
    """A project made where the cloning backend ran (here: the stand-in runtime,
    see tests/test_backend_cosyvoice2.py), opened where its model is gone."""
    import shutil

    from studio.core.planning import plan_project
    from studio.core.prompts import import_voice
    from tests.test_backend_cosyvoice2 import STANDIN, make_model_dir

    monkeypatch.syspath_prepend(str(STANDIN))
    model = make_model_dir(tmp_path / "models" / "cosyvoice2-0.5b")
    with Library.open(library_dir) as library:
        library.set_setting("cosyvoice2.model_dir", str(model))
        library.set_setting("cosyvoice2.device", "cpu")
        import_voice(library, "Narrator", clip(5.0), "The quick brown fox.")
        plan_project(library, "A line for the cloned voice.", "cloned", "Narrator")
        plan_project(library, "A line for the preset voice.", "preset", "joe")
    shutil.rmtree(model)

    window, library = _window(library_dir, qtbot)
    try:
        row = next(r for r in window.voices.model.rows if r["name"] == "Narrator")
        assert row["backend"].startswith("cosyvoice2 (zero-shot)")
        assert "cannot render here" in row["backend"]
        # the user's words: one reason and one next step, no commands
        assert row["tooltip"] == ("This cloned voice needs the CosyVoice2 model, and the model "
                                  "folder set for it does not exist. Restore that folder, or "
                                  "use a preset voice.")
        joe = next(r for r in window.voices.model.rows if r["name"] == "joe")
        assert joe["backend"] == "piper (preset)" and not joe["tooltip"]

        window.show_view("projects")
        projects = window.projects
        names = [r["name"] for r in projects.projects.rows]
        projects.project_list.setCurrentIndex(projects.projects.index(names.index("cloned"), 0))
        projects.refresh()
        assert "Narrator · cosyvoice2" in projects.voice_label.text()
        assert not projects.render_button.isEnabled()
        assert projects.render_button.toolTip() == row["tooltip"]
        projects.set_script("cloned", "A new line for the cloned voice.")  # needs its backend
        box = next(b for b in projects.findChildren(QMessageBox) if b.isVisible())
        assert box.text() == row["tooltip"]  # the same words, not the command line's
        box.close()

        projects.project_list.setCurrentIndex(projects.projects.index(names.index("preset"), 0))
        projects.refresh()
        assert "joe · piper" in projects.voice_label.text()
        assert projects.render_button.isEnabled()
    finally:
        _settle(qtbot)
        window.close()
        library.close()
