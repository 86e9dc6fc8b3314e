"""One-shot requests of ``studio serve``: a text in, audio out, through the
same queue and engine as any project.

Each request becomes a project of its own (named ``api-oneshot-<random>``),
hidden from the project listings from its first commit by ``expires_at``,
rendered at interactive priority, and swept once expired: its rows go at
once (the engine's sweep removes take files no row points to), its result
files when they are older than the time to live. So a one-shot request
shares placement, retries and crash safety with everything else, and a
crash of the server leaves nothing behind for long.

A result file's name is a capability: 128 random bits, so knowing the name
is the right to download it (the original contract's clients send no key to
fetch their audio), until the result's time to live has passed.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from studio.core.export import NotRendered
from studio.core.jobs import JobQueue
from studio.core.planning import plan_project, resolve_voice
from studio.core.progress import read_progress
from studio.core.prompts import remove_voice
from studio.core.storage.progress import ProgressStore
from studio.core.store import Library, Project, Segment, Take
from studio.errors import UserError
from studio.text import prepare_script

PREFIX = "api-oneshot-"
RESULTS = "server/results"  # under the library: the original contract's audio files
RESULT_NAME = re.compile(r"[0-9a-f]{32}\.wav")  # 16 random bytes in hex: a capability


def is_oneshot(project: Project) -> bool:
    """Whether ``project`` is a one-shot request's."""
    return project.expires_at is not None


def speed_markup(text: str, speed: float) -> str:
    """``text`` spoken at ``speed`` (the script markup every backend reads)."""
    if abs(speed - 1.0) < 1e-6:
        return text
    return f"[speed {speed:g}]{text}[/speed]"


def create(library: Library, text: str, voice_name: str, *, ttl_s: float,
           speed: float = 1.0, label: str = "the input") -> Project:
    """Check ``text`` and the voice, then make the request's project with its
    segments (nothing is written if a check fails)."""
    voice, backend = resolve_voice(library, "", voice_name)
    raw = speed_markup(text, speed)
    script = prepare_script(raw, backend.max_chars, name=label)
    name = f"{PREFIX}{secrets.token_hex(8)}"
    library.create_project(name, voice, expires_at=time.time() + ttl_s)
    try:
        planned = plan_project(library, raw, name, voice.name, script_label=label,
                               prepared=script)
    except BaseException:
        library.remove_project(name)
        raise
    return planned.sync.project


@dataclass(frozen=True)
class Outcome:
    """How a one-shot request's render ended."""

    done: bool
    errors: tuple[str, ...] = ()


def outcomes(library: Library, ids: list[int]) -> dict[int, Outcome | None]:
    """How each waiting request's project ended (None: not yet), read in one
    snapshot from its :class:`~studio.core.progress.Progress`: done once
    rendered and settled (one-shot takes are not checked, so that is once
    rendered); failed, with its jobs' errors, once a render gave up (the
    request cannot be answered whole: its other jobs need not run, and a
    stream's held segments would wait for nothing) or nothing is left to
    try; a project removed meanwhile (from the desktop, say) is said so at
    once."""
    found: dict[int, Outcome | None] = {}
    for project_id, progress in read_progress(library, ids).items():
        if not progress.total:
            found[project_id] = Outcome(False, ("the request's project was removed",))
        elif progress.done:
            found[project_id] = Outcome(True)
        elif progress.settled or progress.dead:
            errors = ProgressStore(library.conn).dead_errors(project_id)
            found[project_id] = Outcome(False, tuple(errors) or ("not rendered",))
        else:
            found[project_id] = None
    return found


def finish(library: Library, project: Project) -> None:
    """After the request is answered: cancel what is left of its jobs (a
    request that timed out, say). One-shot takes get no check queued: their
    audio is answered as rendered."""
    JobQueue(library).cancel(project_id=project.id)


def rendered_takes(library: Library, project: Project) -> list[tuple[Segment, Take]]:
    """The request's segments and their takes, in order, for joining off the
    library's connection (:func:`studio.core.export.join_takes`); a segment
    with no take is :class:`~studio.core.export.NotRendered`."""
    pairs = library.current_takes(project.id)
    missing = [segment for segment, take in pairs if take is None]
    if missing:
        raise NotRendered(project, missing)
    return [(segment, take) for segment, take in pairs if take is not None]


def result_name() -> str:
    """A new result file's name (:data:`RESULT_NAME`): 128 random bits."""
    return f"{secrets.token_hex(16)}.wav"


def is_result_name(name: str) -> bool:
    """Whether ``name`` has the exact form of a result's name (nothing else
    is looked for on disk)."""
    return RESULT_NAME.fullmatch(name) is not None


def read_result(results: Path, name: str, ttl_s: float, now: float | None = None
                ) -> bytes | None:
    """The bytes of the result ``name`` in ``results``, or None when there is
    none or it is older than ``ttl_s`` (expired, swept or not yet)."""
    if not is_result_name(name):
        return None
    now = time.time() if now is None else now
    try:
        path = results / name
        if now - path.stat().st_mtime > ttl_s:
            return None
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None


def sweep(library: Library, results: Path, ttl_s: float, now: float | None = None) -> int:
    """Remove expired one-shot projects (their active jobs are cancelled with
    them) and result files older than ``ttl_s``; how many projects went."""
    now = time.time() if now is None else now
    gone = 0
    for project in library.expired_projects(now):
        JobQueue(library).cancel(project_id=project.id)
        library.remove_project(project.name)
        gone += 1
    for voice in library.voices():  # voices made from a voice_url, once no project uses them
        if voice.name.startswith(PREFIX) and now - voice.created_at > ttl_s:
            with contextlib.suppress(UserError):  # still used by a project not yet expired
                remove_voice(library, voice.name)
    if results.is_dir():
        for path in results.iterdir():
            try:
                if path.is_file() and now - path.stat().st_mtime > ttl_s:
                    path.unlink()
            except FileNotFoundError:
                pass
    return gone
