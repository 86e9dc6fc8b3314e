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
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from studio.errors import UserError
from studio.text.lang import LANGUAGE_NAMES

ENTRY_POINT_GROUP = "studio.backends"

log = logging.getLogger("studio.backends")


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

    @property
    def cache_key(self) -> tuple[object, ...]:
        """Changes whenever what a backend prepares from this voice changes
        (a re-trimmed prompt is rewritten in place: its mtime moves)."""
        stamp = None
        if self.prompt_path is not None:
            try:
                stamp = self.prompt_path.stat().st_mtime_ns
            except OSError:
                stamp = -1
        return (self.name, self.kind, self.language, self.transcript,
                str(self.prompt_path), stamp)


Options = Mapping[str, Any]


class Unavailable(UserError):
    """Why a backend cannot render here, worded once for both front ends.

    ``problem`` is one plain reason and ``step`` one plain next step, for
    anyone: ``str()`` joins them (capitalised sentences, no commands), so the
    window, and a job's error, read as a person would say it. ``detail`` is
    what was found (a folder, the driver's message) and ``fix`` the command
    that fixes it: :attr:`explained`, the reason with both, is what the
    command line and the log print.
    """

    def __init__(self, problem: str, step: str, fix: str = "", detail: str = "") -> None:
        super().__init__(problem, fix)
        self.step = step
        self.detail = detail
        self.args = (f"{problem}. {step}",)

    @property
    def explained(self) -> str:
        """The reason, what was found and the command that fixes it (one line)."""
        found = f" ({self.detail})" if self.detail else ""
        return f"{self.problem}{found}: {self.fix}" if self.fix else f"{self.problem}{found}"


class Backend(abc.ABC):
    """A text-to-speech engine behind one small contract.

    Class attributes describe it without loading it; :meth:`configure` and
    :meth:`load` are called once per worker process, :meth:`prepare_voice`
    once per voice (cached per worker by :meth:`prepared`), :meth:`synthesize`
    once per segment. Options come from the library's settings named
    ``<backend>.<option>`` (e.g. ``cosyvoice2.fp16``).
    """

    name: ClassVar[str]
    sample_rate: ClassVar[int]
    languages: ClassVar[frozenset[str]]
    can_clone: ClassVar[bool] = False
    deterministic: ClassVar[bool] = True  # the same seed gives the same take
    vram_mb: ClassVar[int] = 0  # estimate for the planner; 0 runs on the CPU
    max_chars: ClassVar[int] = 300  # longest segment, in characters of spoken text
    #: Whether it reads IPA phonemes inline as ``[[ … ]]`` (else the lexicon's alias).
    phonemes: ClassVar[bool] = False
    max_cpu_workers: ClassVar[int | None] = None  # a cap for big models run on the CPU
    presets: ClassVar[tuple[Preset, ...]] = ()
    options: Options = {}  # noqa: RUF012 - replaced per instance by configure()
    # Options a user may set (``studio config set <backend>.<option> VALUE``):
    # option -> (kind, meaning); kind is bool, int, float, str or "a|b".
    option_help: ClassVar[dict[str, tuple[str, str]]] = {
        "vram_mb": ("int", "GPU memory one worker needs, in MB (the planner's budget)"),
    }

    @classmethod
    def option_default(cls, option: str) -> Any:
        """The value an option has when it is not set."""
        return cls.vram_mb if option == "vram_mb" else None

    @classmethod
    def available(cls, options: Options | None = None) -> Unavailable | None:
        """None if the backend can run here, else why not and how to fix it."""
        return None

    @classmethod
    def vram_need(cls, options: Options | None = None) -> int:
        """MB of GPU memory one worker needs (the ``vram_mb`` option overrides)."""
        return int((options or {}).get("vram_mb", cls.vram_mb))

    @classmethod
    def needs_build(cls, options: Options | None = None) -> bool:
        """True if :meth:`build` must run once before workers start."""
        return False

    def configure(self, options: Options) -> None:
        """Take the backend's options; called before :meth:`load` or :meth:`build`."""
        self.options = dict(options)

    def build(self, device: str = "cuda") -> None:  # noqa: B027 - optional hook
        """Prepare shared files once (e.g. TensorRT plans), in a process of its
        own, before any worker loads; workers then only read them."""

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

    def set_alone(self, alone: bool) -> None:  # noqa: B027 - optional hook
        """Whether the next segment renders with no other job of this backend
        waiting or running. A backend loaded with a share of the CPU's cores
        may then use them all: a lone request (a server's sentence, one
        regenerate, the last segment of a render) finishes sooner, and a
        busy queue keeps one thread a worker, which renders the most per
        second. Nothing by default (a GPU backend has its device to itself)."""

    def prepare_voice(self, voice: VoiceRef) -> object:
        """Return whatever :meth:`synthesize` needs for ``voice``; see :meth:`prepared`."""
        return voice

    def prepared(self, voice: VoiceRef) -> object:
        """:meth:`prepare_voice`, once per version of the voice in this process."""
        cache: dict[tuple[object, ...], object] = self.__dict__.setdefault("_prepared", {})
        key = voice.cache_key
        if key not in cache:
            cache[key] = self.prepare_voice(voice)
        return cache[key]

    @abc.abstractmethod
    def synthesize(
        self, text: str, voice: VoiceRef, *, seed: int, speed: float = 1.0
    ) -> npt.NDArray[np.float32]:
        """Speak ``text`` with ``voice``; float32 mono at :attr:`sample_rate`."""


