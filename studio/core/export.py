"""Export a project: its current takes joined into one loudness-normalized
file, and SubRip subtitles timed from the same joins.

Each take's leading and trailing silence is trimmed so the pauses between
segments are the studio's, chosen by punctuation and paragraph; every join
gets a short raised-cosine fade so no join clicks. The whole programme is
then normalized to the loudness target (ITU-R BS.1770, −16 LUFS by default)
with peaks limited under −1.5 dBFS. Audio and subtitles are written to temp
names and renamed, so an interrupted export never leaves half a file.
"""

from __future__ import annotations

import datetime
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import srt

from studio import audio
from studio.core.store import Library, Project, Segment
from studio.errors import UserError
from studio.fsutil import check_writable_file, write_bytes_atomic
from studio.text.segment import Pause

DEFAULT_PAUSES = {
    Pause.BREATH.value: 0.12,
    Pause.COMMA.value: 0.25,
    Pause.CLAUSE.value: 0.35,
    Pause.SENTENCE.value: 0.5,
    Pause.PARAGRAPH.value: 1.0,
    Pause.END.value: 0.0,
}


@dataclass(frozen=True)
class ExportSettings:
    """How a project is exported."""

    lufs: float = -16.0
    sample_rate: int | None = None  # None: the takes' own rate
    pauses: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PAUSES))
    fade_s: float = 0.008
    lead_in_s: float = 0.25
    tail_s: float = 0.5


