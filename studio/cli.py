"""The ``studio`` command line: the same core as the desktop app, headless.

Exit codes: 0 done; 1 an internal error (a bug: the message says where the
log is); 2 a problem with the input, explained in one line, with nothing in
the library changed; 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


_PRESET_HELP = ("video (WAV 24-bit, 48 kHz), podcast (MP3, -16 LUFS), audiobook (M4B with "
                "chapters); --out, --format, --rate and --lufs override it")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="studio", description="Voice Studio: voiceovers from scripts, headless."
    )
    parser.add_argument("--version", action="version", version=f"studio {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    _library_option(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # The global options work before or after any command: every command has
    # them too, with defaults that leave the top-level values alone.
    common = argparse.ArgumentParser(add_help=False)
    _library_option(common, argparse.SUPPRESS)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log details to stderr")

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

    engine = sub.add_parser("engine", parents=[common], help="the render engine (workers)")
    esub = engine.add_subparsers(dest="action", metavar="ACTION", required=True)
    estart = esub.add_parser("start", parents=[common], help="start the engine in the background")
    estart.add_argument("--workers", type=int, help="number of workers (default: the plan's)")
    esub.add_parser("stop", parents=[common], help="finish current jobs, then stop")
    estatus = esub.add_parser("status", parents=[common], help="workers and queue")
    estatus.add_argument("--json", action="store_true")

    gpu = sub.add_parser("gpu", parents=[common], help="GPUs and the worker placement plan")
    gsub = gpu.add_subparsers(dest="action", metavar="ACTION", required=True)
    gplan = gsub.add_parser("plan", parents=[common], help="show where workers would run")
    gplan.add_argument("--per-model-mb", type=int, default=5000,
                       help="VRAM per worker in MB, -1 to spread evenly, 0 for the CPU")
    gplan.add_argument("--workers", type=int, help="number of workers (default: as fit)")
    gplan.add_argument("--reserve-mb", type=int, default=512, help="VRAM left free per GPU")
    gplan.add_argument("--json", action="store_true")

    jobs = sub.add_parser("jobs", parents=[common], help="the render queue")
    jsub = jobs.add_subparsers(dest="action", metavar="ACTION", required=True)
    jlist = jsub.add_parser("list", parents=[common], help="list jobs")
    jlist.add_argument("--state", choices=["queued", "running", "done", "failed", "dead",
                                           "cancelled"])
    jlist.add_argument("--project")
    jlist.add_argument("--json", action="store_true")
    jretry = jsub.add_parser("retry", parents=[common], help="queue a job again")
    jretry_which = jretry.add_mutually_exclusive_group(required=True)
    jretry_which.add_argument("id", nargs="?", type=int)
    jretry_which.add_argument("--dead", action="store_true", help="every dead job")
    jcancel = jsub.add_parser("cancel", parents=[common], help="cancel jobs")
    jcancel_which = jcancel.add_mutually_exclusive_group(required=True)
    jcancel_which.add_argument("id", nargs="?", type=int)
    jcancel_which.add_argument("--project", help="every active job of a project")
    for name, text in (("pause", "stop claiming a project's jobs"),
                       ("resume", "claim a paused project's jobs again")):
        jp = jsub.add_parser(name, parents=[common], help=text)
        jp.add_argument("--project", required=True)

    gui = sub.add_parser("gui", parents=[common], help="open the desktop studio (the default)")
    gui.add_argument("--screenshot", type=Path, metavar="FILE",
                     help="render a view offscreen to a PNG at 1280x800 and exit")
    gui.add_argument("--view", default="projects",
                     choices=["voices", "projects", "queue", "engine", "models", "pronunciation"])
    gui.add_argument("--language", choices=["en", "zh_CN"],
                     help="interface language (default: the saved choice, else the system's)")
    gui.add_argument("--theme", choices=["system", "light", "dark"],
                     help="light or dark (default: the saved choice, else the system's)")

    models = sub.add_parser("models", parents=[common],
                            help="download, check and remove model weights",
                            description="Models are described in models/manifest.toml and "
                            "kept in models/ ($STUDIO_MODELS moves them).")
    msub = models.add_subparsers(dest="action", metavar="ACTION", required=True)
    mlist = msub.add_parser("list", parents=[common],
                            help="every model in the manifest and its state")
    mlist.add_argument("--json", action="store_true")
    mdown = msub.add_parser("download", parents=[common],
                            help="download a model (resumes; repairs bad files)")
    mdown.add_argument("name")
    mdown.add_argument("--source", choices=["modelscope", "huggingface", "http"],
                       help="fetch from this source only (default: each in turn)")
    mdown.add_argument("--no-progress", action="store_true", help="no progress bar")
    mverify = msub.add_parser("verify", parents=[common], help="check every file's size and sha256")
    mverify.add_argument("name")
    mverify.add_argument("--pins", action="store_true",
                         help="print the manifest entries (size, sha256) of the files as "
                         "downloaded, to pin them in models/manifest.toml")
    mremove = msub.add_parser("remove", parents=[common], help="delete a model's folder")
    mremove.add_argument("name")

    config = sub.add_parser("config", parents=[common], help="the library's settings",
                            description="Engine timings (engine.*) and backend options "
                            "(e.g. cosyvoice2.fp16); `studio config list` shows them all.")
    csub = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    csub.add_parser("list", parents=[common], help="every setting, its value and meaning")
    cset = csub.add_parser("set", parents=[common], help="change a setting")
    cset.add_argument("key")
    cset.add_argument("value")
    cunset = csub.add_parser("unset", parents=[common], help="back to the default")
    cunset.add_argument("key")

    projects = sub.add_parser("projects", parents=[common], help="projects in the library")
    psub = projects.add_subparsers(dest="action", metavar="ACTION", required=True)
    plist = psub.add_parser("list", parents=[common], help="list projects")
    plist.add_argument("--json", action="store_true")
    pnew = psub.add_parser("new", parents=[common], help="create a project")
    pnew.add_argument("name")
    pnew.add_argument("--voice", help="its voice (default: the library's default voice)")
    pnew.add_argument("--script", help="a script file to split into its segments (- for stdin)")
    prename = psub.add_parser("rename", parents=[common], help="give a project another name")
    prename.add_argument("old")
    prename.add_argument("new")
    pdup = psub.add_parser("duplicate", parents=[common],
                           help="copy a project with its segments and current takes")
    pdup.add_argument("name")
    pdup.add_argument("new")
    premove = psub.add_parser("remove", parents=[common],
                              help="move a project to the trash (restore it with `restore`)")
    premove.add_argument("name")
    premove.add_argument("--purge", action="store_true",
                         help="delete it for good, with its segments and takes")
    ptrash = psub.add_parser("trash", parents=[common], help="list projects in the trash")
    ptrash.add_argument("--json", action="store_true")
    prestore = psub.add_parser("restore", parents=[common],
                               help="bring a project back from the trash")
    prestore.add_argument("name")

    _review_commands(sub, common)
    _pronunciation_commands(sub, common)
    _server_commands(sub, common)
    return parser


def _server_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio serve`` and ``studio keys`` (see docs/server.md)."""
    serve = sub.add_parser(
        "serve", parents=[common], help="serve the library over HTTP (docs/server.md)",
        description="The HTTP API in front of the library and its engine: the original "
        "service's contract, a speech endpoint compatible with the common client libraries, "
        "long-form projects, health and metrics. Every request but /health needs a key "
        "(`studio keys add NAME`). Options override the library's server.* settings.")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1; anything but "
                       "loopback needs a key in the library)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument("--log-format", choices=["text", "json"],
                       help="access and server logs on stderr: the house format or JSON lines")
    serve.add_argument("--timeout", type=float, metavar="S", dest="timeout_s",
                       help="answer a one-shot request 504 past this (default 600)")
    serve.add_argument("--result-ttl", type=float, metavar="S", dest="result_ttl_s",
                       help="how long one-shot results are kept (default 3600)")
    serve.add_argument("--sweep-every", type=float, metavar="S", dest="sweep_every_s",
                       help="how often expired one-shot results are swept (default 60)")
    serve.add_argument("--max-body", type=int, metavar="BYTES", dest="max_body_bytes",
                       help="largest request body (default 2000000)")
    serve.add_argument("--key-concurrency", type=int, metavar="N",
                       help="requests in flight per key; more are answered 429 (default 64)")
    serve.add_argument("--voice-url-allow", metavar="NETS",
                       help="loopback/private/link-local networks voice_url may reach "
                       "(comma-separated CIDRs, or 'all'; default none)")

    keys = sub.add_parser("keys", parents=[common], help="API keys of `studio serve`")
    ksub = keys.add_subparsers(dest="action", metavar="ACTION", required=True)
    kadd = ksub.add_parser("add", parents=[common],
                           help="make a key (printed once: only its hash is kept)")
    kadd.add_argument("name")
    klist = ksub.add_parser("list", parents=[common], help="keys, live and revoked (no secrets)")
    klist.add_argument("--json", action="store_true")
    krevoke = ksub.add_parser("revoke", parents=[common], help="revoke a key at once")
    krevoke.add_argument("name")


