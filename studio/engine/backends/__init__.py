"""The backend protocol and the registry of installed backends.

A backend is a class registered under the entry-point group
``studio.backends`` (see pyproject.toml), so another package can add an
engine without touching the studio. The class carries what the studio needs
to know before loading anything (languages, sample rate, VRAM estimate,
preset voices); an instance is loaded once per worker process.
"""

from __future__ import annotations

import abc
import functools
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from studio.errors import UserError
from studio.text.lang import LANGUAGE_NAMES

ENTRY_POINT_GROUP = "studio.backends"


@dataclass(frozen=True)
class Preset:
    """A voice that ships with a backend."""

    name: str
    language: str
    description: str = ""


@dataclass(frozen=True)
class VoiceRef:
    """What a backend is told about a voice (independent of the store)."""

    name: str
    kind: str  # "preset" or "clone"
    language: str
    transcript: str | None = None
    prompt_path: Path | None = None  # normalized prompt clip, for clones


class Backend(abc.ABC):
    """A text-to-speech engine behind one small contract.

    Class attributes describe it without loading it; :meth:`load` is called
    once per worker process, :meth:`prepare_voice` once per voice (cached),
    :meth:`synthesize` once per segment.
    """

    name: ClassVar[str]
    sample_rate: ClassVar[int]
    languages: ClassVar[frozenset[str]]
    can_clone: ClassVar[bool] = False
    deterministic: ClassVar[bool] = True  # the same seed gives the same take
    vram_mb: ClassVar[int] = 0  # estimate for the planner; 0 runs on the CPU
    max_chars: ClassVar[int] = 300  # longest segment, in characters of spoken text
    presets: ClassVar[tuple[Preset, ...]] = ()

    @classmethod
    def available(cls) -> str | None:
        """None if the backend can run here, else why not and how to fix it."""
        return None

    @classmethod
    def check_language(cls, language: str, voice: str, where: str) -> None:
        """Raise :class:`UserError` if this backend cannot read ``language``."""
        if language in cls.languages:
            return
        readers = [
            b.name for b in installed_backends().values() if language in b.languages
        ]
        known = ", ".join(LANGUAGE_NAMES.get(code, code) for code in sorted(cls.languages))
        fix = (
            f"use a voice of a backend that reads it ({', '.join(readers)})"
            if readers
            else "no installed backend reads it; install the cosyvoice2 backend "
            "(pip install '.[cosyvoice]') and use a cloned voice"
        )
        raise UserError(
            f"{where} is {LANGUAGE_NAMES.get(language, language)}, but voice {voice!r} "
            f"({cls.name}) reads {known} only",
            fix,
        )

    @abc.abstractmethod
    def load(self, device: str = "cpu", threads: int | None = None) -> None:
        """Load the model onto ``device`` ("cpu" or "cuda"). Called once.

        ``threads`` is how many CPU threads this worker may use (the planner
        splits the cores between workers); None lets the runtime decide.
        """

    def prepare_voice(self, voice: VoiceRef) -> object:
        """Return whatever :meth:`synthesize` needs for ``voice`` (cached by caller)."""
        return voice

    @abc.abstractmethod
    def synthesize(
        self, text: str, voice: VoiceRef, *, seed: int, speed: float = 1.0
    ) -> npt.NDArray[np.float32]:
        """Speak ``text`` with ``voice``; float32 mono at :attr:`sample_rate`."""


def _load_class(spec: str) -> object:
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


@functools.lru_cache(maxsize=1)
def installed_backends() -> dict[str, type[Backend]]:
    """Backend classes registered under ``studio.backends``, by name.

    ``$STUDIO_BACKENDS`` (``name=module:Class,…``) adds or replaces backends
    without installing a package: for developing a backend, and for the
    fault-injection tests' stand-ins.
    """
    found: dict[str, type[Backend]] = {}
    loaders: list[tuple[str, Callable[[], object]]] = [
        (entry.name, entry.load) for entry in entry_points(group=ENTRY_POINT_GROUP)
    ]
    for item in filter(None, os.environ.get("STUDIO_BACKENDS", "").split(",")):
        name, _, spec = item.partition("=")
        loaders.append((name.strip(), functools.partial(_load_class, spec.strip())))
    for _name, load in loaders:
        try:
            cls = load()
        except Exception:  # a broken third-party backend must not break the studio
            continue
        if isinstance(cls, type) and issubclass(cls, Backend):
            found[cls.name] = cls
    if "piper" not in found:  # running from a source tree without installed metadata
        from studio.engine.backends.piper import PiperBackend

        found["piper"] = PiperBackend
    return found


def backend_class(name: str) -> type[Backend]:
    """The backend class named ``name``, or :class:`UserError`."""
    backends = installed_backends()
    if name not in backends:
        raise UserError(
            f"no backend named {name!r}",
            f"installed backends: {', '.join(sorted(backends))}",
        )
    return backends[name]
