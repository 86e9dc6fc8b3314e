"""What the ``studio`` commands share: opening the library, finding the
projects and segments named on the command line, reading script files, and
the exit codes past 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from studio.errors import UserError
from studio.paths import default_library_dir

EXIT_INCOMPLETE = 3  # segments are not rendered
EXIT_NEEDS_REVIEW = 4  # take QA flagged segments: a person should listen
EXIT_NOT_CHECKED = 5  # takes QA could not check (its model is missing or damaged)


def open_library(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The library of ``--library`` (default: $STUDIO_HOME or the user data folder)."""
    from studio.core.store import Library

    return Library.open(args.library or default_library_dir())


def find_project(library: Any, name: str) -> Any:
    """The project named ``name``, or :class:`UserError` naming those there are."""
    project = library.find_project(name)
    if project is None:
        names = ", ".join(row["name"] for row in library.projects()) or "none yet"
        raise UserError(f"no project named {name!r}", f"projects in the library: {names}")
    return project


def segment_numbers(library: Any, project: Any, specs: Sequence[str]) -> list[Any]:
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


def read_script(arg: str) -> tuple[str, str, str]:
    """(text, label for messages, default project name) of the script argument."""
    from studio.text import MAX_SCRIPT_BYTES, decode_script

    if arg == "-":
        data = sys.stdin.buffer.read(MAX_SCRIPT_BYTES + 1)
        return decode_script(data, "standard input"), "standard input", "stdin"
    path = Path(arg)
    data = read_file(path, MAX_SCRIPT_BYTES, "script file")
    return decode_script(data, path.name), path.name, path.stem


def read_file(path: Path, limit: int, what: str = "file") -> bytes:
    """Up to ``limit + 1`` bytes of ``path`` (one more than allowed: the
    reader names a file over its limit), or :class:`UserError`."""
    if not path.is_file():
        raise UserError(f"no {what} {path}", "check the path")
    try:
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as err:
        raise UserError(f"cannot read {path} ({err.strerror})") from None


def shell_quote(name: str) -> str:
    """``name`` quoted to paste into a shell command."""
    import shlex

    return shlex.quote(name)


def report_unrendered(library, project, progress) -> int:  # type: ignore[no-untyped-def]
    """Why segments are not rendered, on stderr; returns :data:`EXIT_INCOMPLETE`."""
    from studio.service import queue

    dead = queue.jobs(library, "dead", project)
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