def _pronunciation_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio script`` and ``studio lexicon`` (see docs/pronunciation.md)."""
    script = sub.add_parser(
        "script", parents=[common], help="print what a script will speak, rendering nothing",
        description="Each segment as it will be spoken: normalized, the lexicon applied, the "
        "markup resolved. Writes nothing to the library.")
    script.add_argument("script", help="text file (UTF-8), or - for standard input")
    script.add_argument("--project", help="use this project's lexicon and voice")
    script.add_argument("--voice", help="voice name (default: the project's, else 'joe')")
    script.add_argument("--json", action="store_true", help="a JSON list of segments")
    script.add_argument("--strip-symbols", action="store_true",
                        help="drop emoji instead of refusing the script")

    lexicon = sub.add_parser("lexicon", parents=[common],
                             help="how words are said: aliases and phonemes")
    lsub = lexicon.add_subparsers(dest="action", metavar="ACTION", required=True)
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--project", help="the project's own lexicon (default: the library's, "
                       "which every project uses; a project's entries win)")
    llist = lsub.add_parser("list", parents=[common, where], help="list entries")
    llist.add_argument("--json", action="store_true")
    ladd = lsub.add_parser("add", parents=[common, where],
                           help="say a word or phrase another way (replaces its entry)")
    ladd.add_argument("term", help="the word or phrase as written")
    ladd.add_argument("--alias", default="", help="a respelling, e.g. 'new-win'")
    ladd.add_argument("--phonemes", default="", help="IPA, e.g. 'ˈnwɪən'")
    ladd.add_argument("--case-sensitive", action="store_true",
                      help="match only this exact case (default: any case)")
    lremove = lsub.add_parser("remove", parents=[common, where], help="remove entries")
    lremove.add_argument("terms", nargs="+", metavar="TERM")
    limport = lsub.add_parser("import", parents=[common, where],
                              help="add the entries of a .pls (W3C PLS) or .csv file")
    limport.add_argument("file", type=Path)
    lexport = lsub.add_parser("export", parents=[common, where],
                              help="write the entries to a .pls or .csv file")
    lexport.add_argument("file", type=Path)


def _review_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """The review verbs of the desktop app, headless (see docs/cli.md)."""
    numbers_help = "segment numbers from 1: 3, 3-7 or 2,5,9"
    segs = sub.add_parser("segments", parents=[common],
                          help="a project's segments: text, voice, state, takes")
    segs.add_argument("project")
    segs.add_argument("--json", action="store_true")

    regen = sub.add_parser("regenerate", parents=[common],
                           help="render new takes of segments, ahead of other work")
    regen.add_argument("project")
    regen.add_argument("numbers", nargs="+", metavar="N", help=numbers_help)
    regen.add_argument("--wait", action="store_true", help="wait until they are rendered")

    edit = sub.add_parser("edit", parents=[common], help="change what a segment says")
    edit.add_argument("project")
    edit.add_argument("number", type=int, metavar="N")
    edit.add_argument("--text", required=True, help="the new text, as written")

    for verb, text in (("lock", "keep segments' takes: never re-rendered or edited"),
                       ("unlock", "allow segments to be re-rendered and edited again"),
                       ("approve", "approve segments' current takes"),
                       ("unapprove", "withdraw the approval of segments' takes")):
        cmd = sub.add_parser(verb, parents=[common], help=text)
        cmd.add_argument("project")
        cmd.add_argument("numbers", nargs="+", metavar="N", help=numbers_help)

    takes = sub.add_parser("takes", parents=[common], help="a segment's takes")
    takes.add_argument("project")
    takes.add_argument("number", type=int, metavar="N")
    takes.add_argument("--json", action="store_true")

    take = sub.add_parser("take", parents=[common], help="choose a segment's current take")
    take.add_argument("project")
    take.add_argument("number", type=int, metavar="N")
    take.add_argument("take", type=int, metavar="TAKE", help="the take's id (studio takes)")

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


def _read_script(arg: str) -> tuple[str, str, str]:
    """(text, label for messages, default project name) of the script argument."""
    from studio.text import MAX_SCRIPT_BYTES, decode_script

    if arg == "-":
        data = sys.stdin.buffer.read(MAX_SCRIPT_BYTES + 1)
        return decode_script(data, "standard input"), "standard input", "stdin"
    path = Path(arg)
    data = _read_file(path, MAX_SCRIPT_BYTES, "script file")
    return decode_script(data, path.name), path.name, path.stem


def _read_file(path: Path, limit: int, what: str = "file") -> bytes:
    """Up to ``limit + 1`` bytes of ``path`` (one more than allowed: the
    reader names a file over its limit), or :class:`UserError`."""
    if not path.is_file():
        raise UserError(f"no {what} {path}", "check the path")
    try:
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as err:
        raise UserError(f"cannot read {path} ({err.strerror})") from None


def _open_library(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from studio.core.store import Library

    return Library.open(args.library or default_library_dir())


def _check_lufs(lufs: float) -> None:
    if not -70.0 <= lufs <= -5.0:
        raise UserError(f"--lufs {lufs} is out of range", "use a target from -70 to -5")


def cmd_render(args: argparse.Namespace) -> int:
    """``studio render``: script -> project -> queued jobs -> takes -> export.

    Without a script, the project named by ``--project`` is rendered as it
    stands (after edits made with ``studio edit``, say).
    """
    from studio import service
    from studio.core.export import check_output_path, export_project
    from studio.core.presets import resolve
    from studio.core.render import plan_project

    if args.script is None and not args.project:
        raise UserError("nothing to render", "name a script file, or a project with --project")
    raw = label = None
    if args.script is not None:
        raw, label, stem = _read_script(args.script)
    project_name = args.project or stem
    if args.lufs is not None:
        _check_lufs(args.lufs)
    out = check_output_path(args.out) if args.out else None
    suffix, settings = resolve(args.preset, suffix=out.suffix if out else None,
                               sample_rate=args.rate, lufs=args.lufs)
    srt_path = check_output_path(args.srt, "subtitle") if args.srt else None
    vtt_path = check_output_path(args.vtt, "subtitle") if args.vtt else None
    with _open_library(args) as library:
        if raw is not None:
            project = plan_project(
                library, raw, project_name, args.voice, strip_symbols=args.strip_symbols,
                script_label=label or "the script",
            ).sync.project
        else:
            project = _project(library, project_name)
            if args.voice:
                raise UserError("--voice needs a script",
                                "give a segment its own voice in the studio, or render the "
                                "script again with --voice")

        def announce(queued: service.Queued) -> None:
            total = len(library.segments(project.id))
            print(f"project {project.name!r}: {total} segments, {queued.todo} to render",
                  file=sys.stderr)
            if queued.locked:
                print(f"studio: {queued.describe()}", file=sys.stderr)

        progress = _render_with_progress(library, project, announce, show=not args.no_progress)
        _report_qa(library, project)
        if progress.rendered < progress.total:
            return _report_unrendered(library, project, progress)
        if out is None:
            out = library.path(f"exports/{_safe_name(project.name)}{suffix}")
        result = export_project(library, project, out, srt_path, settings, vtt_path)
    _print_export(result)
    return 0


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


def _project(library: Any, name: str) -> Any:
    project = library.find_project(name)
    if project is None:
        names = ", ".join(row["name"] for row in library.projects()) or "none yet"
        raise UserError(f"no project named {name!r}", f"projects in the library: {names}")
    return project


EXIT_INCOMPLETE = 3  # segments are not rendered
EXIT_NEEDS_REVIEW = 4  # take QA flagged segments: a person should listen
EXIT_NOT_CHECKED = 5  # takes QA could not check (its model is missing or damaged)


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
    from studio.core.checks import qa_report, qa_summary
    from studio.core.jobs import qa_settings

    if not qa_settings(library).enabled:
        return
    report = qa_report(library, project)
    print(f"studio: {_qa_line(qa_summary(library, project.id), len(report))}", file=sys.stderr)
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
    from studio import service
    from studio.core.checks import qa_report, qa_summary, queue_recheck

    with _open_library(args) as library:
        project = _project(library, args.project)
        if args.recheck:
            queued = queue_recheck(library, project)
            print(f"studio: {queued} take(s) to check again", file=sys.stderr)
            if queued:
                service.ensure_engine(library.root)
                service.wait(library, project)
        report = qa_report(library, project)
        summary = qa_summary(library, project.id)
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

    from studio import service

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
        return service.render(library, project, update, on_queued)
    finally:
        if bar is not None:
            bar.close()


def _report_unrendered(library, project, progress) -> int:  # type: ignore[no-untyped-def]
    from studio.core.jobs import JobQueue

    dead = JobQueue(library).jobs(state="dead", project_id=project.id)
    failed = set()
    for job in dead:
        failed.add(job["segment"])
        text = job["text"] if len(job["text"]) <= 40 else job["text"][:37] + "…"
        print(f"studio: segment {job['segment']} ({text!r}) failed after {job['attempts']} "
              f"attempt(s): {job['error']}", file=sys.stderr)
    for segment in library.not_done(project):
        if segment.locked and segment.number not in failed:
            print(f"studio: segment {segment.number} is locked and has no current take "
                  f"(it is {segment.state}): unlock it to render it", file=sys.stderr)
    missing = progress.total - progress.rendered
    print(f"studio: {missing} of {progress.total} segments are not rendered; fix the cause, "
          "then `studio jobs retry --dead` and render again", file=sys.stderr)
    return EXIT_INCOMPLETE


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_ ." else "_" for c in name).strip() or "project"


def _numbers(library: Any, project: Any, specs: Sequence[str]) -> list[Any]:
    """The segments named by ``3``, ``3-7`` or ``2,5,9`` (each checked)."""
    numbers: list[int] = []
    for spec in specs:
        for part in spec.split(","):
            first, _, last = part.strip().partition("-")
            try:
                low, high = int(first), int(last or first)
            except ValueError:
                raise UserError(f"{part!r} is not a segment number",
                                "use numbers from 1, ranges like 3-7, or lists like 2,5") from None
            numbers += range(low, high + 1)
    return [library.segment_at(project, n) for n in dict.fromkeys(numbers)]


def _segment_json(library: Any, segment: Any, voices: dict[int, str]) -> dict[str, Any]:
    from studio.core.render import segment_voice

    voice_id = segment.voice_id
    if voice_id is None:
        voice_id = segment_voice(library, segment).id
    if voice_id not in voices:
        voices[voice_id] = library.voice(voice_id).name
    takes = library.conn.execute(
        "SELECT COUNT(*) FROM takes WHERE segment_id = ?", (segment.id,)).fetchone()[0]
    duration = None
    if segment.done and segment.current_take_id:
        duration = round(library.take(segment.current_take_id).duration_s, 3)
    return {
        "index": segment.number, "source": segment.source, "text": segment.text,
        "language": segment.language, "voice": voices[voice_id],
        "own_voice": segment.voice_id is not None, "state": segment.state,
        "done": segment.done, "locked": segment.locked, "takes": takes,
        "current_take": segment.current_take_id if segment.done else None,
        "duration_s": duration, "pause_after": segment.pause,
        "pause_after_s": segment.pause_s, "speed": segment.speed,
        "speech": segment.speech,
    }


def cmd_segments(args: argparse.Namespace) -> int:
    """``studio segments PROJECT``: each segment as written and as spoken."""
    from studio.text.lexicon import readable

    with _open_library(args) as library:
        project = _project(library, args.project)
        voices: dict[int, str] = {}
        rows = [_segment_json(library, s, voices) for s in library.segments(project.id)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        marks = ("L" if row["locked"] else "-") + ("*" if row["own_voice"] else "-")
        length = f"{row['duration_s']:.1f} s" if row["duration_s"] else "-"
        print(f"{row['index']:>4} {row['state']:<9} {marks} {length:>7} {row['takes']:>2} "
              f"take(s)  {row['voice']}: {row['source']}")
        if row["text"] != row["source"]:
            print(f"{'':>26}spoken: {row['text']}")
        if row["speech"] != row["text"]:
            print(f"{'':>26}says:   {readable(row['speech'])}")
        if row["speed"] != 1.0 or row["pause_after_s"] is not None:
            print(f"{'':>26}" + " · ".join(
                ([f"speed {row['speed']:g}"] if row["speed"] != 1.0 else [])
                + ([f"pause {row['pause_after_s']:g} s after"]
                   if row["pause_after_s"] is not None else [])))
    return 0


def cmd_script(args: argparse.Namespace) -> int:
    """``studio script SCRIPT``: each segment as it will be spoken; writes nothing."""
    import tempfile

    from studio.core.render import spoken_script
    from studio.core.store import DB_NAME, Library

    raw, label, _ = _read_script(args.script)
    root = Path(args.library or default_library_dir())
    with contextlib.ExitStack() as stack:
        if not (root / DB_NAME).is_file():  # no library yet: read with a blank one, make none
            if args.project:
                raise UserError(f"no project named {args.project!r} (there is no library at "
                                f"{root})", "see `studio projects list`")
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="studio-")))
        library = stack.enter_context(Library.open(root))
        segments, warnings = spoken_script(library, raw, args.project, args.voice,
                                           script_label=label,
                                           strip_symbols=args.strip_symbols)
    for warning in warnings:
        print(f"studio: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps([s.as_json() for s in segments], ensure_ascii=False, indent=2))
        return 0
    for seg in segments:
        extra = "".join([f" ×{seg.speed:g}" if seg.speed != 1.0 else "",
                         f" [pause {seg.pause_after_s:g}s]"])
        print(f"{seg.index:>4} {seg.voice}{extra}: {seg.text}")
        if seg.speech != seg.text:
            print(f"{'':>5}reads: {seg.speech}")
    return 0


def cmd_lexicon(args: argparse.Namespace) -> int:
    """``studio lexicon list|add|remove|import|export``."""
    from studio.core.render import ensure_presets, requeue_changed
    from studio.text import lexicon as lex

    with _open_library(args) as library:
        ensure_presets(library)  # a library is made whole by the first command that opens it
        project = _project(library, args.project) if args.project else None
        project_id = project.id if project else None
        whose = f"project {project.name!r}" if project else "the library"
        if args.action in ("list", "export"):
            entries = library.lexicon_entries(project_id)
            if args.action == "export":
                suffix = args.file.suffix.lower()
                if suffix not in (".pls", ".csv"):
                    raise UserError(f"{args.file} is neither .pls nor .csv",
                                    "name the file .pls (W3C PLS) or .csv")
                from studio.fsutil import check_writable_file, write_bytes_atomic

                try:
                    check_writable_file(args.file)
                except OSError as err:
                    raise UserError(f"cannot write {args.file} ({err})",
                                    "choose a folder you can write to") from None
                write_bytes_atomic(args.file, lex.write_pls(entries) if suffix == ".pls"
                                   else lex.write_csv(entries))
                print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} of {whose}'s "
                      f"lexicon written to {args.file}")
                return 0
            if args.json:
                print(json.dumps([vars(e) for e in entries], ensure_ascii=False, indent=2))
                return 0
            if not entries:
                print(f"{whose}'s lexicon is empty (`studio lexicon add WORD --alias …`)")
            for e in entries:
                said = " / ".join(x for x in (f"/{e.phonemes}/" if e.phonemes else "",
                                              e.alias) if x)
                print(f"{e.term}{' (exact case)' if e.case_sensitive else ''}  →  {said}")
            return 0
        if args.action == "add":
            entries = [lex.check_entry(args.term, args.alias, args.phonemes,
                                       args.case_sensitive)]
            change = library.set_lexicon(entries, project_id)
        elif args.action == "remove":
            change = library.set_lexicon([], project_id, remove=args.terms)
        else:  # import
            data = _read_file(args.file, lex.MAX_LEXICON_BYTES)
            is_pls = args.file.suffix.lower() == ".pls" or data.lstrip().startswith(b"<")
            entries = (lex.read_pls(data, args.file.name) if is_pls
                       else lex.read_csv(data, args.file.name))
            change = library.set_lexicon(entries, project_id)
            print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} added to "
                  f"{whose}'s lexicon")
        queued = requeue_changed(library, change)
    for name, ids in sorted(change.changed.items()):
        print(f"project {name!r}: {len(ids)} segment(s) now said differently")
    for name, ids in sorted(change.locked.items()):
        print(f"project {name!r}: {len(ids)} locked segment(s) keep what they said "
              "(unlock them to say it the new way)")
    if queued:
        print(f"{len(queued)} rendered segment(s) queued to render again "
              "(`studio render --project NAME` waits for them)")
    elif not change.changed:
        print("no segment says it differently")
    return 0


def cmd_regenerate(args: argparse.Namespace) -> int:
    """``studio regenerate PROJECT N…``: new takes, ahead of bulk work."""
    from studio import service

    with _open_library(args) as library:
        project = _project(library, args.project)
        segments = _numbers(library, project, args.numbers)
        if project.paused:
            raise UserError(f"project {project.name!r} is paused",
                            f"resume it first: studio jobs resume --project {project.name}")
        for result in service.regenerate(library, [s.id for s in segments]):
            print(result.describe())
        service.ensure_engine(library.root)
        if args.wait:
            progress = service.wait(library, project)
            if progress.rendered < progress.total:
                return _report_unrendered(library, project, progress)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """``studio edit PROJECT N --text …``: change what a segment says."""
    from studio.core import review

    with _open_library(args) as library:
        project = _project(library, args.project)
        segment = review.edit_text(library, library.segment_at(project, args.number).id,
                                   args.text)
    print(f"segment {segment.number} now says {segment.source!r}; it needs rendering "
          f"(studio render --project {_shell(project.name)})")
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    """``studio lock|unlock|approve|unapprove PROJECT N…``."""
    from studio.core import review

    with _open_library(args) as library:
        project = _project(library, args.project)
        segments = _numbers(library, project, args.numbers)
        if args.command == "approve":
            problems = [s for s in segments if not s.done]
            if problems:  # check them all before changing any
                review.approve(library, problems[0].id)
        for segment in segments:
            if args.command in ("lock", "unlock"):
                review.set_locked(library, segment.id, args.command == "lock")
            else:
                review.approve(library, segment.id, args.command == "approve")
    done = {"lock": "locked", "unlock": "unlocked", "approve": "approved",
            "unapprove": "unapproved"}[args.command]
    print(f"{done} segment(s) {', '.join(str(s.number) for s in segments)}")
    return 0


def cmd_takes(args: argparse.Namespace) -> int:
    """``studio takes PROJECT N``: a segment's takes, oldest first."""
    with _open_library(args) as library:
        project = _project(library, args.project)
        segment = library.segment_at(project, args.number)
        names = {v.id: v.name for v in library.voices()}
        rows = [{
            "id": take.id, "created_at": take.created_at, "backend": take.backend,
            "voice": names.get(take.voice_id), "seed": take.seed, "text": take.text,
            "duration_s": round(take.duration_s, 3), "sample_rate": take.sample_rate,
            "current": take.id == segment.current_take_id and segment.done,
            "matches": library.take_is_current(take.id, segment.id),
            "approved": take.id == segment.approved_take_id and segment.done,
        } for take in library.takes(segment.id)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"segment {segment.number} has no takes yet")
    for row in rows:
        mark = "*" if row["current"] else (" " if row["matches"] else "~")
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row["created_at"]))
        note = "" if row["matches"] else "  (other text or voice)"
        print(f"{mark} take {row['id']:<6} {when}  {row['duration_s']:6.2f} s  "
              f"{row['voice']} on {row['backend']}, seed {row['seed']}"
              + (", approved" if row["approved"] else "") + note)
    return 0


