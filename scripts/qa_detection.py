"""How well take QA catches damaged takes, and what it costs.

Renders the segments of a long English text with the bundled Piper voice,
checks every take clean and, for each fault class of ``tests/qa_faults.py``,
a share of the takes damaged that way (take i gets class i mod 7), all
through :class:`studio.qa.checker.Checker` directly (no engine). Prints
detection per fault class, false alarms on clean takes, the check's cost
per take and the recognizer's real-time factor.

    PYTHONPATH=. .venv/bin/python scripts/qa_detection.py [--segments 93] [--model-en base]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from studio.backends import VoiceRef  # noqa: E402
from studio.backends.piper import PiperBackend  # noqa: E402
from studio.qa import QaSettings, TakeToCheck  # noqa: E402
from studio.qa.checker import Checker, speaking_rate, spoken_characters  # noqa: E402
from studio.text.segment import prepare_script  # noqa: E402
from tests.qa_faults import FAULTS, damage  # noqa: E402

TEXT = REPO / "tests" / "data" / "qa_long_text.txt"


def render_all(count: int, threads: int, cache: Path | None) -> list[tuple[str, np.ndarray]]:
    if cache and cache.exists():
        takes: list[tuple[str, np.ndarray]] = pickle.loads(cache.read_bytes())
        if len(takes) >= count:
            return takes[:count]
    script = prepare_script(TEXT.read_text(encoding="utf-8"), PiperBackend.max_chars)
    texts = [s.text for s in script.segments][:count]
    piper = PiperBackend()
    piper.load("cpu", threads)
    ref = VoiceRef("joe", "preset", "en")
    started = time.perf_counter()
    takes = [(t, piper.synthesize(t, ref, seed=1)) for t in texts]
    print(f"rendered {len(takes)} takes in {time.perf_counter() - started:.1f} s "
          f"({(time.perf_counter() - started) / len(takes):.3f} s a take)")
    if cache:
        cache.write_bytes(pickle.dumps(takes))
    return takes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=200, help="at most this many")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--model-en", default="tiny.en")
    parser.add_argument("--cache", type=Path, help="keep the rendered takes here")
    parser.add_argument("--clean-only", action="store_true")
    parser.add_argument("--fault", choices=FAULTS, help="damage every take this way")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    takes = render_all(args.segments, args.threads, args.cache)
    rate = PiperBackend.sample_rate
    piper = PiperBackend()
    piper.load("cpu", args.threads)
    ref = VoiceRef("joe", "preset", "en")

    clean_rates = tuple(
        (r, spoken_characters(t)) for t, r in ((t, speaking_rate(t, a, rate)) for t, a in takes)
        if r is not None
    )
    batch: list[tuple[str, TakeToCheck]] = []
    for i, (text, audio) in enumerate(takes):
        batch.append(("clean", TakeToCheck(i, audio, rate, text, "en", clean_rates)))
    if not args.clean_only:
        for i, (text, audio) in enumerate(takes):
            fault = args.fault or FAULTS[i % len(FAULTS)]
            bad = damage(audio, rate, fault, text, 1,
                         lambda other: piper.synthesize(other, ref, seed=1))
            batch.append((fault, TakeToCheck(1000 + i, bad, rate, text, "en", clean_rates)))

    checker = Checker(QaSettings(model_en=args.model_en), threads=args.threads)
    checker.load(("en",))
    # the engine feeds about a window of takes at a time; do the same
    started = time.perf_counter()
    results = []
    group: list[TakeToCheck] = []
    seconds = 0.0
    for _, take in batch:
        group.append(take)
        seconds += len(take.audio) / take.rate
        if seconds >= checker.window_s * 0.9:
            results += checker.check(group)
            group, seconds = [], 0.0
    if group:
        results += checker.check(group)
    wall = time.perf_counter() - started
    audio_s = sum(len(t.audio) / t.rate for _, t in batch)
    asr_s = sum(float(r.metrics.get("asr_s", 0.0)) for r in results)

    verdicts: dict[str, Counter[str]] = {}
    misses: list[str] = []
    alarms: list[str] = []
    wers = []
    for (kind, take), result in zip(batch, results, strict=True):
        verdicts.setdefault(kind, Counter())[result.verdict] += 1
        if kind == "clean":
            wers.append(float(result.metrics.get("raw_wer", 0.0)))
            if result.verdict != "pass":
                alarms.append(f"  {result.verdict}: {'; '.join(result.reasons)}  "
                              f"[{take.text[:60]}] heard [{result.recognized}]")
        elif result.verdict == "pass":
            misses.append(f"  {kind}: [{take.text[:60]}] heard [{result.recognized}]")
        if args.verbose and kind != "clean":
            print(f"{kind:10} {result.verdict:7} {'; '.join(result.reasons)}"
                  f"  [{take.text[:50]}] heard [{result.recognized}]")

    print(f"\nmodel {args.model_en}, {args.threads} thread(s), {len(takes)} segments")
    print(f"{'class':10} {'takes':>5} {'fail':>5} {'review':>6} {'pass':>5}  flagged")
    for kind in ("clean", *FAULTS):
        c = verdicts.get(kind)
        if not c:
            continue
        n = sum(c.values())
        flagged = (c["fail"] + c["review"]) / n
        print(f"{kind:10} {n:5} {c['fail']:5} {c['review']:6} {c['pass']:5}  {flagged:6.0%}")
    clean = verdicts["clean"]
    n_clean = sum(clean.values())
    print(f"\nfalse alarms on clean takes: fail {clean['fail'] / n_clean:.1%}, "
          f"review {clean['review'] / n_clean:.1%}")
    print(f"WER on clean takes (raw, normalized): mean {np.mean(wers):.2%}, "
          f"takes with any error {np.mean([w > 0 for w in wers]):.0%}")
    print(f"check cost: {wall / len(batch):.3f} s a take "
          f"(recognizer {asr_s / len(batch):.3f} s), {audio_s / len(batch):.1f} s of audio a take")
    print(f"recognizer real-time factor (packed): {asr_s / audio_s:.4f}")
    if alarms:
        print("\nclean takes flagged:\n" + "\n".join(alarms))
    if misses:
        print("\ndamaged takes passed:\n" + "\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
