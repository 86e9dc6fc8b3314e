"""The library's settings that a user may change (``studio config``).

Every key is known with its type and meaning, so a typo or a wrong value is
refused with the list of what is accepted instead of being stored and
silently ignored. Engine timings are ``engine.*``; backend options are
``<backend>.<option>`` as each backend declares them (``option_help``).
"""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass
from typing import Any

from studio.backends import installed_backends
from studio.core.jobs import QueueSettings
from studio.core.serving import ServerSettings
from studio.core.store import Library
from studio.errors import UserError
from studio.qa import QaSettings


@dataclass(frozen=True)
class EngineSettings:
    """How the supervisor runs (library settings ``engine.*`` override them)."""

    workers: int | None = None  # None: as the plan allows
    cpu_threads: int | None = None  # per CPU worker; None: the cores shared between them
    per_model_mb: int | None = None  # None: the backend's own estimate
    reserve_mb: int = 512
    job_timeout_s: float = 600.0
    grace_s: float = 30.0
    idle_exit_s: float | None = None  # exit after this long with nothing to do
    restart_backoff_s: float = 1.0

    @classmethod
    def from_library(cls, library: Library, **overrides: object) -> EngineSettings:
        """Defaults, then the library's settings, then explicit overrides."""
        values: dict[str, object] = {}
        for name in cls.__dataclass_fields__:
            stored = library.get_setting(f"engine.{name}")
            if stored is not None:
                values[name] = stored
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


QA_HELP = {
    "enabled": "take QA: check every new take (recognizer, timing, signal, identity)",
    "max_retakes": "take QA: retakes of a failing take, with new seeds, before a person decides",
    "check_words": "take QA: compare what the recognizer hears with the segment's text",
    "check_timing": "take QA: speaking rate against the project's, and long silences",
    "check_signal": "take QA: clipping, noise bursts, clicks, near-silent or DC takes",
    "check_identity": "take QA: speaker similarity to the voice (needs the identity model)",
    "wer_review": "take QA: word (character, for Chinese) error rate that asks for review",
    "wer_fail": "take QA: word (character) error rate that fails a take",
    "missing_run_fail": "take QA: this many script words missing in a row fail a take",
    "repeat_fail": "take QA: a phrase said this many extra times fails a take",
    "silence_inner_s": "take QA: an inner silence longer than this (seconds) fails a take",
    "silence_edge_s": "take QA: leading or trailing silence longer than this asks for review",
    "rate_z_review": "take QA: speaking rate this many deviations from the project's: review",
    "similarity_margin": "take QA: voice similarity this far below the voice's own fails",
    "workers": "take QA: check worker processes (0: one per four cores)",
    "model_en": "take QA: the recognizer for English (tiny.en or base)",
    "model_other": "take QA: the recognizer for other languages (base)",
}


SERVER_HELP = {
    "timeout_s": "API server: a one-shot request past this many seconds is answered 504",
    "result_ttl_s": "API server: seconds a one-shot result is kept before it is swept",
    "max_body_bytes": "API server: a request body over this many bytes is answered 413",
    "key_concurrency": "API server: requests in flight per key; more are answered 429",
    "key_exports": "API server: exports (a project's audio or subtitles) in flight per key; "
                   "more are answered 429",
    "max_exports": "API server: exports at once for all keys together (each in a process of "
                   "its own); more wait their turn; 0: one per CPU core",
    "grace_s": "API server: on SIGTERM or SIGINT, seconds requests in flight get to finish",
    "voice_url_allow": "API server: private networks voice_url may reach (CIDRs, or all)",
    "max_input_chars": "API server: longest input of /v1/audio/speech, in characters",
    "max_target_chars": "API server: longest target of /synthesize, in characters",
    "sweep_every_s": "API server: seconds between sweeps of expired one-shot results",
    "voice_url_max_bytes": "API server: largest prompt clip voice_url may download, in bytes",
    "voice_url_timeout_s": "API server: seconds a voice_url download may take",
    "public_url": "API server: the http(s) address clients reach it at behind a proxy "
    "(download URLs start with it); empty: each request's own host",
    "max_pause_s": "API server: most seconds of pauses one speech request may ask for",
    "max_audio_s": "API server: most seconds of audio one speech request may make",
    "voice_map": "API server: speech API voice names as library voices (alloy=joe,nova=amy); "
                 "unlisted ones speak with the default voice",
}


@dataclass(frozen=True)
class Setting:
    key: str
    kind: str  # "bool", "int", "float", "str", or "a|b|c" for a choice
    help: str
    default: Any = None


def _kind(annotation: object) -> str:
    text = str(annotation)
    for name in ("bool", "int", "float", "str"):
        if name in text:
            return name
    return "str"


def known_settings() -> dict[str, Setting]:
    """Every setting the studio reads, by key."""
    found: dict[str, Setting] = {
        "default_voice": Setting("default_voice", "str", "voice for new projects", "joe"),
    }
    for cls in (EngineSettings, QueueSettings):
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            key = f"engine.{f.name}"
            found[key] = Setting(key, _kind(hints[f.name]), f"engine: {f.name.replace('_', ' ')}",
                                 f.default)
    hints = typing.get_type_hints(QaSettings)
    for f in dataclasses.fields(QaSettings):
        key = f"qa.{f.name}"
        found[key] = Setting(key, _kind(hints[f.name]), QA_HELP.get(f.name, f"take QA: "
                             f"{f.name.replace('_', ' ')}"), f.default)
    hints = typing.get_type_hints(ServerSettings)
    for f in dataclasses.fields(ServerSettings):
        if f.name in ("host", "port", "log_format"):
            continue  # options of `studio serve` itself
        key = f"server.{f.name}"
        found[key] = Setting(key, _kind(hints[f.name]), SERVER_HELP.get(
            f.name, f"API server: {f.name.replace('_', ' ')}"), f.default)
    for backend in installed_backends().values():
        for option, (kind, text) in backend.option_help.items():
            key = f"{backend.name}.{option}"
            found[key] = Setting(key, kind, text, backend.option_default(option))
    return found


def parse(key: str, text: str) -> Any:
    """The value ``text`` means for setting ``key``; :class:`UserError` if it cannot."""
    known = known_settings()
    if key not in known:
        raise UserError(f"no setting named {key!r}",
                        f"settings: {', '.join(sorted(known))} (studio config list)")
    kind = known[key].kind
    lowered = text.strip().lower()
    try:
        if kind == "bool":
            if lowered not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise ValueError
            return lowered in ("true", "1", "yes", "on")
        if kind in ("int", "float"):
            value = int(text) if kind == "int" else float(text)
            if key.startswith("server."):  # the server's settings check their own values
                ServerSettings.from_mapping({key.removeprefix("server."): value})
            return value
    except ValueError:
        article = {"bool": "a true/false", "int": "an int"}.get(kind, f"a {kind}")
        raise UserError(f"{key} takes {article} value, not {text!r}") from None
    if "|" in kind and text not in kind.split("|"):
        raise UserError(f"{key} is one of {kind.replace('|', ', ')}, not {text!r}")
    if key.startswith("server."):  # the server's settings check their own values
        ServerSettings.from_mapping({key.removeprefix("server."): text})
    return text


def show(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value