def cmd_take(args: argparse.Namespace) -> int:
    """``studio take PROJECT N TAKE``: choose the current take."""
    from studio.core import review

    with _open_library(args) as library:
        project = _project(library, args.project)
        segment = library.segment_at(project, args.number)
        review.choose_take(library, segment.id, args.take)
    print(f"segment {segment.number}: take {args.take} is current")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``studio export PROJECT``: export without rendering; refuses stale audio."""
    from studio.core.export import check_exportable, check_output_path, export_project
    from studio.core.presets import resolve

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
    with _open_library(args) as library:
        project = _project(library, args.project)
        check_exportable(library, project)
        if out is None:
            out = library.path(f"exports/{_safe_name(project.name)}{suffix}")
        result = export_project(library, project, out, srt_path, settings, vtt_path)
    _print_export(result)
    return 0


def _shell(name: str) -> str:
    import shlex

    return shlex.quote(name)


def cmd_voices(args: argparse.Namespace) -> int:
    """``studio voices list|add|remove``."""
    from studio.core import prompts
    from studio.core.render import ensure_presets, voice_fit

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
            fit = voice_fit(library, voice)
            rows.append({
                "name": voice.name, "kind": voice.kind, "language": voice.language,
                "duration_s": voice.duration_s, "backend": fit.backend, "mode": fit.mode,
                "usable": fit.usable, "problem": fit.explain(), "transcript": voice.transcript,
                "fit": fit.describe(),
            })
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            length = f"{row['duration_s']:.1f} s" if row["duration_s"] else "-"
            print(f"{row['name']:<20} {row['kind']:<7} {row['language']:<4} {length:>7}  "
                  f"{row['fit']}")
    return 0


def cmd_projects(args: argparse.Namespace) -> int:
    """``studio projects``: list, new, rename, duplicate, remove (to the
    trash, or ``--purge``), trash and restore."""
    from studio.core.render import voice_fit

    with _open_library(args) as library:
        if args.action != "list":
            return _project_action(library, args)
        rows = library.projects()
        fits = {}
        for row in rows:
            if row["voice"] not in fits:
                voice = library.find_voice(row["voice"])
                fits[row["voice"]] = voice_fit(library, voice) if voice else None
            fit = fits[row["voice"]]
            row.update(backend=fit.backend if fit else None,
                       problem=fit.explain() if fit else "the voice is gone")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            where = f"{row['backend']}" + (f" (cannot render here: {row['problem']})"
                                           if row["problem"] else "")
            print(f"{row['name']:<30} {row['rendered']:>5}/{row['segments']:<5} segments  "
                  f"{row['duration_s'] / 60:6.1f} min  voice {row['voice']} on {where}")
    return 0


def _project_action(library: Any, args: argparse.Namespace) -> int:
    """The verbs of ``studio projects`` that change the library (the same
    store functions the studio's window uses)."""
    if args.action == "new":
        from studio.core.render import plan_project, resolve_voice

        name = library.check_new_name(args.name)
        if args.script is not None:
            raw, label, _stem = _read_script(args.script)
            planned = plan_project(library, raw, name, args.voice, script_label=label)
            print(f"created project {name!r}: {len(planned.todo)} segments to render "
                  f"with voice {planned.voice.name}")
        else:
            voice, _backend = resolve_voice(library, name, args.voice)
            library.create_project(name, voice)
            print(f"created project {name!r} with voice {voice.name} (no script yet)")
    elif args.action == "rename":
        project = library.rename_project(_project(library, args.old).name, args.new)
        print(f"renamed project {args.old!r} to {project.name!r}")
    elif args.action == "duplicate":
        project = library.duplicate_project(_project(library, args.name).name, args.new)
        print(f"copied project {args.name!r} to {project.name!r}")
    elif args.action == "remove" and args.purge:
        project = library.find_project(args.name) or library.find_trashed(args.name)
        if project is None:
            _project(library, args.name)  # the message naming the projects there are
        library.remove_project(project.name)
        print(f"deleted project {project.name!r} for good")
    elif args.action == "remove":
        project = library.trash_project(_project(library, args.name).name)
        print(f"moved project {project.name!r} to the trash "
              f"(undo: studio projects restore {_shell(project.name)})")
    elif args.action == "restore":
        project = library.restore_project(args.name)
        print(f"restored project {project.name!r}")
    elif args.action == "trash":
        rows = library.trash()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        for row in rows if not args.json else []:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(row["deleted_at"]))
            print(f"{row['name']:<30} {row['segments']:>5} segments  deleted {when}")
    return 0


