"""Take QA: what a take says, how it sounds and who speaks it, measured.

This package is analysis only: audio and text in, a verdict out. It never
touches the library; the engine's check workers feed it takes and store
what it finds (``studio.core.take_qa``). It sits beside the backends in the
layers: it may use ``studio.text`` and ``studio.audio``, nothing above.

The contract the engine relies on:

* :class:`TakeToCheck` is one take with what it should say.
* :class:`Checker` checks a batch of takes (packed into the recognizer's
  30-second windows) and returns one :class:`CheckResult` per take, in order.
* A recognizer that is missing or damaged raises :class:`QaUnavailable`
  from :meth:`Checker.load` (one clear line): the engine then records the
  takes as ``unchecked``, never as passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from studio.errors import UserError

VERDICTS = ("pass", "review", "fail", "unchecked")

_SPOKEN = re.compile(r"\w", re.UNICODE)


def spoken_characters(text: str) -> int:
    """Letters and digits of the spoken text (what a speaking rate counts)."""
    return sum(1 for c in _SPOKEN.findall(text) if c != "_")


class QaUnavailable(UserError):
    """A QA model is missing or damaged: what, and how to put it back."""


@dataclass(frozen=True)
class QaSettings:
    """What is checked and how strictly (library settings ``qa.*``)."""

    enabled: bool = True
    max_retakes: int = 2  # retakes (new seed) of a failing take, and of retakes not passing
    check_words: bool = True  # speech recognition against the spoken text
    check_timing: bool = True  # speaking rate and silences
    check_signal: bool = True  # clipping, noise bursts, near-silence, DC
    check_identity: bool = True  # speaker similarity (needs the optional identity model)
    wer_review: float = 0.10  # word (or character) error rate above this: review
    wer_fail: float = 0.25  # above this: fail
    missing_run_fail: int = 3  # this many consecutive script words missing: fail
    repeat_fail: int = 2  # a phrase of 2+ words said this many extra times: fail
    silence_inner_s: float = 1.2  # an inner silence longer than this: fail
    silence_edge_s: float = 0.8  # leading or trailing silence longer than this: review
    rate_z_review: float = 3.5  # speaking rate this many robust deviations from the project's
    similarity_margin: float = 0.15  # below the voice's own similarity by this much: fail
    workers: int = 0  # check worker processes; 0: one per four cores (at least one)
    model_en: str = "tiny.en"  # recognizer for English
    model_other: str = "base"  # recognizer for every other language

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> QaSettings:
        """Defaults overridden by ``values`` (keys without the ``qa.`` prefix)."""
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        return cls(**known)


@dataclass(frozen=True)
class TakeToCheck:
    """One take and what it should say."""

    key: int  # the caller's id for it (the take's id)
    audio: npt.NDArray[np.float32]  # mono
    rate: int
    # the script's words: the segment's text (normalized, markup applied), what
    # the words heard are held to (a name respelled for the voice is still
    # right when the recognizer writes it as the script does)
    text: str
    language: str  # "en", "zh", ...
    # (speaking rate, spoken characters) of the project's other checked takes
    # (rate: characters of spoken text per second of speech), for the
    # outlier check; empty: not enough known yet
    project_rates: tuple[tuple[float, int], ...] = ()
    # speaker reference: the voice's prompt clip (cloned voices), if any
    prompt: tuple[npt.NDArray[np.float32], int] | None = None
    # speaker embeddings (CheckResult.embedding) of the project's other takes
    # of the same voice: drift shows against them, prompt or not
    voice_embeddings: tuple[bytes, ...] = ()
    # segments in the take's project: a project too small to show drift, in a
    # voice with no prompt, leaves the speaker check out
    project_size: int = 0
    # the speed the script asked for: the pace check judges the pace at speed 1
    speed: float = 1.0
    # the words the voice was given, where a lexicon alias changed them
    # (phoneme spans read as their words); empty: the same as ``text``. The
    # pace counts these (the respelling's length is what takes time), and a
    # word heard as its respelling (a name the recognizer does not know) is
    # right too
    spoken: str = ""


@dataclass(frozen=True)
class Spot:
    """A problem at a place in the take, for the waveform: seconds and a word."""

    start_s: float
    end_s: float
    kind: str  # "missing", "extra", "silence", "noise", "click", "clipping", ...


@dataclass(frozen=True)
class CheckResult:
    """What the checks found in one take."""

    verdict: str  # one of VERDICTS
    score: float  # 0..1, higher is better: picks the best of a segment's takes
    reasons: tuple[str, ...] = ()  # for a person: "missing: 'the licensee may'"
    metrics: dict[str, Any] = field(default_factory=dict)  # measured values, JSON-able
    recognized: str | None = None  # what the recognizer heard
    # aligned words: (op, script words, heard words); op: equal, missing, extra, changed
    diff: tuple[tuple[str, str, str], ...] = ()
    spots: tuple[Spot, ...] = ()
    model: str | None = None  # the recognizer that heard it
    embedding: bytes | None = None  # speaker embedding (float32), for project outliers
