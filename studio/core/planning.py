"""Turn a script into a project and its segments into takes.

The one core API both front ends use: :func:`plan_project` checks and
splits a script and updates the project (keeping the takes of segments whose
text did not change); :class:`SegmentRenderer` renders one segment into a
take with a loaded backend. Every check that can fail on the user's input
runs before anything is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from studio import audio
from studio.backends import Backend, Unavailable, VoiceRef, backend_class, installed_backends
from studio.core.jobs import PRIORITY_BULK, JobQueue
from studio.core.store import LexiconChange, Library, Segment, SyncResult, Voice
from studio.errors import UserError
from studio.fsutil import write_bytes_atomic
from studio.text import Script, prepare_script
from studio.text.lexicon import for_backend, has_phonemes, speech_of, spoken_words

DEFAULT_VOICE = "joe"


def ensure_presets(library: Library) -> None:
    """Register every installed backend's preset voices in the library."""
    for cls in installed_backends().values():
        for preset in cls.presets:
            library.ensure_preset(preset.name, cls.name, preset.language)


def backend_options(library: Library, backend: str) -> dict[str, Any]:
    """The library's settings for ``backend`` (``<backend>.<option>``), by option."""
    return library.settings_with_prefix(f"{backend}.")


def backend_for_voice(voice: Voice, library: Library | None = None) -> type[Backend]:
    """The backend that renders ``voice``; a cloned voice never falls back to
    a backend that cannot clone (:class:`Unavailable` says why none can here)."""
    if voice.backend:
        try:
            return backend_class(voice.backend)
        except UserError as err:
            raise Unavailable(
                f"This voice needs the {voice.backend} backend, which is not installed on "
                "this computer", "Choose another voice here.", err.fix) from None
    cloners = [cls for cls in installed_backends().values() if cls.can_clone]

    def reason(cls: type[Backend]) -> Unavailable | None:
        return cls.available(backend_options(library, cls.name) if library else None)

    reasons = [(cls, reason(cls)) for cls in cloners]
    usable = [cls for cls, why in reasons if why is None]
    if usable:
        return usable[0]
    if reasons and reasons[0][1] is not None:
        raise reasons[0][1]  # the first cloning backend's own reason and fix
    raise Unavailable(
        "This cloned voice needs a voice-cloning backend, and none is installed on this "
        "computer", "Use a preset voice here, or install voice cloning as the README "
        "describes under Voice cloning.",
        "install the cosyvoice2 backend on a machine with an NVIDIA GPU, "
        "or use a preset voice such as 'joe'",
    )


@dataclass(frozen=True)
class VoiceFit:
    """Which backend speaks a voice, how, and whether it can here and now."""

    backend: str | None  # None: no installed backend can speak it
    mode: str  # "preset", "zero-shot" (clip + transcript) or "cross-lingual" (clip only)
    languages: frozenset[str]
    unavailable: Unavailable | None  # why it cannot render here; None when it can

    @property
    def usable(self) -> bool:
        return self.unavailable is None

    @property
    def problem(self) -> str | None:
        """Why it cannot render here, for the window: a plain reason and a
        next step, no commands. None when it can."""
        return str(self.unavailable) if self.unavailable else None

    def explain(self) -> str | None:
        """Why it cannot render here, for the command line: the reason, what
        was found, and the command that fixes it. None when it can."""
        return self.unavailable.explained if self.unavailable else None

    def describe(self) -> str:
        """One line for the command line's lists: 'cosyvoice2 (zero-shot)',
        plus why it cannot render here, if it cannot."""
        name = self.backend or "no backend"
        text = f"{name} ({self.mode})"
        return text if self.unavailable is None else f"{text}: {self.unavailable.explained}"


def voice_fit(library: Library, voice: Voice) -> VoiceFit:
    """How ``voice`` would be rendered; clones only ever by a cloning backend."""
    if voice.kind != "clone":
        mode = "preset"
    else:
        mode = "zero-shot" if (voice.transcript or "").strip() else "cross-lingual"
    try:
        cls = backend_for_voice(voice, library)
    except Unavailable as err:
        if voice.backend:  # a backend named by the voice, not installed here
            return VoiceFit(voice.backend, mode, frozenset(), err)
        cloners = [c for c in installed_backends().values() if c.can_clone]
        return VoiceFit(cloners[0].name if cloners else None, mode,
                        cloners[0].languages if cloners else frozenset(), err)
    return VoiceFit(cls.name, mode, cls.languages,
                    cls.available(backend_options(library, cls.name)))


def voice_ref(library: Library, voice: Voice) -> VoiceRef:
    """The backend's view of a stored voice."""
    return VoiceRef(
        name=voice.name,
        kind=voice.kind,
        language=voice.language,
        transcript=voice.transcript,
        prompt_path=library.path(voice.prompt_path) if voice.prompt_path else None,
    )


