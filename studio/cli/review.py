"""The review verbs of the desktop app, headless: ``studio segments``,
``regenerate``, ``edit``, ``lock``, ``unlock``, ``approve``, ``unapprove``,
``takes`` and ``take`` (see docs/cli.md)."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from studio.cli.common import (
    find_project,
    open_library,
    report_unrendered,
    segment_numbers,
    shell_quote,
)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """The review verbs of the desktop app, headless (see docs/cli.md)."""
    numbers_help = "segment numbers from 1: 3, 3-7 or 2,5,9"

    segs = sub.add_parser("segments", parents=[common],
                          help="a project's segments: text, voice, state, takes")
    segs.add_argument("project")
    segs.add_argument("--json", action="store_true")

    regen = sub.add_parser("regenerate", parents=[common],
                           help="render new takes of segments, ahead of other work")
    regen.add_argument("project")
    regen.add_argument("numbers", nargs="+", metavar="N", help=numbers_help)
    regen.add_argument("--wait", action="store_true", help="wait until they are rendered")

    edit = sub.add_parser("edit", parents=[common], help="change what a segment says")
    edit.add_argument("project")
    edit.add_argument("number", type=int, metavar="N")
    edit.add_argument("--text", required=True, help="the new text, as written")

    for verb, text in (("lock", "keep segments' takes: never re-rendered or edited"),
                       ("unlock", "allow segments to be re-rendered and edited again"),
                       ("approve", "approve segments' current takes"),
                       ("unapprove", "withdraw the approval of segments' takes")):
        cmd = sub.add_parser(verb, parents=[common], help=text)
        cmd.add_argument("project")
        cmd.add_argument("numbers", nargs="+", metavar="N", help=numbers_help)

    takes = sub.add_parser("takes", parents=[common], help="a segment's takes")
    takes.add_argument("project")
    takes.add_argument("number", type=int, metavar="N")
    takes.add_argument("--json", action="store_true")

    take = sub.add_parser("take", parents=[common], help="choose a segment's current take")
    take.add_argument("project")
    take.add_argument("number", type=int, metavar="N")
    take.add_argument("take", type=int, metavar="TAKE", help="the take's id (studio takes)")


def _segment_json(library: Any, segment: Any, voices: dict[int, str]) -> dict[str, Any]:
    from studio.core.planning import segment_voice

    voice_id = segment.voice_id
    if voice_id is None:
        voice_id = segment_voice(library, segment).id
    if voice_id not in voices:
        voices[voice_id] = library.voice(voice_id).name
    takes = library.take_count(segment.id)
    duration = None
    if segment.done and segment.current_take_id:
        duration = round(library.take(segment.current_take_id).duration_s, 3)
    return {
        "index": segment.number, "source": segment.source, "text": segment.text,
        "language": segment.language, "voice": voices[voice_id],
        "own_voice": segment.voice_id is not None, "state": segment.state,
        "done": segment.done, "locked": segment.locked, "takes": takes,
        "current_take": segment.current_take_id if segment.done else None,
        "duration_s": duration, "pause_after": segment.pause,
        "pause_after_s": segment.pause_s, "speed": segment.speed,
        "speech": segment.speech,
    }


def cmd_segments(args: argparse.Namespace) -> int:
    """``studio segments PROJECT``: each segment as written and as spoken."""
    from studio.text.lexicon import readable

    with open_library(args) as library:
        project = find_project(library, args.project)
        voices: dict[int, str] = {}
        rows = [_segment_json(library, s, voices) for s in library.segments(project.id)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        marks = ("L" if row["locked"] else "-") + ("*" if row["own_voice"] else "-")
        length = f"{row['duration_s']:.1f} s" if row["duration_s"] else "-"
        print(f"{row['index']:>4} {row['state']:<9} {marks} {length:>7} {row['takes']:>2} "
              f"take(s)  {row['voice']}: {row['source']}")
        if row["text"] != row["source"]:
            print(f"{'':>26}spoken: {row['text']}")
        if row["speech"] != row["text"]:
            print(f"{'':>26}says:   {readable(row['speech'])}")
        if row["speed"] != 1.0 or row["pause_after_s"] is not None:
            print(f"{'':>26}" + " · ".join(
                ([f"speed {row['speed']:g}"] if row["speed"] != 1.0 else [])
                + ([f"pause {row['pause_after_s']:g} s after"]
                   if row["pause_after_s"] is not None else [])))
    return 0


def cmd_regenerate(args: argparse.Namespace) -> int:
    """``studio regenerate PROJECT N…``: new takes, ahead of bulk work."""
    from studio.service import engine, review

    with open_library(args) as library:
        project = find_project(library, args.project)
        segments = segment_numbers(library, project, args.numbers)
        batch = review.regenerate(library, [s.id for s in segments])
        for result in batch.regenerated:
            print(result.describe())
        if batch.refused:
            raise batch.refused[0][1]
        if args.wait:
            progress = engine.wait(library, project)
            if progress.rendered < progress.total:
                return report_unrendered(library, project, progress)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """``studio edit PROJECT N --text …``: change what a segment says."""
    from studio.service import review

    with open_library(args) as library:
        project = find_project(library, args.project)
        segment = review.edit(library, library.segment_at(project, args.number).id, args.text)
    print(f"segment {segment.number} now says {segment.source!r}; it needs rendering "
          f"(studio render --project {shell_quote(project.name)})")
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    """``studio lock|unlock|approve|unapprove PROJECT N…``."""
    from studio.service import review

    with open_library(args) as library:
        project = find_project(library, args.project)
        segments = segment_numbers(library, project, args.numbers)
        batch = review.mark(library, [s.id for s in segments], args.command)
    done = {"lock": "locked", "unlock": "unlocked", "approve": "approved",
            "unapprove": "unapproved"}[args.command]
    if batch.done:
        print(f"{done} segment(s) {', '.join(str(s.number) for s in batch.done)}")
    if batch.refused:
        raise batch.refused[0][1]
    return 0


def cmd_takes(args: argparse.Namespace) -> int:
    """``studio takes PROJECT N``: a segment's takes, oldest first."""
    with open_library(args) as library:
        project = find_project(library, args.project)
        segment = library.segment_at(project, args.number)
        names = {v.id: v.name for v in library.voices()}
        rows = [{
            "id": take.id, "created_at": take.created_at, "backend": take.backend,
            "voice": names.get(take.voice_id), "seed": take.seed, "text": take.text,
            "duration_s": round(take.duration_s, 3), "sample_rate": take.sample_rate,
            "host": take.host or None, "device": take.device or None,
            "current": take.id == segment.current_take_id and segment.done,
            "matches": library.take_is_current(take.id, segment.id),
            "approved": take.id == segment.approved_take_id and segment.done,
        } for take in library.takes(segment.id)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"segment {segment.number} has no takes yet")
    for row in rows:
        mark = "*" if row["current"] else (" " if row["matches"] else "~")
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row["created_at"]))
        note = "" if row["matches"] else "  (other text or voice)"
        print(f"{mark} take {row['id']:<6} {when}  {row['duration_s']:6.2f} s  "
              f"{row['voice']} on {row['backend']}, seed {row['seed']}"
              + (f", made on {row['host']} ({row['device']})" if row["host"] else "")
              + (", approved" if row["approved"] else "") + note)
    return 0


def cmd_take(args: argparse.Namespace) -> int:
    """``studio take PROJECT N TAKE``: choose the current take."""
    from studio.service import review

    with open_library(args) as library:
        project = find_project(library, args.project)
        segment = library.segment_at(project, args.number)
        review.choose_take(library, segment.id, args.take)
    print(f"segment {segment.number}: take {args.take} is current")
    return 0
