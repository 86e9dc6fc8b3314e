"""Export a project as a user asks for it: refuse audio that does not match
the script, choose the file's place, write audio and subtitles.

``studio export``, ``studio render``'s last step, the window's Ctrl+E and the
API's project audio call :func:`export`.
"""

from __future__ import annotations

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


def safe_name(name: str) -> str:
    """A file name made from a project's name: letters, digits and ``-_ .``
    kept, anything else (a slash, say) replaced."""
    return "".join(c if c.isalnum() or c in "-_ ." else "_" for c in name).strip() or "project"


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
