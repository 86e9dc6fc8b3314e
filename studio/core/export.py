"""Export a project: its current takes joined into one loudness-normalized
file (WAV, FLAC, MP3, or M4B/M4A with chapters), and SubRip or WebVTT
subtitles timed from the same joins (cues by :mod:`studio.core.subtitles`).

Each take's leading and trailing silence is trimmed so the pauses between
segments are the studio's, chosen by punctuation and paragraph; every join
gets a short raised-cosine fade so no join clicks. The whole programme is
then normalized to the loudness target (ITU-R BS.1770, −16 LUFS by default)
with peaks limited under −1.5 dBFS. Audio and subtitles are written to temp
names and renamed, so an interrupted export never leaves half a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio import audio
from studio.core import subtitles as subs
from studio.core.store import Library, Project, Segment, Take
from studio.errors import UserError
from studio.fsutil import check_writable_file, write_bytes_atomic
from studio.text.markup import strip_markup
from studio.text.segment import Pause

TRIM_PAD_S = 0.02  # of a take's own silence kept at each end when it is trimmed
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
    peak_db: float = audio.PEAK_CEILING_DB  # sample-peak ceiling of the limiter
    bits: int | None = None  # PCM depth for WAV/FLAC (None: the format's default)
    kbps: int | None = None  # bitrate for MP3/AAC (None: the format's default)


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
    vtt_path: Path | None = None
    sample_rate: int = 0
    chapters: tuple[audio.Chapter, ...] = ()


def check_output_path(path: Path, what: str = "output") -> Path:
    """Resolve and test an output path before any work is done.

    Raises :class:`UserError` for an unknown format or an unwritable place.
    """
    path = Path(path).expanduser()
    if what == "output" and path.suffix.lower() not in audio.EXPORT_FORMATS:
        raise UserError(
            f"cannot write {path.name}: unknown audio format {path.suffix or '(none)'}",
            f"name the output {', '.join(audio.EXPORT_FORMATS)}",
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
            code="not_rendered",
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
    pairs = library.current_takes(project.id, start, count)
    if skip_missing:
        pairs = [(seg, take) for seg, take in pairs if take is not None]
    missing = [seg for seg, take in pairs if take is None]
    if missing:
        raise NotRendered(project, missing)
    return join_takes(library.root, [(seg, take) for seg, take in pairs if take], settings)


def join_takes(root: Path, pairs: Sequence[tuple[Segment, Take]], settings: ExportSettings
               ) -> tuple[audio.Audio, int, list[Cue]]:
    """:func:`assemble`'s audio work, given the segments and their takes
    (read first, on the library's connection): this part needs none, so it
    may run on any thread."""
    rates = {take.sample_rate for _, take in pairs}
    rate = settings.sample_rate or max(rates, default=22050)
    pieces: list[audio.Audio] = [np.zeros(int(settings.lead_in_s * rate), dtype=np.float32)]
    cues: list[Cue] = []
    cursor = len(pieces[0])
    for segment, take in pairs:
        samples, take_rate = audio.read_audio(root / take.path)
        samples = audio.resample(samples, take_rate, rate)
        samples = audio.trim_silence(samples, rate, pad_s=TRIM_PAD_S)
        samples = audio.fade(samples, rate, settings.fade_s, settings.fade_s)
        cues.append(Cue(segment, cursor / rate, (cursor + len(samples)) / rate))
        gap = np.zeros(int(pause_after(segment, settings) * rate), dtype=np.float32)
        pieces += [samples, gap]
        cursor += len(samples) + len(gap)
    pieces.append(np.zeros(int(settings.tail_s * rate), dtype=np.float32))
    return np.concatenate(pieces), rate, cues


def pause_after(segment: Segment, settings: ExportSettings) -> float:
    """Seconds of silence after ``segment``: what its script asks for, else
    the pause its punctuation calls for. A take keeps ``TRIM_PAD_S`` of its
    own silence at each end: an asked-for pause counts it in, so the
    silence heard is the one asked for."""
    if segment.pause_s is not None:
        return max(0.0, segment.pause_s - 2 * TRIM_PAD_S)
    return settings.pauses.get(segment.pause, settings.pauses[Pause.SENTENCE.value])


def subtitle_cues(cues: list[Cue], rules: subs.Rules | None = None) -> list[subs.SubtitleCue]:
    """Subtitle cues for the segments' spans, by the rules of :mod:`studio.core.subtitles`."""
    return subs.make_cues(
        [subs.Span(strip_markup(cue.segment.source) or cue.segment.text, cue.start_s, cue.end_s,
                   cue.segment.language) for cue in cues],
        rules,
    )


def subtitles(cues: list[Cue]) -> str:
    """SubRip text for the segments' spans."""
    return subs.to_srt(subtitle_cues(cues))


_HEADING_END = re.compile(r"[.!?…:;,。！？；：，]['\"”’)）」』]*$")
HEADING_MAX_CHARS = 60


def is_heading(paragraph: list[Segment]) -> bool:
    """A paragraph that is one short segment not ending in punctuation
    (``Chapter One``, ``Part 2 — The Return``) reads as a heading."""
    if len(paragraph) != 1:
        return False
    written = paragraph[0].source.strip()
    return 0 < len(written) <= HEADING_MAX_CHARS and not _HEADING_END.search(written)


def _title(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:—-") + "…"


def chapters(cues: list[Cue], duration_s: float) -> list[audio.Chapter]:
    """Chapter marks for an audiobook: one per paragraph, titled by its first
    words; but if the script has headings (:func:`is_heading`), one per
    heading, titled by it, each running to the next heading (text before the
    first heading is a chapter of its own). Chapters cover the whole file
    without gaps: each starts where its first segment starts (the first at 0)."""
    paragraphs: list[list[Cue]] = []
    for cue in cues:
        if paragraphs and paragraphs[-1][-1].segment.paragraph == cue.segment.paragraph:
            paragraphs[-1].append(cue)
        else:
            paragraphs.append([cue])
    headed = [is_heading([c.segment for c in p]) for p in paragraphs]
    starts: list[tuple[float, str]] = []
    for number, (paragraph, heading) in enumerate(zip(paragraphs, headed)):
        first = paragraph[0].segment
        if heading:
            starts.append((paragraph[0].start_s, first.source.strip()))
        elif not any(headed) or number == 0:
            starts.append((paragraph[0].start_s, _title(strip_markup(first.source) or first.text)))
    marks = []
    for number, (start, title) in enumerate(starts):
        begin = 0.0 if number == 0 else start
        end = starts[number + 1][0] if number + 1 < len(starts) else duration_s
        marks.append(audio.Chapter(round(begin, 3), round(end, 3), title))
    return marks


def export_project(
    library: Library,
    project: Project,
    out: Path,
    srt_path: Path | None = None,
    settings: ExportSettings | None = None,
    vtt_path: Path | None = None,
) -> ExportResult:
    """Write the project's audio to ``out`` (format by its suffix) and, if
    asked, its SRT and WebVTT subtitles. Chapters go into formats that carry
    them (M4B/M4A). Every file is written atomically."""
    settings = settings or ExportSettings()
    out = check_output_path(out)
    fmt = audio.format_for(out.suffix)
    if srt_path is not None:
        srt_path = check_output_path(srt_path, "subtitle")
    if vtt_path is not None:
        vtt_path = check_output_path(vtt_path, "subtitle")
    if not library.segments(project.id):
        raise UserError(f"project {project.name!r} has no segments to export",
                        "give it a script first")
    samples, rate, cues = assemble(library, project, settings)
    samples, lufs = audio.normalize_loudness(samples, rate, settings.lufs, settings.peak_db)
    duration = len(samples) / rate
    marks = chapters(cues, duration) if fmt.chapters else []
    audio.write_audio(out, samples, rate, bits=settings.bits, kbps=settings.kbps,
                      chapters=marks, title=project.name)
    if srt_path is not None or vtt_path is not None:
        timed = subtitle_cues(cues)
        if srt_path is not None:
            write_bytes_atomic(srt_path, subs.to_srt(timed).encode("utf-8"))
        if vtt_path is not None:
            write_bytes_atomic(vtt_path, subs.to_vtt(timed).encode("utf-8"))
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    return ExportResult(
        audio_path=out,
        srt_path=srt_path,
        duration_s=duration,
        lufs=lufs,
        peak_db=20 * np.log10(max(peak, 1e-9)),
        cues=tuple(cues),
        vtt_path=vtt_path,
        sample_rate=rate,
        chapters=tuple(marks),
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
        samples, _ = audio.normalize_loudness(samples, target_rate, settings.lufs,
                                              settings.peak_db)
        path = folder / f"{number:0{width}d}{suffix}"
        audio.write_audio(path, samples, target_rate, bits=settings.bits, kbps=settings.kbps)
        written.append(path)
    return written
