"""Long work off the request path: a project's export (its audio, its
subtitles) runs in a child process of its own, ``python -m
studio.server.long_work``, which calls the export flow
(:mod:`studio.service.export`) on its own connection to the library.

Why a process: an export reads every take, joins them, measures the
loudness and encodes minutes of audio. On the server's database threads it
held up every short request (eight exports at once kept ``/v1/audio/voices``
waiting 11 s, and 45 s on a larger library); in a process of its own it
holds nothing the server needs (no database thread, not the interpreter's
lock), it is killed, with its encoder, when its client goes away or the
server stops, and it dies with the server (``PR_SET_PDEATHSIG``). A process
starts in about 0.2 s, small beside an export.

Bounds: at most ``max_exports`` children at once for all keys together
(more wait their turn; 0 means one per CPU core) and ``key_exports`` in
flight per key (one more is answered 429, :class:`~studio.server.auth.Slots`).

The child reads one JSON request on stdin (``root``, ``job``, ``args``) and
writes one JSON answer on stdout: ``{"result": …}``, or ``{"refused":
{"message", "code"}}`` for a :class:`~studio.errors.UserError` (a project
not rendered, say); anything else it prints on stderr and exits 1, and the
server logs it and answers 500 with a reference.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.errors import UserError
from studio.server.auth import Slots

log = logging.getLogger("studio.server")
EXPORT_PREFIX = "export-"  # the folders exports are written to, in the server's results


def sweep_exports(results: Path, ttl_s: float, now: float | None = None) -> int:
    """Remove export folders older than ``ttl_s`` that a server killed while
    it exported left behind (a running server removes its own); how many."""
    now = time.time() if now is None else now
    gone = 0
    for folder in results.glob(f"{EXPORT_PREFIX}*"):
        with contextlib.suppress(OSError):
            if folder.is_dir() and now - folder.stat().st_mtime > ttl_s:
                shutil.rmtree(folder)
                gone += 1
    return gone


class LongWorkFailed(Exception):
    """A child process failed without a refusal (its stderr is logged)."""


class LongWork:
    """Child processes for long work, bounded in all and per key."""

    def __init__(self, root: Path, workers: int, per_key: int) -> None:
        self.root = root
        self.workers = workers or os.cpu_count() or 1
        self.keys = Slots(per_key, "exports")
        self._free = asyncio.Semaphore(self.workers)
        self._children: set[asyncio.subprocess.Process] = set()

    async def run(self, job: str, **args: Any) -> Any:
        """``job`` (a name of :data:`JOBS`) with ``args``, in a child process
        once one of the places is free: its result. A refusal is raised as
        :class:`~studio.errors.UserError` (its code kept), any other failure
        as :class:`LongWorkFailed`. Cancelled, the child is killed."""
        request = json.dumps({"root": str(self.root), "job": job, "args": args}).encode()
        async with self._free:
            # the child finds the studio where this process found it
            path = os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                    os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
            child = await asyncio.create_subprocess_exec(
                sys.executable, "-m", __name__, stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                env=dict(os.environ, PYTHONPATH=path), start_new_session=True)
            self._children.add(child)
            try:
                out, err = await child.communicate(request)
            except BaseException:
                self._kill(child)
                raise
            finally:
                self._children.discard(child)
        try:
            answer = json.loads(out) if child.returncode == 0 else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            lines = err.decode(errors="replace").strip().splitlines() or [
                f"exit code {child.returncode}"]
            log.error("%s in a child process failed (exit code %s):\n%s", job,
                      child.returncode, "\n".join(lines))
            raise LongWorkFailed(f"{job} failed: {lines[-1]}")
        if "refused" in answer:
            raise UserError(str(answer["refused"]["message"]),
                            code=str(answer["refused"]["code"]))
        return answer["result"]

    def _kill(self, child: asyncio.subprocess.Process) -> None:
        """Kill ``child`` and what it started (its encoder): its session."""
        if child.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)

    def close(self) -> None:
        """Kill every child still at work (the server is stopping)."""
        for child in list(self._children):
            self._kill(child)


# ---------------------------------------------------------------- the child's side
def _project(library: Any, project_id: int) -> Any:
    from studio.service import oneshot

    project = library.project_by_id(project_id)
    if project is None or oneshot.is_oneshot(project):
        raise UserError(f"no project with id {project_id}: see GET /v1/projects",
                        code="not_found")
    return project


def export_audio(library: Any, project_id: int, out: str) -> dict[str, Any]:
    """Write the project's audio to ``out`` (its format by its suffix)."""
    from studio.service import export

    result = export.export(library, _project(library, project_id), Path(out))
    return {"duration_s": result.duration_s}


def export_srt(library: Any, project_id: int) -> str:
    """The project's subtitles, as the export writes them."""
    from studio.service import export

    return export.srt(library, _project(library, project_id))


JOBS: dict[str, Callable[..., Any]] = {"audio": export_audio, "srt": export_srt}


def main() -> int:
    """The child: one request on stdin, its answer on stdout."""
    from studio.core.store import Library
    from studio.process import die_with_parent

    die_with_parent()
    request = json.loads(sys.stdin.buffer.read())
    with Library.open(Path(request["root"])) as library:
        try:
            result = JOBS[request["job"]](library, **request["args"])
        except UserError as err:
            answer: dict[str, Any] = {"refused": {"message": str(err), "code": err.code}}
        else:
            answer = {"result": result}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
