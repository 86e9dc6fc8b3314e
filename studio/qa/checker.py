"""The checker: a batch of takes in, one verdict per take out.

Per take: what was said (recognizer against the spoken text, :mod:`compare`),
timing (speaking rate against the project's, silences) and signal
(:mod:`signal`), and the speaker when an identity checker is given. The
verdict:

* ``fail``: a run of ``missing_run_fail`` script words missing, a phrase
  said again (heard, or found in the sound: :mod:`repeats`), extra words,
  the last words missing from a take that ends in sound (cut off), words
  missing from a take much faster than the project's pace (words lost),
  an error rate at ``wer_fail`` or more, a silence over ``silence_inner_s``
  inside the take, a noise burst, clipping, a
  nearly silent take, or a speaker the identity check rejects;
* ``review``: milder findings (a missing word, a long pause, a click, an
  odd speaking rate, long silent edges, DC offset);
* ``pass``: nothing found;
* ``unchecked``: the language's recognizer is missing or damaged (never a
  pass: the reason says what to install).

The score (0..1, 1 clean) ranks takes of one segment: the best is kept.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio.qa import (
    CheckResult,
    QaSettings,
    QaUnavailable,
    Spot,
    TakeToCheck,
    spoken_characters,
)
from studio.qa import signal as signal_check
from studio.qa.asr import GAP_S, WINDOW_S, Heard, Recognizer, hear, pack
from studio.qa.compare import CHARACTER_LANGUAGES, Comparison, compare, tokens
from studio.qa.repeats import repeated_passage, says_words_twice

MIN_RATES = 8  # project rates needed before a speaking rate can be an outlier
HURRIED_Z = 1.0  # a take this much faster than the project's: a word heard as another was lost
MIN_PACE_SPREAD = 0.08  # seconds per root second: a project's pace never counts as steadier
# This much quiet after the last sound, or less: the take ends in sound. On five
# runs of the acceptance text, clean takes ended in 0.06 s of quiet or more
# (454 takes, median 0.13); takes with their end cut off, in 0.05 s or less (11 of 13).
CUT_TRAIL_S = 0.05
# A take this much faster than the project's pace that also lost words was cut
# in the middle: on five runs of the acceptance text, clean takes reached 2.31
# (405 takes, 99th percentile 2.10; none above 1.3 with a word missing), and the
# takes with a middle cut out that had only asked for review were 2.28-3.44.
LOST_Z = 2.0


def speaking_rate(text: str, audio: Any, rate: int) -> float | None:
    """Characters of spoken text per second of sound (pauses over 0.25 s
    left out); None for a take without sound. The engine stores it to
    build :attr:`TakeToCheck.project_rates`."""
    seconds = signal_check.speech_seconds(np.asarray(audio, dtype=np.float32), rate)
    if seconds <= 0.2:
        return None
    return spoken_characters(text) / seconds


def rate_z(rate: float, characters: int,
           others: tuple[tuple[float, int], ...]) -> float | None:
    """How far a take's pace stands from the project's, in robust deviations
    (positive: fast); None when fewer than :data:`MIN_RATES` are known.

    A take's speech lasts about ``characters / r`` seconds, ``r`` the
    project's median rate. The difference from that, over the square root of
    the expected seconds, varies alike for short and long takes (a sentence's
    own pace averages out over its length), so a long take 1.8 s too long (a
    phrase said again that the recognizer folded into one) stands out as much
    as a short one 0.6 s too long. The project's takes give the median and
    spread (median absolute deviation) of that measure."""
    if len(others) < MIN_RATES or rate <= 0 or characters <= 0:
        return None
    known = np.asarray(others, dtype=np.float64)
    median = float(np.median(known[:, 0]))

    def lateness(rates: Any, chars: Any) -> Any:
        expected = chars / median
        return (chars / rates - expected) / np.sqrt(np.maximum(expected, 0.5))

    spread_of = lateness(known[:, 0], known[:, 1])
    centre = float(np.median(spread_of))
    spread = max(1.4826 * float(np.median(np.abs(spread_of - centre))), MIN_PACE_SPREAD)
    return -(float(lateness(rate, characters)) - centre) / spread


@dataclass
class _Findings:
    fails: list[str] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)
    spots: list[Spot] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)

    def add(self, severity: str, reason: str, spot: Spot | None = None) -> None:
        (self.fails if severity == "fail" else self.reviews).append(reason)
        if spot is not None:
            self.spots.append(spot)


_REPEAT = re.compile(r"said \d+ times")
# A voice with no prompt is judged against the project's own takes: in a
# project smaller than this, drift cannot show, and the speaker encoder (torch)
# is not loaded for it.
MIN_DRIFT_PROJECT = 8


class Checker:
    """Checks takes; recognizers are loaded on first need (or by :meth:`load`)
    and kept. ``identity``, if given, checks the speaker
    (:class:`studio.qa.identity.SpeakerCheck`)."""

    def __init__(self, settings: QaSettings, threads: int = 1, identity: Any | None = None) -> None:
        self.settings = settings
        self.threads = max(1, threads)
        self.identity = identity
        self.window_s = WINDOW_S  # the engine claims about this much audio at once
        self._recognizers: dict[str, Recognizer | QaUnavailable] = {}

    # -- recognizers ---------------------------------------------------------
    def model_for(self, language: str) -> str:
        return self.settings.model_en if language == "en" else self.settings.model_other

    def adopt(self, recognizer: Recognizer) -> None:
        """Use a recognizer loaded beforehand (under its model's name)."""
        self._recognizers[recognizer.name] = recognizer

    def _recognizer(self, language: str) -> Recognizer:
        return self._recognizer_named(self.model_for(language))

    def load(self, languages: tuple[str, ...] = ("en",)) -> None:
        """Load the recognizers for ``languages`` now; :class:`QaUnavailable`
        (one line) if one is missing or damaged."""
        if self.settings.check_words:
            for language in languages:
                self._recognizer(language)

    # -- checking ------------------------------------------------------------
    def check(self, takes: list[TakeToCheck]) -> list[CheckResult]:
        """One result per take, in order. Never raises for a missing model:
        those takes come back ``unchecked``."""
        results = self.first_hearing(takes)
        wanting = self.wanting(takes, results)
        if wanting:
            again = self.hear_again([takes[i] for i in wanting], [results[i] for i in wanting])
            for i, result in zip(wanting, again, strict=True):
                results[i] = result
        return results

    def first_hearing(self, takes: list[TakeToCheck]) -> list[CheckResult]:
        """Every check, words heard by the language's own recognizer; what
        :meth:`wanting` picks may then be heard again (:meth:`hear_again`)."""
        heard: dict[int, Heard | QaUnavailable] = {}
        costs: dict[int, float] = {}
        scripts = {i: tokens(t.text, t.language) for i, t in enumerate(takes)}
        if self.settings.check_words:
            self._hear_all(takes, scripts, heard, costs)
        return [
            self._verdict(take, scripts[i], heard.get(i), costs.get(i))
            for i, take in enumerate(takes)
        ]

    def wanting(self, takes: list[TakeToCheck], results: list[CheckResult]) -> list[int]:
        """Which takes the small recognizer found wanting in their words (and
        in nothing else), to be heard again by the larger one: most of what
        the small one flags on clean speech is its own mishearing (names,
        rare words), while a damaged take sounds damaged to both. Words said
        again stand: a recognizer may fold a repeat into one, and a run of
        extra words is one it did not find as such."""
        if not self.settings.check_words:
            return []
        other = self.settings.model_other
        words = ("missing", "extra", "changed")
        return [i for i, result in enumerate(results)
                if result.verdict in ("review", "fail")
                and any(op != "equal" for op, _, _ in result.diff)
                and all(spot.kind in words for spot in result.spots)  # no signal fault
                and not any(_REPEAT.search(r) for r in result.reasons)
                and not any(op == "extra" and len(heard.split()) >= 2
                            for op, _, heard in result.diff)
                and self.model_for(takes[i].language) != other]

    def hear_again(self, takes: list[TakeToCheck], firsts: list[CheckResult]
                   ) -> list[CheckResult]:
        """The takes heard again by the larger recognizer, packed; each keeps
        the better of its two hearings. If that recognizer cannot load, the
        first hearings stand."""
        other = self.settings.model_other
        results = list(firsts)
        try:
            recognizer = self._recognizer_named(other)
        except QaUnavailable:
            return results
        for language in {take.language for take in takes}:
            members = [i for i, take in enumerate(takes) if take.language == language]
            durations = [len(takes[i].audio) / takes[i].rate for i in members]
            scripts = {i: tokens(takes[i].text, language) for i in members}
            for window in pack(durations, self.window_s, GAP_S):
                chosen = [members[k] for k in window]
                started = time.perf_counter()
                found = hear(recognizer, [(takes[i].audio, takes[i].rate) for i in chosen],
                             [scripts[i] for i in chosen], language)
                seconds = (time.perf_counter() - started) / len(chosen)
                for i, item in zip(chosen, found, strict=True):
                    first = results[i]
                    cost = float(first.metrics.get("asr_s", 0.0)) + seconds
                    second = self._verdict(takes[i], scripts[i], item, cost, model=other)
                    if second.score > first.score:
                        second.metrics["first_hearing"] = first.recognized
                        results[i] = second
                    else:
                        first.metrics["asr_s"] = round(cost, 4)
                        first.metrics["second_hearing"] = item.text
        return results

    def _recognizer_named(self, name: str) -> Recognizer:
        if name not in self._recognizers:
            try:
                self._recognizers[name] = Recognizer(name, self.threads)
            except QaUnavailable as error:
                self._recognizers[name] = error
        found = self._recognizers[name]
        if isinstance(found, QaUnavailable):
            raise found
        return found

    def _hear_all(
        self, takes: list[TakeToCheck], scripts: dict[int, list[str]],
        heard: dict[int, Heard | QaUnavailable], costs: dict[int, float],
    ) -> None:
        by_language: dict[str, list[int]] = {}
        for i, take in enumerate(takes):
            if scripts[i]:
                by_language.setdefault(take.language, []).append(i)
        for language, indices in by_language.items():
            try:
                recognizer = self._recognizer(language)
            except QaUnavailable as error:
                heard.update((i, error) for i in indices)
                continue
            durations = [len(takes[i].audio) / takes[i].rate for i in indices]
            for window in pack(durations, self.window_s, GAP_S):
                members = [indices[k] for k in window]
                started = time.perf_counter()
                found = hear(
                    recognizer, [(takes[i].audio, takes[i].rate) for i in members],
                    [scripts[i] for i in members], language,
                )
                seconds = time.perf_counter() - started
                total = sum(durations[k] for k in window) or 1.0
                for k, i, item in zip(window, members, found, strict=True):
                    heard[i] = item
                    costs[i] = seconds * durations[k] / total

    def _verdict(
        self, take: TakeToCheck, script: list[str], heard: Heard | QaUnavailable | None,
        cost: float | None, model: str | None = None,
    ) -> CheckResult:
        s = self.settings
        f = _Findings()
        audio = np.asarray(take.audio, dtype=np.float32)
        report = signal_check.analyze(audio, take.rate, s)
        f.metrics.update(report.metrics)
        if cost is not None:
            f.metrics["asr_s"] = round(cost, 4)
        for item in report.findings:
            silence = item.spot is not None and item.spot.kind == "silence"
            always = "nearly silent" in item.reason  # a take without sound is wrong anyway
            if always or (s.check_timing if silence else s.check_signal):
                f.add(item.severity, item.reason, item.spot)

        if s.check_signal and report.speech_s > 0.5 and not says_words_twice(script):
            again = repeated_passage(audio, take.rate)
            if again is not None:
                f.add("fail", f"{again.length_s:.1f} s of sound said again at "
                              f"{signal_check.clock(again.start_s)}",
                      Spot(round(again.start_s, 2), round(again.start_s + again.length_s, 2),
                           "repeat"))
                f.metrics["repeat_similarity"] = round(again.similarity, 3)

        pace: float | None = None  # robust deviations from the project's pace, + fast
        rate = median = 0.0  # characters/s: the take's, the project's
        rate_note: str | None = None
        if report.speech_s > 0.5:
            chars = spoken_characters(take.spoken or take.text)
            rate = chars / report.speech_s / take.speed  # the pace at speed 1
            f.metrics["chars_per_s"] = round(rate, 2)
            pace = rate_z(rate, chars, take.project_rates)
            if pace is not None:
                f.metrics["rate_z"] = round(pace, 2)
                median = float(np.median([r for r, _ in take.project_rates]))
            if s.check_timing and pace is not None and abs(pace) > s.rate_z_review:
                way = "fast" if pace > 0 else "slow"
                rate_note = (f"speaking rate {rate:.1f} characters/s is {way} "
                             f"(the project's is {median:.1f})")
                f.add("review", rate_note)

        recognized: str | None = None
        diff: tuple[tuple[str, str, str], ...] = ()
        heard_by: str | None = None
        unavailable: QaUnavailable | None = None
        comparison: Comparison | None = None
        if isinstance(heard, QaUnavailable):
            unavailable = heard
        elif heard is not None:
            heard_by = model or self.model_for(take.language)
            recognized = heard.text
            comparison = _compare_take(
                take, script, heard, s, hurried=pace is not None and pace > HURRIED_Z,
                ends_in_sound=s.check_timing
                and float(report.metrics.get("trail_silence_s", 1.0)) <= CUT_TRAIL_S)
            diff = comparison.diff()
            f.metrics[comparison.unit] = round(comparison.error_rate, 4)
            f.metrics[f"raw_{comparison.unit}"] = round(comparison.raw_error_rate, 4)
            lost = [finding for finding in comparison.findings
                    if finding.kind in ("missing", "changed")]
            rushed = (bool(lost) and s.check_timing and pace is not None and pace > LOST_Z
                      and all(finding.severity == "review" for finding in comparison.findings))
            for finding in comparison.findings:
                f.add("fail" if rushed and finding in lost else finding.severity, finding.reason,
                      _word_spot(finding.region, finding.kind, comparison, heard, report))
            if rushed:
                if rate_note is not None:
                    f.reviews.remove(rate_note)  # the fail says the pace
                f.add("fail", f"words lost: the take is fast for its text ({rate:.1f} "
                              f"characters/s, the project's {median:.1f})")

        embedding: bytes | None = None
        if self.identity is not None and s.check_identity and (
                take.prompt is not None or take.project_size >= MIN_DRIFT_PROJECT):
            from studio.qa.identity import embedding_from_bytes  # no torch at import

            found = self.identity.check(
                take, [embedding_from_bytes(data) for data in take.voice_embeddings])
            f.metrics.update(found.metrics)
            for reason in found.reasons if found.verdict in ("fail", "review") else ():
                f.add(found.verdict, reason)
            embedding = found.embedding

        if unavailable is not None:
            verdict = "unchecked"
            reasons = (str(unavailable), *f.fails, *f.reviews)
        else:
            verdict = "fail" if f.fails else "review" if f.reviews else "pass"
            reasons = (*f.fails, *f.reviews)
        error_rate = comparison.error_rate if comparison else 0.0
        score = 0.0 if verdict == "unchecked" else max(
            0.0, min(1.0, 1.0 - min(error_rate, 1.0) * 0.6 - 0.25 * len(f.fails)
                     - 0.08 * len(f.reviews)))
        return CheckResult(
            verdict=verdict, score=round(score, 4), reasons=tuple(reasons), metrics=f.metrics,
            recognized=recognized, diff=diff, spots=tuple(f.spots), model=heard_by,
            embedding=embedding,
        )


def _compare_take(take: TakeToCheck, script: list[str], heard: Heard, settings: QaSettings,
                  *, hurried: bool, ends_in_sound: bool) -> Comparison:
    """The heard words against the script's words; where a lexicon alias
    respelled some of them for the voice, against the respelling too, and
    the closer of the two stands (the script's on a tie). A known name
    respelled ("Yosemite" said as "yo semm it tee") is heard as the script
    spells it; a name the recognizer does not know ("Nguyen" said as "win")
    is heard as its respelling: both are right."""
    def against(text: str, words: list[str]) -> Comparison:
        return compare(text, heard.tokens, take.language, settings, script=words,
                       hurried=hurried, ends_in_sound=ends_in_sound)

    found = against(take.text, script)
    if take.spoken and found.errors:
        respelled = tokens(take.spoken, take.language)
        if respelled != script:
            other = against(take.spoken, respelled)
            if other.error_rate < found.error_rate:
                return other
    return found


def _word_spot(region: Any, kind: str, c: Comparison, heard: Heard,
               report: signal_check.SignalReport) -> Spot | None:
    """Where in the take a word finding is, from the heard tokens' estimated times."""
    duration = float(report.metrics.get("duration_s", 0.0))
    if kind == "changed" and region.ref0 == region.ref1 == 0 and region.hyp0 == region.hyp1:
        return Spot(0.0, round(duration, 2), kind)  # a finding about the whole take
    times = heard.times
    if not times:
        return None
    if region.hyp1 > region.hyp0:
        start, end = times[region.hyp0], times[region.hyp1 - 1]
    else:  # nothing heard there: between the neighbouring heard tokens
        start = times[region.hyp0 - 1] if region.hyp0 > 0 else 0.0
        end = times[region.hyp0] if region.hyp0 < len(times) else duration
    pad = 0.15 if c.joiner == " " else 0.08
    return Spot(round(max(0.0, start - pad), 2), round(min(duration, end + pad), 2), kind)


__all__ = ["CHARACTER_LANGUAGES", "Checker", "rate_z", "speaking_rate", "spoken_characters"]