def cmd_engine(args: argparse.Namespace) -> int:
    """``studio engine start|stop|status``."""
    from studio.engine.client import engine_status, start_engine, stop_engine

    with _open_library(args) as library:
        root = library.root
        if args.action == "start":
            pid = start_engine(root, workers=args.workers)
            print(f"engine started for {root} (pid {pid})")
            return 0
        if args.action == "stop":
            stopped = stop_engine(root)
            print(f"engine stopped (pid {stopped})" if stopped else "the engine is not running")
            return 0
        status = engine_status(library)
    if args.json:
        print(json.dumps(status, indent=2))
        return 0
    print(f"engine: {'running, pid ' + str(status['pid']) if status['running'] else 'stopped'}")
    for w in status["workers"]:
        uptime = f"{w['uptime_s']:.0f} s" if w["uptime_s"] and status["running"] else "-"
        print(f"  worker {w['slot']}: {w['state']:<8} pid {w['pid'] or '-':<7} "
              f"{w['backend']} on {w['device']}, job {w['current_job'] or '-'}, "
              f"{w['jobs_done']} done, {w['restarts']} restart(s), up {uptime}"
              + (f"\n    last error: {w['last_error']}" if w["last_error"] else ""))
    counts = ", ".join(f"{n} {state}" for state, n in sorted(status["jobs"].items()))
    print(f"jobs: {counts or 'none'}")
    for name, problem in sorted(status["backend_problems"].items()):
        print(f"backend {name}: not available: {problem}")
    return 0