@dataclass(frozen=True)
class PlannedProject:
    """A project brought up to date with its script, ready to render."""

    sync: SyncResult
    voice: Voice
    backend: type[Backend]
    todo: list[Segment]


def resolve_voice(
    library: Library, project_name: str, voice_name: str | None = None
) -> tuple[Voice, type[Backend]]:
    """The voice to render with (named, else the project's, else the default)
    and its backend; :class:`UserError` if there is none."""
    ensure_presets(library)
    if voice_name is None:
        existing = library.find_project(project_name)
        voice = library.voice(existing.voice_id) if existing else library.find_voice(
            library.get_setting("default_voice", DEFAULT_VOICE)
        )
        if voice is None:
            raise UserError("no default voice in the library", "pass --voice NAME")
    else:
        found = library.find_voice(voice_name)
        if found is None:
            names = ", ".join(v.name for v in library.voices())
            raise UserError(f"no voice named {voice_name!r}", f"voices in the library: {names}")
        voice = found
    return voice, backend_for_voice(voice, library)


def plan_project(
    library: Library,
    raw_script: str,
    project_name: str,
    voice_name: str | None = None,
    *,
    strip_symbols: bool = False,
    script_label: str = "the script",
    prepared: Script | None = None,
) -> PlannedProject:
    """Check and split ``raw_script``, then create or update the project.

    ``prepared`` is the script already split (by :func:`prepare_script` with
    the voice's backend's ``max_chars``), e.g. in another process.
    Raises :class:`UserError` (with the library unchanged) for a script that
    cannot be spoken, an unknown voice, or text the voice cannot read.
    """
    voice, backend = resolve_voice(library, project_name, voice_name)
    script = prepared or prepare_script(
        raw_script, backend.max_chars, name=script_label, strip_symbols=strip_symbols
    )
    named = {name: script_voice(library, name, where, script_label)
             for name, where in script.voices.items()}
    for index, plan in enumerate(script.segments, start=1):
        excerpt = plan.source if len(plan.source) <= 40 else plan.source[:37] + "…"
        speaker, reader = named[plan.voice] if plan.voice else (voice, backend)
        reader.check_language(plan.language, speaker.name, f"segment {index} ({excerpt!r})")
    sync = library.sync_project(project_name, raw_script, voice, script.segments)
    return PlannedProject(sync, voice, backend, library.segments_to_render(sync.project))


def script_voice(library: Library, name: str, where: str,
                 label: str = "the script") -> tuple[Voice, type[Backend]]:
    """The voice a script names (at ``where``) and its backend, or :class:`UserError`."""
    found = library.find_voice(name)
    if found is None:
        names = ", ".join(v.name for v in library.voices())
        raise UserError(f"{label}, {where}: no voice named {name!r}",
                        f"voices in the library: {names}")
    return found, backend_for_voice(found, library)


def segment_voice(library: Library, segment: Segment) -> Voice:
    """The voice that speaks ``segment``: its own, else the one its script
    names, else its project's."""
    if segment.voice_id or segment.script_voice_id:
        return library.voice(segment.voice_id or segment.script_voice_id or 0)
    return library.voice(library.project_voice_id(segment.project_id))


def enqueue_segments(
    library: Library,
    segments: list[Segment],
    *,
    priority: int = PRIORITY_BULK,
    seeds: list[int] | None = None,
    missing_only: bool = False,
    run_after: list[float] | None = None,
) -> list[int]:
    """Queue a render of each segment by the backend of its own voice (a
    segment may have a voice of its own); returns the new job ids. Segments
    that already have a waiting job keep it, at the higher priority.
    ``run_after``: see :meth:`JobQueue.enqueue`."""
    backends: dict[int, str] = {}
    names = []
    for segment in segments:
        voice = segment_voice(library, segment)
        if voice.id not in backends:
            backends[voice.id] = backend_for_voice(voice, library).name
        names.append(backends[voice.id])
    return JobQueue(library).enqueue([s.id for s in segments], names, priority=priority,
                                     seeds=seeds, missing_only=missing_only,
                                     run_after=run_after)


def save_take_audio(library: Library, samples: audio.Audio, rate: int) -> str:
    """Write a take's audio, content-addressed, and return its library path.

    FLAC at 24 bits: lossless and half the size of WAV. The same audio gives
    the same file, so a re-delivered job cannot leave a duplicate behind.
    """
    data = audio.encode(samples, rate, ".flac")
    digest = hashlib.sha256(data).hexdigest()
    relative = f"takes/{digest[:2]}/{digest}.flac"
    target = library.path(relative)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, data)
    return relative


