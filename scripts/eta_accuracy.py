"""How far the time left of a project's render is from the truth, before and
after it was measured per character.

Renders real projects with the real engine and the embedded Piper voice, in
a fresh library (take QA as the library has it: on by default): a short
project first, so that there is a render to measure by, then the engine is
stopped (no worker is loaded when the next project is made, as after the
engine idled out), then a project of ``--chars`` characters and, a few
seconds later while most of it is still queued, a second one. Every
``--every`` seconds it reads each project's time left as
:func:`studio.core.progress.read_progress` gives it (after) and as the
formula it replaced gave it on the same library at the same moment
(before: the renders left times the mean of the last 20 renders, divided by
the render workers loaded then, at least one), and, once each project is
done (rendered and checked), prints each estimate over the true time left.
Then how well a render's time is foretold by the characters it speaks, by
the seconds of audio it made, and by neither (the mean render), each from
the renders before it.

    .venv/bin/python scripts/eta_accuracy.py [--chars 2000] [--every 3] [--no-qa]
"""

from __future__ import annotations

import argparse
import math
import random
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.planning import ensure_presets
from studio.core.progress import read_progress
from studio.core.store import Library, Project
from studio.service.engine import ensure_engine, stop_engine
from studio.service.render import plan_script, queue_project

WORDS = ("river", "mill", "morning", "lantern", "harbour", "quiet", "valley", "travellers",
         "walked", "along", "toward", "the", "old", "stone", "bridge", "where", "children",
         "played", "and", "a", "dog", "slept", "beside", "cart", "of", "apples", "while",
         "rain", "began", "to", "fall", "over", "distant", "hills")


def script(chars: int, seed: int) -> str:
    """Paragraphs of sentences from two words to thirty-five, ``chars`` long:
    segments as uneven as a real script's."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    while sum(map(len, paragraphs)) < chars:
        sentences = []
        for _ in range(rng.randint(1, 4)):
            words = " ".join(rng.choice(WORDS) for _ in range(
                rng.choice((2, 3, 5, 8, 12, 18, 25, 35))))
            sentences.append(words[0].upper() + words[1:] + ".")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def old_eta(db: sqlite3.Connection, renders: int) -> float | None:
    """The time left as it was measured before: renders left × the mean of
    the library's last 20 renders ÷ the render workers loaded (at least 1)."""
    if not renders:
        return 0.0
    mean = db.execute(
        "SELECT AVG(updated_at - started_at) FROM (SELECT updated_at, started_at FROM jobs "
        "WHERE state = 'done' AND kind = 'render' AND started_at IS NOT NULL "
        "ORDER BY updated_at DESC LIMIT 20)").fetchone()[0]
    loaded = db.execute("SELECT COUNT(*) FROM workers WHERE state IN ('loaded', 'busy') "
                        "AND backend != 'qa'").fetchone()[0]
    return None if mean is None else renders * mean / max(1, loaded)


@dataclass
class Watched:
    """A project and its samples: (when, renders left, before, after)."""

    project: Project
    samples: list[tuple[float, int, float | None, float | None]] = field(default_factory=list)
    done_at: float | None = None


def sample(library: Library, db: sqlite3.Connection, watched: list[Watched],
           record: bool = True) -> None:
    """One reading of every project not yet done: the moment it is done,
    and (``record``) both estimates while renders are left."""
    now = time.time()
    found = read_progress(library, [w.project.id for w in watched], now)
    for w in watched:
        progress = found[w.project.id]
        if w.done_at is None and progress.done:
            w.done_at = now
        elif w.done_at is None and progress.renders and record:
            w.samples.append((now, progress.renders, old_eta(db, progress.renders),
                              progress.eta_s))


def make(library: Library, name: str, chars: int, seed: int) -> Project:
    project = plan_script(library, script(chars, seed), name, "joe")
    queue_project(library, project)
    return project


def ratio(estimate: float | None, truth: float) -> str:
    return "  none" if estimate is None else f"{estimate / truth:6.2f}"


def summary(label: str, ratios: list[float]) -> str:
    if not ratios:
        return f"{label}: no estimate"
    errors = sorted(abs(math.log(r)) for r in ratios)
    within = sum(1 for e in errors if e <= math.log(1.25)) / len(errors)
    return (f"{label}: median ratio {statistics.median(ratios):.2f}, median error "
            f"x{math.exp(statistics.median(errors)):.2f}, worst x{math.exp(errors[-1]):.2f}, "
            f"{within:.0%} within 25%")


