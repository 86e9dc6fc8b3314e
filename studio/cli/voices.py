"""``studio voices``: the voice library."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from studio.cli.common import open_library


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio voices``."""
    voices = sub.add_parser("voices", parents=[common], help="the voice library")
    vsub = voices.add_subparsers(dest="action", metavar="ACTION", required=True)
    vlist = vsub.add_parser("list", parents=[common], help="list voices")
    vlist.add_argument("--json", action="store_true")
    vadd = vsub.add_parser("add", parents=[common], help="add a voice from a prompt clip")
    vadd.add_argument("name")
    vadd.add_argument("clip", type=Path, help="3-30 s of speech: WAV, FLAC, OGG or MP3")
    vadd.add_argument("--text", help="what the clip says (its transcript)")
    vadd.add_argument("--lang", help="language code, when there is no transcript (en, zh, …)")
    vremove = vsub.add_parser("remove", parents=[common], help="remove a cloned voice")
    vremove.add_argument("name")


def cmd_voices(args: argparse.Namespace) -> int:
    """``studio voices list|add|remove``."""
    from studio.core import prompts
    from studio.core.planning import ensure_presets, voice_fit

    with open_library(args) as library:
        ensure_presets(library)
        if args.action == "add":
            voice, warnings = prompts.import_voice(
                library, args.name, args.clip, args.text, args.lang
            )
            for warning in warnings:
                print(f"warning: {warning}", file=sys.stderr)
            print(f"added voice {voice.name!r}: {voice.duration_s:.1f} s, {voice.language}")
            return 0
        if args.action == "remove":
            voice = prompts.remove_voice(library, args.name)
            print(f"removed voice {voice.name!r}")
            return 0
        rows = []
        for voice in library.voices():
            fit = voice_fit(library, voice)
            rows.append({
                "name": voice.name, "kind": voice.kind, "language": voice.language,
                "duration_s": voice.duration_s, "backend": fit.backend, "mode": fit.mode,
                "usable": fit.usable, "problem": fit.explain(), "transcript": voice.transcript,
                "fit": fit.describe(),
            })
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            length = f"{row['duration_s']:.1f} s" if row["duration_s"] else "-"
            print(f"{row['name']:<20} {row['kind']:<7} {row['language']:<4} {length:>7}  "
                  f"{row['fit']}")
    return 0
