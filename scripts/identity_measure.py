"""Measure the identity check on real speech: where its thresholds come from.

Renders takes with the bundled Piper voice and prints the similarity
distributions the identity check relies on:

* same voice: takes against a prompt clip of the same voice, and the prompt's
  own halves (the calibration);
* other voices: the same takes shifted in pitch and formants by resampling
  (x1.35 and x0.80 sound like other people; x1.10 and x0.94 are the same
  person somewhat off), against the original prompt;
* the project drift check: each take against the centroid of the others, and
  the shifted takes against the centroid of the originals (robust z);
* how long an embedding takes per take.

Run: ``PYTHONPATH=$PWD .venv/bin/python scripts/identity_measure.py [--takes N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from studio.audio import resample
from studio.backends import VoiceRef
from studio.backends.piper import PiperBackend
from studio.qa import QaSettings, TakeToCheck
from studio.qa.identity import SpeakerCheck, cosine, prepare, project_drift

SENTENCES = [
    "The quick brown fox jumps over the lazy dog near the riverbank.",
    "Please make sure every form is signed before the end of the month.",
    "In the morning, the market fills with the smell of fresh bread and coffee.",
    "Our results show a steady increase in demand across all regions.",
    "She opened the letter slowly, afraid of what it might say.",
    "Turn left at the second light, then keep going for about a mile.",
    "The licensee may not transfer these rights without written consent.",
    "Thunder rolled across the valley as the first drops began to fall.",
    "Welcome back. In this chapter we will look at how the engine works.",
    "He counted the coins twice and still came up three short.",
    "Thank you for listening, and see you next time.",
    "A small boat drifted past the pier with nobody on board.",
]
PROMPT = (
    "Hello, and welcome. This short recording is a sample of my natural speaking voice. "
    "I read it at an even pace, with clear words and calm pauses, so that it can be used "
    "as a reference for everything that follows."
)
SHIFTS = (1.35, 0.80, 1.10, 0.94)


def shift(audio: np.ndarray, rate: int, factor: float) -> np.ndarray:
    """Pitch, formants and tempo all scaled by ``factor`` (played back faster)."""
    return resample(audio, round(rate * factor), rate)


def summary(values: list[float]) -> str:
    return (
        f"min {min(values):.3f}  median {statistics.median(values):.3f}  "
        f"max {max(values):.3f}  (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--takes", type=int, default=len(SENTENCES))
    args = parser.parse_args()

    piper = PiperBackend()
    piper.configure({})
    piper.load("cpu", 1)
    voice = VoiceRef(PiperBackend.presets[0].name, "preset", "en")
    rate = piper.sample_rate
    takes = [
        piper.synthesize(text, voice, seed=i + 1) for i, text in enumerate(SENTENCES[: args.takes])
    ]
    prompt = piper.synthesize(PROMPT, voice, seed=100)

    started = time.perf_counter()
    check = SpeakerCheck(QaSettings(), threads=1)
    print(f"model load: {1000 * (time.perf_counter() - started):.0f} ms")

    ref = check.reference(prompt, rate)
    print(f"prompt: {ref.speech_s:.1f} s of speech, halves similarity {ref.self_similarity:.3f}")

    # cost per take
    timings, seconds = [], []
    for take in takes:
        t0 = time.perf_counter()
        check.embed(take, rate)
        timings.append(1000 * (time.perf_counter() - t0))
        seconds.append(len(take) / rate)
    per_s = sum(timings) / sum(seconds)
    print(
        f"embedding cost: median {statistics.median(timings):.0f} ms per take "
        f"(takes {min(seconds):.1f}-{max(seconds):.1f} s), {per_s:.0f} ms per second of audio"
    )
    t0 = time.perf_counter()
    for take in takes:
        prepare(take, rate)
    prep = 1000 * (time.perf_counter() - t0) / len(takes)
    print(f"  of which front end (resample, gate, no network): {prep:.0f} ms per take")

    embeddings = [check.embed(t, rate) for t in takes]
    same = [cosine(e, ref.embedding) for e in embeddings]
    print(f"\nsame voice vs prompt:       {summary(same)}")
    print(f"  margin under calibration: {summary([ref.self_similarity - s for s in same])}")

    for factor in SHIFTS:
        shifted = [check.embed(shift(t, rate, factor), rate) for t in takes]
        sims = [cosine(e, ref.embedding) for e in shifted]
        shifted_prompt = check.reference(shift(prompt, rate, factor), rate)
        drifts = [project_drift(e, embeddings) for e in shifted]
        print(
            f"shifted x{factor:.2f} vs prompt:     {summary(sims)}\n"
            f"  its own prompt's halves:  {shifted_prompt.self_similarity:.3f}; "
            f"fails at margin 0.15: {sum(s < ref.self_similarity - 0.15 for s in sims)}"
            f"/{len(sims)}\n"
            f"  vs project centroid:      {summary([d.similarity for d in drifts])}; "
            f"z {summary([d.z for d in drifts])}"
        )

    # project drift among same-voice takes: each one against the rest
    own = []
    for i, e in enumerate(embeddings):
        rest = embeddings[:i] + embeddings[i + 1 :]
        own.append(project_drift(e, rest))
    print(
        f"\nsame voice vs project centroid (leave one out): "
        f"{summary([d.similarity for d in own])}\n"
        f"  typical {statistics.median(d.typical for d in own):.3f}; "
        f"z {summary([d.z for d in own])}; flagged {sum(d.outlier for d in own)}"
    )

    # the verdicts the check gives
    verdicts: dict[str, int] = {}
    for take in takes:
        found = check.check(TakeToCheck(0, take, rate, "", "en", prompt=(prompt, rate)), [])
        verdicts[found.verdict] = verdicts.get(found.verdict, 0) + 1
    print(f"\nverdicts, same voice with its prompt: {verdicts}")
    short = piper.synthesize("Yes.", voice, seed=1)
    found = check.check(TakeToCheck(0, short, rate, "yes", "en", prompt=(prompt, rate)), [])
    print(f"a one-word take ({len(short) / rate:.2f} s): {found.verdict}, {found.metrics}")


if __name__ == "__main__":
    main()
