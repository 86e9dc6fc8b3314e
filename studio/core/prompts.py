"""Voice prompts: check, normalize and store a short clip of a voice to clone.

A prompt is accepted when it is readable, 3 to 30 seconds of sound after
trimming silence, not silent and not clipped. Everything is checked in
memory before anything is written; then the original (byte for byte) and a
normalized copy (mono, 24 kHz, trimmed, −20 LUFS) are written atomically,
and only then the voice's row. A rejected clip leaves the library as it was.

24 kHz rather than 16 kHz: cloning backends resample the prompt to 16 kHz
for speech tokens but take acoustic features at 24 kHz, so a 16 kHz copy
would throw away what they need.
"""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio import audio
from studio.core.store import Library, Voice
from studio.errors import UserError
from studio.fsutil import write_bytes_atomic
from studio.text.lang import detect_language

MIN_SECONDS = 3.0
MAX_SECONDS = 30.0
PROMPT_RATE = 24000
PROMPT_LUFS = -20.0
_NAME = re.compile(r"^[\w][\w .'-]{0,63}$")


@dataclass(frozen=True)
class PromptCheck:
    """The result of checking a clip: the normalized audio and any warnings."""

    audio: audio.Audio
    duration_s: float
    warnings: tuple[str, ...]


def check_prompt(path: Path) -> PromptCheck:
    """Read and check a prompt clip; raise :class:`UserError` if unusable."""
    name = Path(path).name
    if Path(path).suffix.lower() not in audio.READABLE_SUFFIXES:
        raise UserError(
            f"{name} is not a supported audio type",
            "give a WAV, FLAC, OGG or MP3 file",
        )
    samples, rate = audio.read_audio(Path(path), name)
    return check_samples(samples, rate, name)


def check_samples(samples: audio.Audio, rate: int, name: str) -> PromptCheck:
    """The checks every prompt passes, imported or re-trimmed: not silent, not
    clipped, 3 to 30 s of sound after trimming; ``name`` says what was checked
    in the message. Returns it trimmed and normalized."""
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    lufs = audio.loudness_lufs(samples, rate)
    if peak < 1e-3 or (np.isfinite(lufs) and lufs < -70):
        raise UserError(f"{name} is silent", "record the voice again, closer to the microphone")
    full_scale = float(np.mean(np.abs(samples) >= 0.999))
    if full_scale > 0.001:
        raise UserError(
            f"{name} is clipped ({full_scale:.1%} of samples at full scale)",
            "record it again with a lower input level",
        )
    trimmed = audio.trim_silence(audio.resample(samples, rate, PROMPT_RATE), PROMPT_RATE)
    duration = len(trimmed) / PROMPT_RATE
    if not MIN_SECONDS <= duration <= MAX_SECONDS:
        raise UserError(
            f"{name} has {duration:.1f} s of sound; a voice prompt needs "
            f"{MIN_SECONDS:.0f} to {MAX_SECONDS:.0f} s",
            "trim or record a clip of one to three sentences",
        )
    warnings = []
    if peak < 0.05:
        warnings.append(f"{name} is very quiet (peak {20 * np.log10(peak):.0f} dBFS)")
    normalized, _ = audio.normalize_loudness(trimmed, PROMPT_RATE, PROMPT_LUFS)
    return PromptCheck(normalized, duration, tuple(warnings))


def import_voice(
    library: Library,
    name: str,
    clip: Path,
    transcript: str | None = None,
    language: str | None = None,
) -> tuple[Voice, tuple[str, ...]]:
    """Add a cloned voice from ``clip``; returns the voice and any warnings."""
    name = name.strip()
    if not _NAME.match(name):
        raise UserError(
            f"{name!r} is not a usable voice name",
            "use up to 64 letters, digits, spaces, dots, dashes or underscores",
        )
    if library.find_voice(name):
        raise UserError(f"a voice named {name!r} exists already",
                        "pick another name or remove it first")
    clip = Path(clip)
    if not clip.is_file():
        raise UserError(f"no file {clip}", "check the path to the clip")
    transcript = (transcript or "").strip() or None
    check = check_prompt(clip)
    warnings = list(check.warnings)
    if language is None:
        language = detect_language(transcript) if transcript else "und"
    if transcript is None:
        warnings.append("no transcript: only cross-lingual cloning can use this voice")

    slug = re.sub(r"[^\w-]+", "-", name.lower()).strip("-") or "voice"
    folder_rel = f"voices/{slug}-{secrets.token_hex(3)}"
    folder = library.path(folder_rel)
    folder.mkdir(parents=True)
    try:
        original_rel = f"{folder_rel}/original{clip.suffix.lower()}"
        write_bytes_atomic(library.path(original_rel), clip.read_bytes())
        prompt_rel = f"{folder_rel}/prompt.flac"
        audio.write_audio(library.path(prompt_rel), check.audio, PROMPT_RATE)
        voice = library.add_voice(
            name,
            language=language,
            transcript=transcript,
            original_path=original_rel,
            prompt_path=prompt_rel,
            duration_s=check.duration_s,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return voice, tuple(warnings)


def remove_voice(library: Library, name: str) -> Voice:
    """Remove a cloned voice and its files."""
    voice = library.remove_voice(name)
    if voice.prompt_path:
        shutil.rmtree(library.path(voice.prompt_path).parent, ignore_errors=True)
    return voice


def _original(library: Library, voice: Voice) -> tuple[audio.Audio, int]:
    """The clip as it was imported, mono, at its own rate."""
    if not voice.original_path:
        raise UserError(f"voice {voice.name!r} has no clip", "only cloned voices can be trimmed")
    return audio.read_audio(library.path(voice.original_path))


def original_audio(library: Library, voice: Voice) -> tuple[audio.Audio, int]:
    """The clip as it was imported, mono, at the prompt rate."""
    samples, rate = _original(library, voice)
    return audio.resample(samples, rate, PROMPT_RATE), PROMPT_RATE


def retrim(library: Library, name: str, start_s: float, end_s: float) -> Voice:
    """Cut the voice's prompt anew from its original, between ``start_s`` and
    ``end_s`` (seconds in the original); the checks of an import
    (:func:`check_samples`) apply to the selection at the original's rate,
    and the new prompt replaces the old one atomically."""
    voice = library.find_voice(name)
    if voice is None:
        raise UserError(f"no voice named {name!r}")
    samples, rate = _original(library, voice)
    start, end = max(0, int(start_s * rate)), min(len(samples), int(end_s * rate))
    duration = (end - start) / rate
    if not MIN_SECONDS <= duration <= MAX_SECONDS:
        raise UserError(
            f"the selection is {duration:.1f} s; a voice prompt needs "
            f"{MIN_SECONDS:.0f} to {MAX_SECONDS:.0f} s",
            "move the handles",
        )
    check = check_samples(samples[start:end], rate, "the selection")
    assert voice.prompt_path
    audio.write_audio(library.path(voice.prompt_path), check.audio, PROMPT_RATE)
    library.set_voice_duration(voice.id, check.duration_s)
    found = library.find_voice(name)
    assert found is not None
    return found