def cmd_gpu(args: argparse.Namespace) -> int:
    """``studio gpu plan``."""
    import dataclasses
    import os

    from studio.gpu import plan, probe

    gpus, note = probe()
    result = plan(gpus, args.per_model_mb, args.workers, args.reserve_mb,
                  cpu_cores=os.cpu_count() or 1)
    if args.json:
        print(json.dumps({
            "gpus": [dataclasses.asdict(g) for g in gpus], "note": note, "mode": result.mode,
            "placements": [dataclasses.asdict(p) | {"env": p.env} for p in result.placements],
            "unplaced": list(result.unplaced),
        }, indent=2))
        return 0
    print(f"GPUs: {note}")
    for g in gpus:
        print(f"  #{g.index} {g.name} {g.uuid}: {g.free_mb} of {g.total_mb} MB free")
    print(f"plan ({result.mode}):")
    for p in result.placements:
        print(f"  worker {p.slot + 1}: {p.reason}")
    for line in result.unplaced:
        print(f"  not placed: {line}")
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    """``studio jobs list|retry|cancel|pause|resume``."""
    from studio.core.jobs import JobQueue

    with _open_library(args) as library:
        queue = JobQueue(library)
        project = None
        if getattr(args, "project", None):
            project = library.find_project(args.project)
            if project is None:
                raise UserError(f"no project named {args.project!r}", "see `studio projects list`")
        if args.action == "retry":
            count = queue.retry(None if args.dead else args.id)
            print(f"{count} job(s) queued again")
        elif args.action == "cancel":
            count = queue.cancel(args.id, project.id if project else None)
            print(f"{count} job(s) cancelled")
        elif args.action in ("pause", "resume"):
            assert project is not None
            queue.set_paused(project.id, args.action == "pause")
            print(f"project {project.name!r} {args.action}d")
        else:
            rows = queue.jobs(args.state, project.id if project else None)
            if args.json:
                print(json.dumps(rows, ensure_ascii=False, indent=2))
            for row in [] if args.json else rows:
                error = f"  {row['error']}" if row["error"] else ""
                print(f"{row['id']:>6} {row['kind']:<7} {row['state']:<9} "
                      f"{row['project']}#{row['segment']:<5} "
                      f"attempts {row['attempts']}/{row['max_attempts']}{error}")
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    """``studio config list|set|unset``."""
    from studio.core.settings import known_settings, parse, show

    with _open_library(args) as library:
        if args.action == "set":
            value = parse(args.key, args.value)
            library.set_setting(args.key, value)
            print(f"{args.key} = {show(value)}")
        elif args.action == "unset":
            parse_known = known_settings()
            if args.key not in parse_known:
                parse(args.key, "")  # raises the unknown-key message
            library.delete_setting(args.key)
            print(f"{args.key} = {show(parse_known[args.key].default)} (default)")
        else:
            stored = library.settings()
            for key, setting in sorted(known_settings().items()):
                value = stored.get(key, setting.default)
                mark = "" if key in stored else " (default)"
                print(f"{key:<28} {show(value)}{mark}\n    {setting.help}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    """``studio models list|download|verify|remove``."""
    from studio.weights import ModelStore

    store = ModelStore()
    if args.action == "list":
        rows: list[dict[str, Any]] = []
        for name, spec in sorted(store.specs.items()):
            status = store.status(name)
            rows.append({"name": name, "state": status.state, "backend": spec.backend,
                         "vram_mb": spec.vram_mb, "licence": spec.licence,
                         "languages": list(spec.languages), "folder": str(status.folder),
                         "bytes_on_disk": status.bytes_on_disk,
                         "problems": [str(p) for p in status.problems]})
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        for row in rows:
            size = f"{row['bytes_on_disk'] / 1e9:.2f} GB" if row["bytes_on_disk"] else "-"
            print(f"{row['name']:<20} {row['state']:<11} {size:>9}  backend {row['backend']}, "
                  f"{row['vram_mb']} MB VRAM, {row['licence']}, {' '.join(row['languages'])}")
            for problem in row["problems"]:
                print(f"    {problem}")
        return 0
    if args.action == "download":
        folder = _with_progress(
            lambda progress: store.download(args.name, args.source, progress),
            args.no_progress, f"downloading {args.name}")
        if not store.spec(args.name).pinned:
            print(f"note: the manifest pins no checksums for {args.name}; the files' sha256 "
                  "as downloaded are recorded in the model folder for later checks",
                  file=sys.stderr)
        print(folder)
        return 0
    if args.action == "verify":
        problems = _with_progress(lambda progress: store.verify(args.name, progress),
                                  False, f"verifying {args.name}")
        if problems:
            raise UserError(f"model {args.name} is damaged: "
                            + "; ".join(str(p) for p in problems),
                            f"run: studio models download {args.name} (fetches only those files)")
        if args.pins:
            for path, entry in store.record(args.name).get("files", {}).items():
                print(f'[[model.files]]\npath = "{path}"\nsize = {entry["size"]}\n'
                      f'sha256 = "{entry["sha256"]}"')
        print(f"model {args.name}: every file checks out", file=sys.stderr)
        return 0
    freed = store.remove(args.name)
    print(f"removed model {args.name} ({freed / 1e6:.1f} MB freed)", file=sys.stderr)
    return 0


def _with_progress(work, quiet: bool, label: str):  # type: ignore[no-untyped-def]
    """Run ``work(progress)`` with a byte progress bar on stderr."""
    from tqdm import tqdm

    with tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
              disable=quiet, file=sys.stderr, leave=False) as bar:
        def progress(path: str, in_file: int, done: int, total: int) -> None:
            if total and bar.total != total:
                bar.total = total
            bar.set_postfix_str(path, refresh=False)
            bar.update(done - bar.n)

        result = work(progress)
        bar.refresh()
        return result


def cmd_serve(args: argparse.Namespace) -> int:
    """``studio serve``: the HTTP API until SIGINT or SIGTERM."""
    from studio.server.run import serve
    from studio.server.settings import ServerSettings

    if args.port is not None and not 0 < args.port < 65536:
        raise UserError(f"--port {args.port} is not a port", "use 1 to 65535")
    with _open_library(args) as library:
        stored = library.settings_with_prefix("server.")
        root = library.root
    options = {name: getattr(args, name) for name in (
        "host", "port", "log_format", "timeout_s", "result_ttl_s", "sweep_every_s",
        "max_body_bytes", "key_concurrency", "voice_url_allow")}
    settings = ServerSettings.from_mapping(stored, **options)
    return serve(root, settings, verbose=args.verbose)


def cmd_keys(args: argparse.Namespace) -> int:
    """``studio keys add|list|revoke``."""
    from studio.core import keys

    with _open_library(args) as library:
        if args.action == "add":
            key = keys.add_key(library, args.name)
            print(f"studio: key {args.name!r} made; it is shown only now, keep it safe "
                  "(send it as `Authorization: Bearer KEY`)", file=sys.stderr)
            print(key)
            return 0
        if args.action == "revoke":
            keys.revoke_key(library, args.name)
            print(f"studio: key {args.name!r} revoked", file=sys.stderr)
            return 0
        rows = keys.list_keys(library)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        made = time.strftime("%Y-%m-%d %H:%M", time.localtime(row["created_at"]))
        revoked = (f"revoked {time.strftime('%Y-%m-%d %H:%M', time.localtime(row['revoked_at']))}"
                   if row["revoked_at"] else "live")
        print(f"{row['name']:<24} vs-{row['key_id']}-…  made {made}  {revoked}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    """``studio gui`` (and ``studio`` alone): the desktop studio."""
    import os

    screenshot = getattr(args, "screenshot", None)
    headless = not any(os.environ.get(name) for name in
                       ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    if sys.platform.startswith("linux") and headless and screenshot is None:
        raise UserError("there is no display to open the studio window on",
                        "run it in a desktop session, or use `studio render SCRIPT` "
                        "(`studio --help` lists the commands)")
    from studio.ui.app import run

    root = args.library or default_library_dir()
    return run(Path(root), getattr(args, "screenshot", None), getattr(args, "view", "projects"),
               getattr(args, "language", None), getattr(args, "theme", None))


COMMANDS = {"gui": cmd_gui, "render": cmd_render, "voices": cmd_voices, "projects": cmd_projects,
            "engine": cmd_engine, "gpu": cmd_gpu, "jobs": cmd_jobs,
            "models": cmd_models, "config": cmd_config, "segments": cmd_segments, "qa": cmd_qa,
            "regenerate": cmd_regenerate, "edit": cmd_edit, "lock": cmd_mark,
            "unlock": cmd_mark, "approve": cmd_mark, "unapprove": cmd_mark,
            "takes": cmd_takes, "take": cmd_take, "export": cmd_export,
            "script": cmd_script, "lexicon": cmd_lexicon, "serve": cmd_serve, "keys": cmd_keys}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``studio`` console command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="[%(asctime)s] [%(levelname)s] [%(name)s] [%(process)d] %(message)s",
    )
    if args.command is None:
        args.command = "gui"
    try:
        return COMMANDS[args.command](args)
    except UserError as err:
        from studio.backends import Unavailable

        # a backend that cannot run here: what was found and the command that fixes it
        message = err.explained if isinstance(err, Unavailable) else str(err)
        print(f"studio: {message}", file=sys.stderr)
        return err.exit_code
    except sqlite3.OperationalError as err:
        if "locked" not in str(err) and "busy" not in str(err):
            raise
        print("studio: the library database is locked by another program: close it, or wait "
              "for it to finish, and try again", file=sys.stderr)
        return UserError.exit_code
    except KeyboardInterrupt:
        print("studio: interrupted; finished takes are kept, and queued segments go on "
              "rendering in the background (`studio jobs cancel --project NAME` stops them)",
              file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # a bug: say so in one line, details with -v
        log.debug("internal error", exc_info=True)
        print(f"studio: internal error: {type(err).__name__}: {err}"
              + ("" if args.verbose else " (run with -v for details)"), file=sys.stderr)
        return 1