class SegmentRenderer:
    """One loaded backend and its prepared voices: what a worker renders with."""

    def __init__(
        self,
        library: Library,
        backend: type[Backend],
        device: str = "cpu",
        threads: int | None = None,
    ) -> None:
        self.library = library
        self.backend_cls = backend
        self.backend = backend()
        self.backend.configure(backend_options(library, backend.name))
        self.backend.load(device, threads)

    def synthesize(self, speech: str, voice_id: int, seed: int,
                   speed: float = 1.0) -> audio.Audio:
        """Speak ``speech`` (a segment's text with the lexicon applied) with
        the library's voice ``voice_id`` at ``speed``; phonemes go to a
        backend that reads them, the alias to one that does not.

        The voice is read afresh for every segment (a re-trimmed prompt or an
        edited transcript takes effect at once); the backend caches what it
        prepares from it by :attr:`VoiceRef.cache_key`.
        """
        ref = voice_ref(self.library, self.library.voice(voice_id))
        text = for_backend(speech, self.backend_cls.phonemes)
        samples = self.backend.synthesize(text, ref, seed=seed, speed=speed)
        if samples.size == 0:
            raise RuntimeError(f"backend {self.backend_cls.name} returned no audio")
        return samples


@dataclass(frozen=True)
class SpokenSegment:
    """One segment of a script as it will be spoken (``studio script``)."""

    index: int
    source: str  # as written, markup included
    text: str  # the words heard: normalized, lexicon and markup applied
    speech: str  # what the voice's backend is given (phonemes inline where it reads them)
    voice: str
    speed: float
    pause_after_s: float
    language: str

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "source": self.source, "text": self.text,
                "speech": self.speech, "voice": self.voice, "speed": self.speed,
                "pause_after_s": self.pause_after_s, "language": self.language}


def spoken_script(
    library: Library, raw_script: str, project_name: str | None = None,
    voice_name: str | None = None, *, script_label: str = "the script",
    strip_symbols: bool = False,
) -> tuple[list[SpokenSegment], list[str]]:
    """What ``raw_script`` will speak, segment by segment, with the project's
    lexicon (or the library's, with no project) and voice; writes nothing.

    Returns the segments and warnings: text no voice here can speak is a
    warning, not a refusal (the script can still be read and fixed). Bad
    markup, an unknown voice or project is a :class:`UserError`.
    """
    from studio.core.export import DEFAULT_PAUSES

    project = None
    if project_name is not None:
        project = library.find_project(project_name)
        if project is None:
            raise UserError(f"no project named {project_name!r}", "see `studio projects list`")
    voice, backend = resolve_voice(library, project.name if project else "", voice_name)
    script = prepare_script(raw_script, backend.max_chars, name=script_label,
                            strip_symbols=strip_symbols)
    named = {name: script_voice(library, name, where, script_label)
             for name, where in script.voices.items()}
    lexicon = library.lexicon_for(project.id if project else None)
    warnings: list[str] = []
    aliased: dict[str, str] = {}  # voices whose backend takes no phonemes: their backend
    out: list[SpokenSegment] = []
    for index, plan in enumerate(script.segments, start=1):
        speaker, reader = named[plan.voice] if plan.voice else (voice, backend)
        try:
            reader.check_language(plan.language, speaker.name, f"segment {index}")
        except UserError as err:
            warnings.append(str(err))
        speech = speech_of(plan.text, plan.phonemes, lexicon)
        if has_phonemes(speech) and not reader.phonemes:
            aliased.setdefault(speaker.name, reader.name)
        pause = plan.pause_s if plan.pause_s is not None else DEFAULT_PAUSES[plan.pause.value]
        out.append(SpokenSegment(index, plan.source, spoken_words(speech),
                                 for_backend(speech, reader.phonemes), speaker.name,
                                 plan.speed, pause, plan.language))
    for name, backend_name in aliased.items():
        warnings.append(f"voice {name!r} ({backend_name}) cannot take phonemes: the words "
                        "given phonemes are said by their alias, or as written")
    return out, warnings


def requeue_changed(library: Library, change: LexiconChange) -> list[int]:
    """After a lexicon change: queue a render of each changed segment that
    had been rendered (one never rendered waits for its project's render).
    Returns the new job ids."""
    ids = [seg_id for name, ids in change.changed.items() for seg_id in ids
           if library.find_project(name) is not None]  # a project in the trash waits
    if not ids:
        return []
    segments = [library.segment(seg_id) for seg_id in ids]
    return enqueue_segments(library, [s for s in segments
                                      if s.current_take_id is not None and not s.done],
                            missing_only=True)
