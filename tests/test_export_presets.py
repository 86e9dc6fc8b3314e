"""Export presets and formats end to end: a small project rendered by hand
(the queue stepped with real speech, as a worker would), exported by the real
``studio export`` to MP3, M4B with chapters and 24-bit 48 kHz WAV, and every
file read back: duration, sample rate, loudness, chapters, subtitles."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest
import soundfile as sf
import srt
import webvtt

from studio import audio
from studio.core.export import Cue, ExportSettings, chapters
from studio.core.jobs import JobQueue
from studio.core.planning import save_take_audio
from studio.core.presets import PRESETS, resolve
from studio.core.store import Library, Segment
from studio.errors import UserError
from studio.text import prepare_script
from tests.conftest import snapshot

SCRIPT = """Chapter One

The river ran past the old mill. The travellers counted their coins.

Chapter Two

Dr. Hale said it would last until spring. Nobody believed him, and they walked on."""


@pytest.fixture
def rendered(library: Library, speech):
    """Project ``book``, every segment with a current take of real speech."""
    joe = library.find_voice("joe")
    project = library.sync_project("book", SCRIPT, joe, prepare_script(SCRIPT).segments).project
    queue = JobQueue(library)
    queue.enqueue([s.id for s in library.segments_to_render(project)], "piper")
    lengths = iter([1.2, 2.0, 2.5, 1.1, 2.2, 3.0])
    while (job := queue.claim("piper", worker_pid=1)) is not None:
        samples = speech(next(lengths))
        path = save_take_audio(library, samples, 22050)
        queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=len(samples))
    assert not library.not_done(project)
    return project


def _lufs(samples: np.ndarray, rate: int) -> float:
    return audio.loudness_lufs(np.asarray(samples, np.float32), rate)


def test_presets_export_mp3_m4b_and_24_bit_wav_that_read_back(studio, rendered, library,
                                                              tmp_path) -> None:
    # video: no --out, so the preset's format in exports/
    video = studio("export", "book", "--preset", "video")
    assert video.returncode == 0, video.stderr
    wav = library.path("exports/book.wav")
    assert video.stdout.split() == [str(wav)]
    info = sf.info(str(wav))
    assert (info.samplerate, info.subtype, info.channels) == (48000, "PCM_24", 1)
    samples, rate = sf.read(str(wav), dtype="float32")
    assert abs(_lufs(samples, rate) - PRESETS["video"].lufs) < 1.0
    duration = len(samples) / rate
    assert 12.0 < duration < 20.0

    # podcast: MP3 at 44.1 kHz, 96 kb/s constant, -16 LUFS, with SRT and WebVTT
    mp3, srt_path, vtt_path = tmp_path / "pod.mp3", tmp_path / "pod.srt", tmp_path / "pod.vtt"
    pod = studio("export", "book", "--preset", "podcast", "--out", mp3, "--srt", srt_path,
                 "--vtt", vtt_path)
    assert pod.returncode == 0, pod.stderr
    assert pod.stdout.split() == [str(mp3), str(srt_path), str(vtt_path)]
    samples, rate = audio.read_audio(mp3)
    assert rate == 44100 and abs(len(samples) / rate - duration) < 0.05
    assert abs(_lufs(samples, rate) - (-16.0)) < 1.0
    assert abs(mp3.stat().st_size * 8 / duration / 1000 - 96) < 4
    subs = list(srt.parse(srt_path.read_text()))
    vtt = list(webvtt.from_buffer(io.StringIO(vtt_path.read_text())))
    assert [s.content for s in subs] == [c.text for c in vtt]
    assert subs[0].content == "Chapter One" and len(subs) == 6
    assert all(len(line) <= 42 for s in subs for line in s.content.split("\n"))

    # audiobook: M4B, AAC, a chapter per heading, -18 LUFS, peaks under -3 dBFS
    m4b = tmp_path / "book.m4b"
    book = studio("export", "book", "--preset", "audiobook", "--out", m4b)
    assert book.returncode == 0, book.stderr
    assert "2 chapters" in book.stderr
    with av.open(str(m4b)) as container:
        assert container.metadata["major_brand"] == "M4B "
        assert container.metadata["title"] == "book"
        stream = container.streams.audio[0]
        assert (stream.codec_context.name, stream.sample_rate) == ("aac", 44100)
        assert abs(container.duration / av.time_base - duration) < 0.05
        marks = [(float(c["start"] * c["time_base"]), float(c["end"] * c["time_base"]),
                  c["metadata"]["title"]) for c in container.chapters()]
        decoded = np.concatenate([f.to_ndarray()[0] for f in container.decode(stream)])
    assert [m[2] for m in marks] == ["Chapter One", "Chapter Two"]
    assert marks[0][0] == 0 and marks[0][1] == marks[1][0] and abs(marks[1][1] - duration) < 0.05
    # chapter two starts where its heading is spoken (the fourth cue)
    assert abs(marks[1][0] - subs[3].start.total_seconds()) < 0.01
    assert abs(_lufs(decoded, 44100) - (-18.0)) < 1.0
    # The studio limits the programme to -3 dBFS before encoding (checked on the same
    # preset written as WAV); AAC at 64 kb/s overshoots that by a varying amount
    # (-2.3 to -2.9 dBFS decoded over 8 renders here), so the decoded file is only
    # required not to clip. A true-peak limiter would bound the overshoot too.
    assert np.max(np.abs(decoded)) < 1.0
    pcm = tmp_path / "book-pcm.wav"
    assert studio("export", "book", "--preset", "audiobook", "--out", pcm).returncode == 0
    limited, _ = sf.read(str(pcm), dtype="float32")
    assert 20 * np.log10(np.max(np.abs(limited))) <= -3.0 + 0.05

    # explicit options override the preset's
    over = studio("export", "book", "--preset", "podcast", "--rate", "48000", "--lufs", "-20",
                  "--out", tmp_path / "over.mp3")
    assert over.returncode == 0, over.stderr
    samples, rate = audio.read_audio(tmp_path / "over.mp3")
    assert rate == 48000 and abs(_lufs(samples, rate) - (-20.0)) < 1.0


@pytest.mark.parametrize(("args", "message"), [
    (["--preset", "radio"],
     "studio: no export preset named 'radio': choose one of: video, podcast, audiobook"),
    (["--out", "x.ogg"], "studio: cannot write x.ogg: unknown audio format .ogg: name the "
                         "output .wav, .flac, .mp3, .m4b, .m4a"),
    (["--preset", "podcast", "--rate", "96000"],
     "studio: cannot write MP3 at 96000 Hz: choose one of 8000, 11025, 12000, 16000, 22050, "
     "24000, 32000, 44100, 48000 Hz"),
])
def test_bad_export_options_are_one_line_exit_2_and_write_nothing(studio, rendered, library,
                                                                   library_dir, tmp_path, args,
                                                                   message) -> None:
    before = snapshot(library_dir)
    run = studio("export", "book", *args, "--srt", tmp_path / "x.srt")
    assert run.returncode == 2 and run.stdout == ""
    assert run.error_lines == [message]
    assert snapshot(library_dir) == before
    assert not (tmp_path / "x.srt").exists() and not (tmp_path / "x.ogg").exists()


def test_resolve_lets_explicit_choices_win_and_keeps_bits_to_the_presets_format() -> None:
    suffix, settings = resolve("video", suffix=".flac")
    assert suffix == ".flac" and settings.sample_rate == 48000 and settings.bits is None
    suffix, settings = resolve("audiobook", lufs=-20.0)
    assert (suffix, settings.lufs, settings.kbps, settings.peak_db) == (".m4b", -20.0, 64, -3.0)
    suffix, settings = resolve(None)
    assert (suffix, settings) == (".wav", ExportSettings())
    with pytest.raises(UserError, match="choose one of: video, podcast, audiobook"):
        resolve("Video")


def _cue(paragraph: int, source: str, start: float, end: float) -> Cue:
    segment = Segment(id=0, project_id=0, position=0, paragraph=paragraph, text=source,
                      source=source, language="en", pause="sentence", voice_id=None,
                      locked=False, current_take_id=None, approved_take_id=None,
                      chosen_take_id=None, state="rendered", done=True, qa=None)
    return Cue(segment, start, end)


def test_chapters_are_paragraphs_or_headings() -> None:
    plain = [_cue(0, "The river ran past the old mill for many miles, slowly.", 0.25, 3.0),
             _cue(0, "It rained.", 3.5, 4.5),
             _cue(1, "Spring came.", 5.5, 6.5)]
    assert chapters(plain, 7.0) == [
        audio.Chapter(0.0, 5.5, "The river ran past the old mill for…"),
        audio.Chapter(5.5, 7.0, "Spring came."),
    ]
    headed = [_cue(0, "Foreword by the author, who wrote it.", 0.25, 2.0),
              _cue(1, "Part One", 3.0, 3.8),
              _cue(2, "The river ran.", 4.8, 6.0),
              _cue(3, "It rained.", 7.0, 8.0),
              _cue(4, "Part Two — Spring", 9.0, 10.0),
              _cue(5, "Spring came.", 11.0, 12.0)]
    assert chapters(headed, 13.0) == [
        audio.Chapter(0.0, 3.0, "Foreword by the author, who wrote it."),
        audio.Chapter(3.0, 9.0, "Part One"),
        audio.Chapter(9.0, 13.0, "Part Two — Spring"),
    ]


@pytest.mark.slow  # `make test-slow`: the fast run keeps one of its kind
def test_render_takes_the_same_preset(studio, library_dir, tmp_path) -> None:
    """`studio render` with the real engine: the preset's format lands in exports/."""
    script = tmp_path / "short.txt"
    script.write_text("One line here.\n\nAnd a second paragraph.", encoding="utf-8")
    run = studio("render", script, "--preset", "audiobook", "--vtt", tmp_path / "short.vtt",
                 "--no-progress")
    assert run.returncode == 0, run.stderr
    m4b = library_dir / "exports" / "short.m4b"
    assert run.stdout.split() == [str(m4b), str(tmp_path / "short.vtt")]
    assert "44100 Hz" in run.stderr and "2 chapters" in run.stderr
    with av.open(str(m4b)) as container:
        assert len(container.chapters()) == 2
        assert container.streams.audio[0].sample_rate == 44100
