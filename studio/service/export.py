"""Export a project as a user asks for it: refuse audio that does not match
the script, choose the file's place, write audio and subtitles.

``studio export``, ``studio render``'s last step, the window's Ctrl+E and the
API's project audio call :func:`export`.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from studio.core.export import (
    ExportResult,
    ExportSettings,
    assemble,
    check_exportable,
    export_project,
    subtitles,
)
from studio.core.store import Library, Project

__all__ = ["default_path", "export", "safe_name", "srt"]


MAX_NAME_BYTES = 120  # of a file name made from a project's, before its suffix
# names Windows keeps for devices, whatever follows their first dot
_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                      *(f"LPT{i}" for i in range(10))})


def safe_name(name: str) -> str:
    """A file name made from a project's name, safe on every file system:
    letters, digits, marks and ``-_ .`` kept, anything else (a slash, a
    control character) replaced by ``_``; no dot or space at either end (a
    leading dot hides a file, Windows drops trailing ones); at most
    :data:`MAX_NAME_BYTES` bytes of UTF-8; never empty, nor a device name."""
    kept = "".join(c if c.isalnum() or c in "-_ ." or unicodedata.category(c)[0] == "M"
                   else "_" for c in name)
    kept = kept.encode()[:MAX_NAME_BYTES].decode(errors="ignore").strip(" .") or "project"
    if kept.split(".")[0].upper() in _DEVICES:
        kept = f"_{kept}"
    return kept


def default_path(library: Library, project: Project, suffix: str) -> Path:
    """Where an export goes when no file is named: the library's exports folder."""
    return library.path(f"exports/{safe_name(project.name)}{suffix}")


def export(library: Library, project: Project, out: Path | None = None, *,
           settings: ExportSettings | None = None, suffix: str = ".wav",
           srt: Path | None = None, vtt: Path | None = None) -> ExportResult:
    """Write the project's audio (and subtitles, if asked). A project with a
    segment that has no current take is refused (code ``not_rendered``),
    naming the segments, before anything is written."""
    check_exportable(library, project)
    if out is None:
        out = default_path(library, project, suffix)
    return export_project(library, project, out, srt, settings, vtt)


def srt(library: Library, project: Project) -> str:
    """The project's subtitles (SRT) as the export would write them, without
    writing the audio; refused like :func:`export` while a segment has no
    current take."""
    _, _, cues = assemble(library, project, ExportSettings())
    return subtitles(cues)
