"""Shared fixtures: a fresh library per test, the real ``studio`` command in a
subprocess, real speech clips made by the bundled Piper voice, and a
snapshot of a library's contents to prove that bad input changed nothing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.backends import VoiceRef
from studio.backends.piper import PiperBackend
from studio.core.store import Library

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    """A finished ``studio`` process."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """Lines the command printed on stderr that are not progress output."""
        return [line for line in self.stderr.splitlines() if line.startswith("studio:")]


@pytest.fixture
def library_dir(tmp_path: Path) -> Iterator[Path]:
    """A library folder for one test (not created yet); any engine started
    for it is stopped when the test ends, so no process outlives its test."""
    root = tmp_path / "library"
    yield root
    if root.exists():
        from studio.engine.client import stop_engine

        stop_engine(root)


@pytest.fixture
def library(library_dir: Path) -> Iterator[Library]:
    """An open, empty library with the preset voices registered."""
    from studio.core.planning import ensure_presets

    lib = Library.open(library_dir)
    ensure_presets(lib)
    yield lib
    lib.close()


def run_studio(
    library_dir: Path, cwd: Path, *args: str | Path, stdin: bytes | None = None,
    timeout: float = 600, **env_extra: str,
) -> Run:
    """Run the real ``studio`` command (``python -m studio``) on a library, in ``cwd``."""
    env = dict(os.environ, STUDIO_HOME=str(library_dir), PYTHONUNBUFFERED="1",
               PYTHONPATH=str(REPO))
    env.update(env_extra)
    proc = subprocess.run(
        [sys.executable, "-m", "studio", *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
    )
    return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


@pytest.fixture
def studio(library_dir: Path, tmp_path: Path) -> Callable[..., Run]:
    """Run the real ``studio`` command (``python -m studio``) on the test's library."""

    def run(*args: str | Path, **kwargs: object) -> Run:
        return run_studio(library_dir, tmp_path, *args, **kwargs)  # type: ignore[arg-type]

    return run


@pytest.fixture(scope="session")
def piper() -> PiperBackend:
    """The bundled Piper voice, loaded once for the whole session."""
    backend = PiperBackend()
    backend.load("cpu")
    return backend


@pytest.fixture(scope="session")
def speech(piper: PiperBackend) -> Callable[[float], np.ndarray]:
    """Real speech of about the given length in seconds, at 22.05 kHz."""
    sentence = "The quick brown fox jumps over the lazy dog, and the studio records it."
    cache: dict[float, np.ndarray] = {}

    def make(seconds: float) -> np.ndarray:
        if seconds not in cache:
            ref = VoiceRef("joe", "preset", "en")
            pieces, total = [], 0
            while total < seconds * piper.sample_rate:
                piece = piper.synthesize(sentence, ref, seed=0)
                pieces.append(piece)
                total += len(piece)
            audio = np.concatenate(pieces)[: int(seconds * piper.sample_rate)]
            peak = float(np.max(np.abs(audio)))
            cache[seconds] = (audio * (0.5 / peak)).astype(np.float32)
        return cache[seconds]

    return make


@pytest.fixture
def clip(tmp_path: Path, speech: Callable[[float], np.ndarray]) -> Callable[..., Path]:
    """Write a clip of real speech: clip(seconds, suffix='.wav', stereo=False)."""

    def make(seconds: float, suffix: str = ".wav", *, stereo: bool = False) -> Path:
        audio = speech(seconds)
        if stereo:
            audio = np.stack([audio, audio * 0.8], axis=1)
        path = tmp_path / f"clip-{seconds}{'-st' if stereo else ''}{suffix}"
        sf.write(path, audio, PiperBackend.sample_rate)
        return path

    return make


RUNTIME_FILES = ("logs", "backups", "engine.lock", "server.json", "doorbells")


def snapshot(root: Path) -> dict[str, str]:
    """Every file of a library's content (hashed) plus a logical dump of its
    database: what a user would lose.

    The database is compared by content, not bytes (WAL checkpoints rewrite
    the file without changing what it holds). The engine's runtime state —
    its log, backups, lock, doorbells and the ``workers`` table — is not content.
    """
    state: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in RUNTIME_FILES or path.name.startswith("studio.db"):
            continue
        if path.is_file():
            state[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    db = root / "studio.db"
    if db.exists():
        conn = sqlite3.connect(db)
        dump = [line for line in conn.iterdump() if '"workers"' not in line]
        state["studio.db"] = hashlib.sha256("\n".join(dump).encode()).hexdigest()
        conn.close()
    return state


def write_script(folder: Path, name: str, text: str) -> Path:
    """Write a UTF-8 script file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
