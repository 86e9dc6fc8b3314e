"""``studio render``, ``studio export`` and ``studio qa``: a project's audio,
from script to finished file, and what take QA found in it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.cli.common import (
    EXIT_INCOMPLETE,
    EXIT_NEEDS_REVIEW,
    EXIT_NOT_CHECKED,
    find_project,
    open_library,
    read_script,
    report_unrendered,
)
from studio.errors import UserError

if TYPE_CHECKING:  # the service is imported by the commands that use it
    from studio.service.render import Queued

_PRESET_HELP = ("video (WAV 24-bit, 48 kHz), podcast (MP3, -16 LUFS), audiobook (M4B with "
                "chapters); --out, --format, --rate and --lufs override it")


def add_render_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio render``."""
    render = sub.add_parser(
        "render", parents=[common], help="render a script to a finished voiceover",
        description="Create or update the project named after SCRIPT, render every segment "
        "without a current take, and export the joined, loudness-normalized audio. Without "
        "SCRIPT, render the project named by --project as it stands.",
    )
    render.add_argument("script", nargs="?",
                        help="text file (UTF-8), or - for standard input; omit it to render "
                        "--project as it stands")
    render.add_argument("--voice", help="voice name (default: the project's, else 'joe')")
    render.add_argument("--project", help="project name (default: the script's file name)")
    render.add_argument("--out", type=Path,
                        help="output .wav, .flac, .mp3, .m4b or .m4a (default: in exports/)")
    render.add_argument("--srt", type=Path, help="also write SubRip subtitles here")
    render.add_argument("--vtt", type=Path, help="also write WebVTT subtitles here")
    render.add_argument("--preset", help=f"export preset: {_PRESET_HELP}")
    render.add_argument("--rate", type=int, metavar="HZ",
                        help="sample rate (default: the preset's, else as rendered)")
    render.add_argument("--lufs", type=float, default=None,
                        help="loudness target in LUFS (default: the preset's, else -16)")
    render.add_argument("--strip-symbols", action="store_true",
                        help="drop emoji instead of refusing the script")
    render.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_qa_export_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio qa`` and ``studio export`` (listed after the review verbs)."""
    qa = sub.add_parser("qa", parents=[common],
                        help="what take QA found in each segment (exit codes: docs/cli.md)")
    qa.add_argument("project")
    qa.add_argument("--json", action="store_true", help="every segment as a JSON object")
    qa.add_argument("--recheck", action="store_true",
                    help="check the current takes again (after a threshold change) and wait; "
                    "renders nothing")

    export = sub.add_parser("export", parents=[common],
                            help="export a rendered project (renders nothing)")
    export.add_argument("project")
    export.add_argument("--out", type=Path,
                        help="output .wav, .flac, .mp3, .m4b or .m4a (the format is its suffix; "
                        "default: exports/PROJECT.wav, or the preset's format)")
    export.add_argument("--srt", type=Path, help="also write SubRip subtitles here")
    export.add_argument("--vtt", type=Path, help="also write WebVTT subtitles here")
    export.add_argument("--preset", help=f"export preset: {_PRESET_HELP}")
    export.add_argument("--rate", type=int, metavar="HZ",
                        help="sample rate (default: the preset's, else as rendered)")
    export.add_argument("--lufs", type=float, default=None,
                        help="loudness target in LUFS (default: the preset's, else -16)")
    export.add_argument("--format", choices=["wav", "flac", "mp3", "m4b", "m4a"],
                        help="audio format (default: from --out, else the preset's, else wav)")


def _check_lufs(lufs: float) -> None:
    if not -70.0 <= lufs <= -5.0:
        raise UserError(f"--lufs {lufs} is out of range", "use a target from -70 to -5")


def cmd_render(args: argparse.Namespace) -> int:
    """``studio render``: script -> project -> queued jobs -> takes -> export.

    Without a script, the project named by ``--project`` is rendered as it
    stands (after edits made with ``studio edit``, say).
    """
    from studio.core.export import check_output_path
    from studio.core.presets import resolve
    from studio.service.export import export
    from studio.service.render import plan_script

    if args.script is None and not args.project:
        raise UserError("nothing to render", "name a script file, or a project with --project")
    raw = label = None
    if args.script is not None:
        raw, label, stem = read_script(args.script)
    project_name = args.project or stem
    if args.lufs is not None:
        _check_lufs(args.lufs)
    out = check_output_path(args.out) if args.out else None
    suffix, settings = resolve(args.preset, suffix=out.suffix if out else None,
                               sample_rate=args.rate, lufs=args.lufs)
    srt_path = check_output_path(args.srt, "subtitle") if args.srt else None
    vtt_path = check_output_path(args.vtt, "subtitle") if args.vtt else None
    with open_library(args) as library:
        if raw is not None:
            project = plan_script(library, raw, project_name, args.voice,
                                  strip_symbols=args.strip_symbols, label=label or "the script")
        else:
            project = find_project(library, project_name)
            if args.voice:
                raise UserError("--voice needs a script",
                                "give a segment its own voice in the studio, or render the "
                                "script again with --voice")

        def announce(queued: Queued) -> None:
            total = len(library.segments(project.id))
            print(f"project {project.name!r}: {total} segments, {queued.todo} to render",
                  file=sys.stderr)
            if queued.locked:
                print(f"studio: {queued_line(queued)}", file=sys.stderr)

        progress = _render_with_progress(library, project, announce, show=not args.no_progress)
        _report_qa(library, project)
        if progress.rendered < progress.total:
            return report_unrendered(library, project, progress)
        result = export(library, project, out, settings=settings, suffix=suffix,
                        srt=srt_path, vtt=vtt_path)
    _print_export(result)
    return 0


def queued_line(queued: Queued) -> str:
    """What a render queued, in a line: how many segments, and the locked
    ones that have no current take (never rendered)."""
    name = queued.project.name
    if queued.todo == 0 and not queued.locked:
        return f"project {name!r}: every segment is rendered"
    text = f"project {name!r}: {queued.todo} segment(s) to render"
    if queued.locked:
        numbers = ", ".join(str(s.number) for s in queued.locked[:5])
        text += (f"; locked without a current take (unlock to render): {numbers}"
                 + (" …" if len(queued.locked) > 5 else ""))
    return text


def _print_export(result: Any) -> None:
    chapters = f", {len(result.chapters)} chapters" if result.chapters else ""
    print(
        f"{result.duration_s / 60:.1f} min, {result.sample_rate} Hz, {result.lufs:.1f} LUFS, "
        f"peak {result.peak_db:.1f} dBFS{chapters}",
        file=sys.stderr,
    )
    print(result.audio_path)
    for path in (result.srt_path, result.vtt_path):
        if path:
            print(path)


def _qa_line(summary: dict[str, int], total: int) -> str:
    """One line: where the project's segments stand in take QA."""
    parts = [f"{summary['pass']} pass"]
    if summary["flagged"]:
        parts.append(f"{summary['flagged']} need review")
    for key, word in (("unchecked", "not checked"), ("checking", "being checked")):
        if summary[key]:
            parts.append(f"{summary[key]} {word}")
    return f"QA: {' · '.join(parts)} (of {total} segments)"


