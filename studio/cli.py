"""The ``studio`` command line: the same core as the desktop app, headless.

Exit codes: 0 done; 1 an internal error (a bug: the message says where the
log is); 2 a problem with the input, explained in one line, with nothing in
the library changed; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from studio import __version__
from studio.errors import UserError
from studio.paths import default_library_dir

log = logging.getLogger("studio")


def _library_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--library",
        metavar="DIR",
        type=Path,
        default=default,
        help="library folder (default: $STUDIO_HOME or the user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="studio", description="Voice Studio: voiceovers from scripts, headless."
    )
    parser.add_argument("--version", action="version", version=f"studio {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    _library_option(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _library_option(common, argparse.SUPPRESS)

    render = sub.add_parser(
        "render", parents=[common], help="render a script to a finished voiceover",
        description="Create or update the project named after SCRIPT, render every segment "
        "without a current take, and export the joined, loudness-normalized audio.",
    )
    render.add_argument("script", help="text file (UTF-8), or - for standard input")
    render.add_argument("--voice", help="voice name (default: the project's, else 'joe')")
    render.add_argument("--project", help="project name (default: the script's file name)")
    render.add_argument("--out", type=Path, help="output .wav or .flac (default: in exports/)")
    render.add_argument("--srt", type=Path, help="also write SubRip subtitles here")
    render.add_argument("--lufs", type=float, default=-16.0,
                        help="loudness target in LUFS (default: -16)")
    render.add_argument("--strip-symbols", action="store_true",
                        help="drop emoji instead of refusing the script")
    render.add_argument("--no-progress", action="store_true", help="no progress bar")

    voices = sub.add_parser("voices", parents=[common], help="the voice library")
    vsub = voices.add_subparsers(dest="action", metavar="ACTION", required=True)
    vlist = vsub.add_parser("list", parents=[common], help="list voices")
    vlist.add_argument("--json", action="store_true")
    vadd = vsub.add_parser("add", parents=[common], help="add a voice from a prompt clip")
    vadd.add_argument("name")
    vadd.add_argument("clip", type=Path, help="3-30 s of speech: WAV, FLAC, OGG or MP3")
    vadd.add_argument("--text", help="what the clip says (its transcript)")
    vadd.add_argument("--lang", help="language code, when there is no transcript (en, zh, …)")
    vremove = vsub.add_parser("remove", parents=[common], help="remove a cloned voice")
    vremove.add_argument("name")

    projects = sub.add_parser("projects", parents=[common], help="projects in the library")
    psub = projects.add_subparsers(dest="action", metavar="ACTION", required=True)
    plist = psub.add_parser("list", parents=[common], help="list projects")
    plist.add_argument("--json", action="store_true")
    return parser


def _read_script(arg: str) -> tuple[str, str, str]:
    """(text, label for messages, default project name) of the script argument."""
    from studio.text import MAX_SCRIPT_BYTES, decode_script

    if arg == "-":
        data = sys.stdin.buffer.read(MAX_SCRIPT_BYTES + 1)
        return decode_script(data, "standard input"), "standard input", "stdin"
    path = Path(arg)
    if not path.is_file():
        raise UserError(f"no script file {arg}", "check the path")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SCRIPT_BYTES + 1)
    except OSError as err:
        raise UserError(f"cannot read {arg} ({err.strerror})") from None
    return decode_script(data, path.name), path.name, path.stem


def _open_library(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from studio.store import Library

    return Library.open(args.library or default_library_dir())


def cmd_render(args: argparse.Namespace) -> int:
    """``studio render``: script → project → takes → exported audio."""
    from studio.export import ExportSettings, check_output_path, export_project
    from studio.render import SegmentRenderer, plan_project, resolve_voice

    raw, label, stem = _read_script(args.script)
    project_name = args.project or stem
    if not -70.0 <= args.lufs <= -5.0:
        raise UserError(f"--lufs {args.lufs} is out of range", "use a target from -70 to -5")
    out = check_output_path(args.out) if args.out else None
    srt_path = check_output_path(args.srt, "subtitle") if args.srt else None
    with _open_library(args) as library:
        # load the voice's model while the script is normalized and split
        renderer = SegmentRenderer(library, resolve_voice(library, project_name, args.voice)[1])
        renderer.preload()
        planned = plan_project(
            library, raw, project_name, args.voice, strip_symbols=args.strip_symbols,
            script_label=label,
        )
        sync = planned.sync
        total = len(library.segments(sync.project.id))
        print(
            f"project {sync.project.name!r}: {total} segments, {len(planned.todo)} to render "
            f"(voice {planned.voice.name}, backend {planned.backend.name})",
            file=sys.stderr,
        )
        if planned.todo:
            _render_with_progress(renderer, planned, show=not args.no_progress)
        if out is None:
            out = library.path(f"exports/{_safe_name(sync.project.name)}.wav")
        result = export_project(
            library, sync.project, out, srt_path, ExportSettings(lufs=args.lufs)
        )
    print(
        f"{result.duration_s / 60:.1f} min, {result.lufs:.1f} LUFS, peak {result.peak_db:.1f} dBFS",
        file=sys.stderr,
    )
    print(result.audio_path)
    if result.srt_path:
        print(result.srt_path)
    return 0


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_ ." else "_" for c in name).strip() or "project"


def _render_with_progress(renderer, planned, show: bool) -> None:  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    audio_s = 0.0
    started = time.monotonic()
    with tqdm(
        total=len(planned.todo), unit="seg", file=sys.stderr, disable=not show,
        dynamic_ncols=True, desc="render",
    ) as bar:
        def step(segment, take) -> None:  # type: ignore[no-untyped-def]
            nonlocal audio_s
            audio_s += take.duration_s
            bar.set_postfix_str(f"{audio_s / max(time.monotonic() - started, 1e-6):.1f}x realtime")
            bar.update(1)

        renderer.render_all(planned, step)


def cmd_voices(args: argparse.Namespace) -> int:
    """``studio voices list|add|remove``."""
    from studio import prompts
    from studio.render import backend_for_voice, ensure_presets

    with _open_library(args) as library:
        ensure_presets(library)
        if args.action == "add":
            voice, warnings = prompts.import_voice(
                library, args.name, args.clip, args.text, args.lang
            )
            for warning in warnings:
                print(f"warning: {warning}", file=sys.stderr)
            print(f"added voice {voice.name!r}: {voice.duration_s:.1f} s, {voice.language}")
            return 0
        if args.action == "remove":
            voice = prompts.remove_voice(library, args.name)
            print(f"removed voice {voice.name!r}")
            return 0
        rows = []
        for voice in library.voices():
            try:
                backend = backend_for_voice(voice).name
            except UserError:
                backend = "(needs a cloning backend)"
            rows.append({
                "name": voice.name, "kind": voice.kind, "language": voice.language,
                "duration_s": voice.duration_s, "backend": backend,
                "transcript": voice.transcript,
            })
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            length = f"{row['duration_s']:.1f} s" if row["duration_s"] else "-"
            print(f"{row['name']:<20} {row['kind']:<7} {row['language']:<4} {length:>7}  "
                  f"{row['backend']}")
    return 0


def cmd_projects(args: argparse.Namespace) -> int:
    """``studio projects list``."""
    with _open_library(args) as library:
        rows = library.projects()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['name']:<30} {row['rendered']:>5}/{row['segments']:<5} segments  "
                  f"{row['duration_s'] / 60:6.1f} min  voice {row['voice']}")
    return 0


COMMANDS = {"render": cmd_render, "voices": cmd_voices, "projects": cmd_projects}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``studio`` console command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="[%(asctime)s] [%(levelname)s] [%(name)s] [%(process)d] %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return COMMANDS[args.command](args)
    except UserError as err:
        print(f"studio: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("studio: interrupted; finished takes are kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