def report(watched: list[Watched]) -> None:
    print("\nproject   t(s)  renders  true(s)  before(s)  after(s)  before/true  after/true")
    pairs: dict[str, list[float]] = {"before": [], "after": []}
    creation: dict[str, list[float]] = {"before": [], "after": []}
    for w in watched:
        assert w.done_at is not None
        start = w.samples[0][0]
        for index, (when, renders, before, after) in enumerate(w.samples):
            truth = w.done_at - when
            print(f"{w.project.name:8} {when - start:5.0f}  {renders:7d}  {truth:7.1f}  "
                  f"{'-' if before is None else f'{before:9.1f}':>9}  "
                  f"{'-' if after is None else f'{after:8.1f}':>8}  "
                  f"{ratio(before, truth):>11}  {ratio(after, truth):>10}")
            for key, value in (("before", before), ("after", after)):
                if value is not None:
                    pairs[key].append(value / truth)
                    if index == 0:
                        creation[key].append(value / truth)
    print()
    for key in ("before", "after"):
        print(summary(f"{key:6} all samples", pairs[key]))
    for key in ("before", "after"):
        print(f"{key:6} at creation: " + ", ".join(f"{r:.2f}" for r in creation[key]))


def predictors(db: sqlite3.Connection, recent: int = 30) -> None:
    """How well each render's time is foretold from the ``recent`` renders
    before it: seconds per character, per second of audio, or the mean."""
    rows = db.execute(
        "SELECT j.updated_at - j.started_at, MAX(1, LENGTH(s.speech)), "
        "(SELECT t.frames * 1.0 / t.sample_rate FROM takes t WHERE t.segment_id = j.segment_id "
        " AND t.created_at >= j.started_at ORDER BY t.created_at LIMIT 1) "
        "FROM jobs j JOIN segments s ON s.id = j.segment_id WHERE j.state = 'done' "
        "AND j.kind = 'render' ORDER BY j.updated_at").fetchall()
    rows = [row for row in rows if row[2]]
    errors: dict[str, list[float]] = {"per character": [], "per audio second": [],
                                      "mean render": []}
    for index in range(recent, len(rows)):
        before = rows[index - recent:index]
        seconds, chars, audio = rows[index]
        total = sum(r[0] for r in before)
        for key, guess in (("per character", total / sum(r[1] for r in before) * chars),
                           ("per audio second", total / sum(r[2] for r in before) * audio),
                           ("mean render", total / recent)):
            errors[key].append(abs(math.log(max(guess, 1e-3) / max(seconds, 1e-3))))
    print(f"\none render's time from the {recent} before it ({len(rows) - recent} renders):")
    for key, values in errors.items():
        if values:
            print(f"  {key:17} median error x{math.exp(statistics.median(values)):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=2000)
    parser.add_argument("--every", type=float, default=3.0)
    parser.add_argument("--gap", type=float, default=6.0,
                        help="seconds between the two projects")
    parser.add_argument("--no-qa", action="store_true")
    parser.add_argument("--library", type=Path,
                        help="a new folder to render in, kept (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.library or Path(tmp) / "library"
        if root.exists():
            parser.error(f"{root} exists: name a new folder")
        library = Library.open(root)
        ensure_presets(library)
        if args.no_qa:
            library.set_setting("qa.enabled", False)
        db = sqlite3.connect(root / "studio.db")
        try:
            warm = [Watched(make(library, "warm-up", 600, 0))]
            ensure_engine(root)
            while warm[0].done_at is None:
                sample(library, db, warm)
                time.sleep(0.5)
            stop_engine(root)
            print(f"warm-up rendered; engine stopped; {args.chars}-character projects next")
            watched = [Watched(make(library, "first", args.chars, 1))]
            sample(library, db, watched)  # at creation: before the engine starts
            ensure_engine(root)
            made = time.time()
            next_sample = made + args.every
            while any(w.done_at is None for w in watched):
                now = time.time()
                if len(watched) == 1 and now - made >= args.gap:
                    watched.append(Watched(make(library, "second", args.chars, 2)))
                    sample(library, db, watched[-1:])  # at its creation
                sample(library, db, watched, record=now >= next_sample)
                if now >= next_sample:
                    next_sample += args.every
                time.sleep(0.25)
            report(watched)
            predictors(db)
        finally:
            db.close()
            stop_engine(root)
            library.close()


if __name__ == "__main__":
    main()
