"""The records the stores read and write: voices, projects, segments, takes,
claimed jobs, and what a script sync or a lexicon change did."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class Voice:
    """A voice in the library: a backend's preset or a cloned prompt clip."""

    id: int
    name: str
    kind: str
    backend: str | None
    language: str
    transcript: str | None
    original_path: str | None
    prompt_path: str | None
    duration_s: float | None
    created_at: float


@dataclass(frozen=True)
class Project:
    """A script and its segments."""

    id: int
    name: str
    script: str
    voice_id: int
    created_at: float
    updated_at: float
    paused: int = 0
    deleted_at: float | None = None  # in the trash since then; None: a live project
    expires_at: float | None = None  # a one-shot request's project: swept after this time


@dataclass(frozen=True)
class Segment:
    """A piece of a project rendered and reviewed on its own."""

    id: int
    project_id: int
    position: int | None
    paragraph: int
    text: str
    source: str
    language: str
    pause: str
    voice_id: int | None
    locked: bool
    current_take_id: int | None
    approved_take_id: int | None
    chosen_take_id: int | None  # the take the user chose: take QA never replaces it
    state: str  # from the ``segment_states`` view: see SEGMENT_STATES_VIEW
    done: bool  # its current take speaks its present text with its present voice
    qa: str | None  # the QA verdict on its current take (see SEGMENT_STATES_VIEW)
    speech: str = ""  # what it speaks: its text with the lexicon applied (studio.text.lexicon)
    speed: float = 1.0
    pause_s: float | None = None  # the pause its script asks for after it; None: by ``pause``
    script_voice_id: int | None = None  # the voice its script names for it
    phonemes: str = "[]"  # JSON [[word, IPA], …]: the phonemes its script gives inline

    @property
    def number(self) -> int:
        """Its place in the script, from 1 (0 for a detached segment)."""
        return (self.position or 0) + 1


@dataclass(frozen=True)
class Take:
    """One rendering of a segment's text."""

    id: int
    segment_id: int
    path: str
    text: str
    voice_id: int
    backend: str
    seed: int
    sample_rate: int
    frames: int
    created_at: float
    speech: str = ""
    speed: float = 1.0
    host: str = ""  # the machine that made it ("" before the render farm)
    device: str = ""  # and its device there: "cpu", "cuda:0"

    @property
    def duration_s(self) -> float:
        """Length of the take in seconds."""
        return self.frames / self.sample_rate


@dataclass(frozen=True)
class SyncResult:
    """What re-splitting a script did to a project's segments."""

    project: Project
    kept: int
    added: int
    detached: int


@dataclass(frozen=True)
class LexiconChange:
    """What a lexicon change did: the segments that now say something else
    (by project name), and the locked ones that kept what they said."""

    changed: dict[str, list[int]]
    locked: dict[str, list[int]]

    @property
    def count(self) -> int:
        """How many segments now say something else."""
        return sum(len(ids) for ids in self.changed.values())


@dataclass(frozen=True)
class Job:
    """A claimed render job: what a worker needs to render it."""

    id: int
    segment_id: int
    backend: str
    seed: int
    attempts: int
    max_attempts: int
    text: str
    voice_id: int
    retake: int = 0  # 0: asked for; n: the n-th automatic retake of a chain (studio.core.take_qa)
    speech: str = ""  # what the backend is given: the text with the lexicon applied
    speed: float = 1.0


@dataclass(frozen=True)
class CheckJob:
    """A claimed check: the take and what it should say."""

    id: int
    kind: str  # "check" (may retake) or "recheck" (stores the result only)
    take_id: int
    segment_id: int
    project_id: int
    retake: int
    attempts: int
    max_attempts: int
    path: str  # the take's file, relative to the library
    text: str  # what the take was rendered to say
    speech: str  # ... with the lexicon applied (studio.text.lexicon.spoken_words: heard)
    speed: float
    language: str
    sample_rate: int
    frames: int
    voice_id: int
    voice_kind: str
    prompt_path: str | None  # a cloned voice's prompt clip, relative

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def record(cls: type[R], row: sqlite3.Row) -> R:
    """The record of type ``cls`` whose fields are the row's columns."""
    return cls(**{key: row[key] for key in row.keys()})


def segment_record(row: sqlite3.Row | dict[str, Any]) -> Segment:
    """A segment from a row of ``segments`` joined to ``segment_states``."""
    values = dict(row) if isinstance(row, dict) else {key: row[key] for key in row.keys()}
    values["locked"] = bool(values["locked"])
    values["done"] = bool(values["done"])
    return Segment(**values)