def _load_class(spec: str) -> object:
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


_problems: dict[str, str] = {}  # filled by installed_backends()


@functools.lru_cache(maxsize=1)
def installed_backends() -> dict[str, type[Backend]]:
    """Backend classes registered under ``studio.backends``, by name.

    ``$STUDIO_BACKENDS`` (``name=module:Class,…``) adds or replaces backends
    without installing a package: for developing a backend, and for the
    fault-injection tests' stand-ins. A registration that fails to load is
    left out, logged, and listed by :func:`backend_problems`.
    """
    found: dict[str, type[Backend]] = {}
    _problems.clear()
    loaders: list[tuple[str, str, str, Callable[[], object]]] = [
        (entry.name, entry.value, "reinstall or uninstall the package that registers it",
         entry.load)
        for entry in entry_points(group=ENTRY_POINT_GROUP)
    ]
    for item in filter(None, os.environ.get("STUDIO_BACKENDS", "").split(",")):
        name, _, spec = item.partition("=")
        loaders.append((name.strip(), spec.strip(), "fix or remove it in STUDIO_BACKENDS",
                        functools.partial(_load_class, spec.strip())))
    for name, spec, fix, load in loaders:
        try:
            cls = load()
        except Exception as err:  # a broken third-party backend must not break the studio
            problem = f"cannot load {spec} ({type(err).__name__}: {err}): {fix}"
        else:
            if isinstance(cls, type) and issubclass(cls, Backend):
                found[cls.name] = cls
                _problems.pop(cls.name, None)  # a later registration replaced a broken one
                continue
            problem = f"{spec} is not a studio backend class: {fix}"
        _problems[name] = problem
        log.warning("backend %r is not available: %s", name, problem)
    if "piper" not in found:  # running from a source tree without installed metadata
        from studio.backends.piper import PiperBackend

        found["piper"] = PiperBackend
    return found


def backend_problems() -> dict[str, str]:
    """Registered backends that could not be loaded: name -> what is wrong and the fix."""
    installed_backends()
    return dict(_problems)


def backend_class(name: str) -> type[Backend]:
    """The backend class named ``name``, or :class:`UserError`."""
    backends = installed_backends()
    if name not in backends:
        raise UserError(
            f"no backend named {name!r}",
            f"installed backends: {', '.join(sorted(backends))}",
        )
    return backends[name]
