"""The export dialog's presets are the command line's: choosing one sets
format, sample rate and loudness, and the export is what the preset says
(real dialog offscreen, a project rendered by hand with real speech, files
read back)."""

from __future__ import annotations

import io

import av
import numpy as np
import soundfile as sf
import webvtt

from studio import audio
from studio.core.jobs import JobQueue
from studio.core.planning import ensure_presets, save_take_audio
from studio.core.store import Library
from studio.text import prepare_script

SCRIPT = ("First part.\n\nThe river ran past the mill. It rained.\n\n"
          "Spring came at last, and they left.")


def _rendered(library: Library, speech):
    joe = library.find_voice("joe")
    project = library.sync_project("tale", SCRIPT, joe, prepare_script(SCRIPT).segments).project
    queue = JobQueue(library)
    queue.enqueue([s.id for s in library.segments_to_render(project)], "piper")
    while (job := queue.claim("piper", worker_pid=1)) is not None:
        samples = speech(1.5)
        path = save_take_audio(library, samples, 22050)
        queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=len(samples))
    return project


def test_choosing_a_preset_sets_the_dialog_and_exports_it(qtbot, library_dir, speech,
                                                         tmp_path) -> None:
    from studio.ui.views.export_dialog import ExportDialog

    library = Library.open(library_dir)
    try:
        ensure_presets(library)
        dialog = ExportDialog(library, _rendered(library, speech))
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.export_button.isEnabled()
        dialog.path.setText(str(tmp_path / "tale.wav"))

        dialog.preset.setCurrentIndex(dialog.preset.findData("audiobook"))
        assert dialog.chosen_format() == (".m4b", None)
        assert dialog.rate.currentData() == 44100 and dialog.lufs.value() == -18.0
        assert dialog.path.text() == str(tmp_path / "tale.m4b")
        dialog.srt.setChecked(False)
        dialog.vtt.setChecked(True)
        dialog.export()
        qtbot.waitUntil(lambda: "LUFS" in dialog.summary.text(), timeout=60000)
        assert "3 chapters" in dialog.summary.text()
        with av.open(str(tmp_path / "tale.m4b")) as container:
            assert [c["metadata"]["title"] for c in container.chapters()] == [
                "First part.", "The river ran past the mill.",
                "Spring came at last, and they left."]
            stream = container.streams.audio[0]
            assert (stream.codec_context.name, stream.sample_rate) == ("aac", 44100)
            decoded = np.concatenate([f.to_ndarray()[0] for f in container.decode(stream)])
        assert abs(audio.loudness_lufs(decoded.astype(np.float32), 44100) - (-18.0)) < 1.0
        cues = webvtt.from_buffer(io.StringIO((tmp_path / "tale.vtt").read_text()))
        assert [c.text for c in cues][:2] == ["First part.", "The river ran past the mill."]
        assert not (tmp_path / "tale.srt").exists()

        dialog.preset.setCurrentIndex(dialog.preset.findData("video"))
        assert dialog.chosen_format() == (".wav", 24)
        assert dialog.rate.currentData() == 48000 and dialog.lufs.value() == -16.0
        dialog.lufs.setValue(-20.0)  # a choice made after the preset wins
        dialog.export()
        qtbot.waitUntil(lambda: (tmp_path / "tale.wav").exists() and
                        dialog.export_button.isEnabled(), timeout=60000)
        info = sf.info(str(tmp_path / "tale.wav"))
        assert (info.samplerate, info.subtype) == (48000, "PCM_24")
        samples, rate = sf.read(str(tmp_path / "tale.wav"), dtype="float32")
        assert abs(audio.loudness_lufs(samples, rate) - (-20.0)) < 1.0
        dialog.close()
    finally:
        library.close()