def _report_qa(library: Any, project: Any) -> None:
    """After a render: the QA summary line, and each segment that needs review."""
    from studio.service import qa

    if not qa.enabled(library):
        return
    report = qa.report(library, project)
    print(f"studio: {_qa_line(qa.summary(library, project), len(report))}", file=sys.stderr)
    for row in report:
        if row["state"] == "flagged":
            print(f"studio: segment {row['number']} needs review: "
                  f"{'; '.join(row['reasons']) or row['verdict']}", file=sys.stderr)
    unchecked = next((row for row in report if row["verdict"] == "unchecked"), None)
    if unchecked:
        print(f"studio: takes were not checked: {'; '.join(unchecked['reasons'])}",
              file=sys.stderr)


def cmd_qa(args: argparse.Namespace) -> int:
    """``studio qa PROJECT``: what take QA found in every segment.

    Exit codes: 0 every segment is rendered and passed (or a person approved
    it), 3 some are not rendered, 4 some need review, 5 some takes could not
    be checked; 2 bad input.
    """
    from studio.service import engine, qa

    with open_library(args) as library:
        project = find_project(library, args.project)
        if args.recheck:
            queued = qa.recheck(library, project)
            print(f"studio: {queued} take(s) to check again", file=sys.stderr)
            if queued:
                engine.wait(library, project)
        report = qa.report(library, project)
        summary = qa.summary(library, project)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(_qa_line(summary, len(report)))
        for row in report:
            verdict = "needs review" if row["state"] == "flagged" else (
                row["verdict"] or ("not checked" if row["state"] in ("rendered", "approved")
                                   else row["state"]))
            metrics = row["metrics"]
            measured = " ".join(f"{key} {metrics[key]}" for key in ("wer", "cer", "chars_per_s")
                                if key in metrics)
            print(f"{row['number']:>4} {verdict:<12} {row['takes_tried']:>2} take(s)  "
                  f"{measured:<22} {'; '.join(row['reasons'])}".rstrip())
    if any(row["state"] not in ("rendered", "approved", "flagged") for row in report):
        return EXIT_INCOMPLETE
    if summary["flagged"]:
        return EXIT_NEEDS_REVIEW
    if summary["unchecked"] or summary["none"] or summary["checking"]:
        return EXIT_NOT_CHECKED
    return 0


def _render_with_progress(library, project, on_queued, show: bool):  # type: ignore[no-untyped-def]
    """The service's render with a progress bar on stderr."""
    from tqdm import tqdm

    from studio.service.render import render

    bar = None

    def update(progress) -> None:  # type: ignore[no-untyped-def]
        nonlocal bar
        if bar is None:
            if progress.active == 0:
                return
            bar = tqdm(total=progress.total, initial=progress.rendered, unit="seg",
                       file=sys.stderr, disable=not show, dynamic_ncols=True, desc="render")
        bar.update(progress.rendered - bar.n)

    try:
        return render(library, project, update, on_queued)
    finally:
        if bar is not None:
            bar.close()


def cmd_export(args: argparse.Namespace) -> int:
    """``studio export PROJECT``: export without rendering; refuses stale audio."""
    from studio.core.export import check_output_path
    from studio.core.presets import resolve
    from studio.service.export import export

    if args.lufs is not None:
        _check_lufs(args.lufs)
    suffix = f".{args.format}" if args.format else None
    out = args.out
    if out is not None and suffix and out.suffix.lower() != suffix:
        raise UserError(f"--out {out.name} does not end in {suffix}",
                        f"name it …{suffix}, or leave out --format")
    if out is not None:
        out = check_output_path(out)
    suffix, settings = resolve(args.preset, suffix=out.suffix if out else suffix,
                               sample_rate=args.rate, lufs=args.lufs)
    srt_path = check_output_path(args.srt, "subtitle") if args.srt else None
    vtt_path = check_output_path(args.vtt, "subtitle") if args.vtt else None
    with open_library(args) as library:
        project = find_project(library, args.project)
        result = export(library, project, out, settings=settings, suffix=suffix,
                        srt=srt_path, vtt=vtt_path)
    _print_export(result)
    return 0