@dataclass(frozen=True)
class Cue:
    """Where a segment sits in the exported audio."""

    segment: Segment
    start_s: float
    end_s: float


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote and measured."""

    audio_path: Path
    srt_path: Path | None
    duration_s: float
    lufs: float
    peak_db: float
    cues: tuple[Cue, ...]


def check_output_path(path: Path, what: str = "output") -> Path:
    """Resolve and test an output path before any work is done.

    Raises :class:`UserError` for an unknown format or an unwritable place.
    """
    path = Path(path).expanduser()
    if what == "output" and path.suffix.lower() not in audio.EXPORT_FORMATS:
        raise UserError(
            f"cannot write {path.name}: unknown audio format {path.suffix or '(none)'}",
            "name the output .wav or .flac",
        )
    try:
        check_writable_file(path)
    except OSError as err:
        raise UserError(
            f"cannot write the {what} file {path} ({err.strerror or err})",
            "choose a folder you can write to",
        ) from None
    return path


_WHY = {
    "stale": "its take is for other text or another voice",
    "pending": "never rendered",
    "queued": "waiting to render",
    "rendering": "rendering now",
    "failed": "its render failed",
}


class NotRendered(UserError):
    """A project with segments that are not done cannot be exported: the
    audio would not match the script. ``segments`` are the ones to render."""

    def __init__(self, project: Project, segments: list[Segment]) -> None:
        self.segments = segments
        listed = "; ".join(
            f"{s.number} ({'locked, and ' if s.locked else ''}{_WHY.get(s.state, s.state)})"
            for s in segments[:5]
        ) + (f"; and {len(segments) - 5} more" if len(segments) > 5 else "")
        locked = [s for s in segments if s.locked]
        fix = f"render them first: studio render --project {_quote(project.name)}"
        if locked:
            fix += (f" (locked segments are never re-rendered: unlock "
                    f"{', '.join(str(s.number) for s in locked[:5])} first)")
        super().__init__(
            f"project {project.name!r} has {len(segments)} segment(s) without a current "
            f"take: {listed}",
            fix,
        )


def _quote(name: str) -> str:
    return name if name.replace("-", "").replace("_", "").isalnum() else repr(name)


def check_exportable(library: Library, project: Project) -> None:
    """Raise :class:`NotRendered` unless every segment is done."""
    missing = library.not_done(project)
    if missing:
        raise NotRendered(project, missing)


def assemble(
    library: Library,
    project: Project,
    settings: ExportSettings,
    *,
    start: int = 0,
    count: int | None = None,
    skip_missing: bool = False,
) -> tuple[audio.Audio, int, list[Cue]]:
    """Join the project's current takes with pauses and fades (not normalized).

    ``start`` and ``count`` select segments by position (for "play from
    here"); ``skip_missing`` leaves out segments that are not done instead
    of refusing (:class:`NotRendered`): stale audio is never played or
    exported as if it were current.
    """
    pairs = library.current_takes(project.id)[start:]
    pairs = pairs[:count] if count is not None else pairs
    if skip_missing:
        pairs = [(seg, take) for seg, take in pairs if take is not None]
    missing = [seg for seg, take in pairs if take is None]
    if missing:
        raise NotRendered(project, missing)
    rates = {take.sample_rate for _, take in pairs if take}
    rate = settings.sample_rate or max(rates, default=22050)
    pieces: list[audio.Audio] = [np.zeros(int(settings.lead_in_s * rate), dtype=np.float32)]
    cues: list[Cue] = []
    cursor = len(pieces[0])
    for segment, take in pairs:
        assert take is not None
        samples, take_rate = audio.read_audio(library.path(take.path))
        samples = audio.resample(samples, take_rate, rate)
        samples = audio.trim_silence(samples, rate, pad_s=0.02)
        samples = audio.fade(samples, rate, settings.fade_s, settings.fade_s)
        cues.append(Cue(segment, cursor / rate, (cursor + len(samples)) / rate))
        pause = settings.pauses.get(segment.pause, settings.pauses[Pause.SENTENCE.value])
        gap = np.zeros(int(pause * rate), dtype=np.float32)
        pieces += [samples, gap]
        cursor += len(samples) + len(gap)
    pieces.append(np.zeros(int(settings.tail_s * rate), dtype=np.float32))
    return np.concatenate(pieces), rate, cues


def subtitles(cues: list[Cue], width: int = 42) -> str:
    """SubRip text: one cue per segment, its written text wrapped to two-ish lines."""
    items = [
        srt.Subtitle(
            index=i,
            start=datetime.timedelta(seconds=cue.start_s),
            end=datetime.timedelta(seconds=cue.end_s),
            content="\n".join(textwrap.wrap(cue.segment.source, width)) or cue.segment.text,
        )
        for i, cue in enumerate(cues, start=1)
    ]
    return str(srt.compose(items, reindex=False))


def export_project(
    library: Library,
    project: Project,
    out: Path,
    srt_path: Path | None = None,
    settings: ExportSettings | None = None,
) -> ExportResult:
    """Write the project's audio to ``out`` (WAV or FLAC) and, if asked, its SRT."""
    settings = settings or ExportSettings()
    out = check_output_path(out)
    if srt_path is not None:
        srt_path = check_output_path(srt_path, "subtitle")
    if not library.segments(project.id):
        raise UserError(f"project {project.name!r} has no segments to export",
                        "give it a script first")
    samples, rate, cues = assemble(library, project, settings)
    samples, lufs = audio.normalize_loudness(samples, rate, settings.lufs)
    audio.write_audio(out, samples, rate)
    if srt_path is not None:
        write_bytes_atomic(srt_path, subtitles(cues).encode("utf-8"))
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    return ExportResult(
        audio_path=out,
        srt_path=srt_path,
        duration_s=len(samples) / rate,
        lufs=lufs,
        peak_db=20 * np.log10(max(peak, 1e-9)),
        cues=tuple(cues),
    )


def export_segments(
    library: Library,
    project: Project,
    folder: Path,
    suffix: str = ".wav",
    settings: ExportSettings | None = None,
) -> list[Path]:
    """One file per segment (``001.wav``, …), each trimmed, faded and
    normalized to the loudness target on its own, written atomically."""
    settings = settings or ExportSettings()
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    check_output_path(folder / f"probe{suffix}")
    check_exportable(library, project)
    pairs = library.current_takes(project.id)
    written = []
    width = max(3, len(str(len(pairs))))
    for number, (_segment, take) in enumerate(pairs, start=1):
        assert take is not None
        samples, rate = audio.read_audio(library.path(take.path))
        target_rate = settings.sample_rate or rate
        samples = audio.resample(samples, rate, target_rate)
        samples = audio.fade(audio.trim_silence(samples, target_rate, pad_s=0.02),
                             target_rate, settings.fade_s, settings.fade_s)
        samples, _ = audio.normalize_loudness(samples, target_rate, settings.lufs)
        path = folder / f"{number:0{width}d}{suffix}"
        audio.write_audio(path, samples, target_rate)
        written.append(path)
    return written
