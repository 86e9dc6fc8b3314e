"""A check worker: take QA on the CPU, beside the rendering workers.

Started by the supervisor like any worker (``--backend qa``). It loads the
recognizer once, then claims check jobs in batches (as many takes as fit in
the recognizer's 30-second window: it hears a full window whatever the
clip's length, so packing is what keeps QA cheap), checks them, and
completes each job in its own transaction (:func:`studio.core.take_qa.complete_check`).
The lease of every claimed job is renewed while the batch is checked; a
check killed mid-batch goes back to the queue and its result is written
once, keyed by take.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio import audio
from studio.core.jobs import QA_POOL, qa_settings
from studio.core.storage.checks import CheckStore
from studio.core.storage.records import CheckJob
from studio.core.take_qa import claim_checks, complete_check, project_rates
from studio.engine.worker import Heartbeat, Worker
from studio.errors import UserError
from studio.qa import CheckResult, QaSettings, QaUnavailable, TakeToCheck
from studio.qa.asr import GAP_S, WINDOW_S, Recognizer
from studio.qa.checker import Checker
from studio.qa.identity import IdentityFinding, SpeakerCheck
from studio.text.lexicon import spoken_words

log = logging.getLogger("studio.engine.check_worker")


# Takes held for a second hearing are heard when they fill this much of a
# window (the recognizer hears a whole window whatever it holds: heard batch
# by batch, the larger recognizer cost a full window for one or two takes),
# when the oldest has waited this long, or when no more checks are coming.
HOLD_FULL = 0.75
HOLD_S = 30.0


@dataclass(frozen=True)
class _Take:
    take: TakeToCheck

    @property
    def duration_s(self) -> float:
        return len(self.take.audio) / self.take.rate


class CheckWorker(Worker):
    """Claims and checks batches of takes."""

    def __init__(self, root: Path, slot: int, threads: int = 1, preload: bool = False) -> None:
        super().__init__(root, slot, QA_POOL, "cpu", threads)
        self.preload = preload
        self._warm: Recognizer | None = None  # loaded before the first batch
        self.checker: Checker | None = None
        self.settings: QaSettings = qa_settings(self.library)
        self.checks = CheckStore(self.library.conn)
        self._held: list[tuple[CheckJob, _Take, CheckResult]] = []  # for a second hearing
        self._held_since = 0.0

    def load(self) -> None:
        """Report ``loaded``. The pool's first worker loads the English
        recognizer and the speaker encoder now, while the first takes render;
        the others load with their first batch, so a worker that never gets
        one costs a Python start and nothing more."""
        if self.preload and self.settings.check_words:
            # the recognizer only: the speaker encoder (torch) loads with the first batch
            with contextlib.suppress(QaUnavailable):  # said with each take instead
                self._warm = Recognizer(self.settings.model_en, self.threads or 1)
        self.heartbeat = Heartbeat(self.root, self.pid, self.queue.settings.lease_s / 3)
        self._set_state("loaded")
        log.info("check worker %d ready", self.slot)

    def _checker(self) -> Checker:
        if self.checker is None:
            self.checker = Checker(self.settings, threads=self.threads or 1,
                                   identity=_LazySpeakerCheck(self.settings,
                                                              self.threads or 1))
            if self._warm is not None:
                self.checker.adopt(self._warm)
        return self.checker

    def step(self, now: float | None = None) -> bool:
        """Claim and check one batch, and hear again the takes held for it
        when enough wait; False when there was nothing to do."""
        assert self.heartbeat, "call load() first"
        self.settings = qa_settings(self.library)  # a threshold changed: the next batch sees it
        waiting_s = sum(take.duration_s for _, take, _ in self._held)
        jobs = (claim_checks(self.library, self.pid, now=now, max_audio_s=WINDOW_S,
                             gap_s=GAP_S)
                if waiting_s < HOLD_FULL * WINDOW_S else [])
        if jobs:
            self._checker().settings = self.settings
            self._set_state("busy", jobs[0].id)
            self._renew()
            self._guarded(jobs, lambda: self._first(jobs, now))
        heard_again = bool(self._held) and self._due(now)
        if heard_again:
            held, self._held = self._held, []
            self._set_state("busy", held[0][0].id)
            self._guarded([job for job, _, _ in held], lambda: self._again(held))
        return bool(jobs) or heard_again

    def _renew(self, extra: Sequence[CheckJob] = ()) -> None:
        assert self.heartbeat
        self.heartbeat.jobs = tuple(job.id for job in extra) + tuple(
            job.id for job, _, _ in self._held)

    def _guarded(self, jobs: list[CheckJob], work: Callable[[], None]) -> None:
        """Run ``work`` on ``jobs``; a failure fails each job's attempt."""
        self._renew(jobs)
        try:
            work()
            self._set_state("loaded", None)
        except Exception as err:
            message = f"{type(err).__name__}: {err}"
            failed = {job.id for job in jobs}
            self._held = [held for held in self._held if held[0].id not in failed]
            for job in jobs:
                self.queue.fail_attempt(job.id, job.attempts, job.max_attempts, message)
            log.warning("checks %s failed: %s\n%s", [job.id for job in jobs], message,
                        traceback.format_exc(limit=3))
            self._set_state("loaded")
        finally:
            self._renew()

    def _due(self, now: float | None) -> bool:
        """Whether the held takes are heard again now: their window is full,
        no more checks are coming, or the oldest has waited :data:`HOLD_S`."""
        waiting_s = sum(take.duration_s for _, take, _ in self._held)
        if waiting_s >= HOLD_FULL * WINDOW_S:
            return True
        if (time.time() if now is None else now) - self._held_since >= HOLD_S:
            return True
        return not self.checks.checks_coming()

    def _first(self, jobs: list[CheckJob], now: float | None) -> None:
        """Check ``jobs``; complete each, or hold it for a second hearing."""
        assert self.checker is not None
        takes, unreadable = self._takes(jobs)
        ids = list(takes)
        plain = [takes[i].take for i in ids]
        started = time.perf_counter()
        results = self.checker.first_hearing(plain) if plain else []
        each_s = (time.perf_counter() - started) / max(1, len(plain))
        found = dict(zip(ids, results, strict=True))
        for result in results:  # what a check costs, for benchmarks/qa_cost.py
            result.metrics["check_s"] = round(each_s, 4)
        wanting = {ids[i] for i in self.checker.wanting(plain, results)}
        done = 0
        for job in jobs:
            if job.id in wanting:
                if not self._held:
                    self._held_since = time.time() if now is None else now
                self._held.append((job, takes[job.id], found[job.id]))
                continue
            complete_check(self.library, job, unreadable.get(job.id) or found[job.id],
                           self.settings)
            done += 1
        self._set_state("busy", None, done=done)

    def _again(self, held: list[tuple[CheckJob, _Take, CheckResult]]) -> None:
        assert self.checker is not None
        started = time.perf_counter()
        results = self.checker.hear_again([take.take for _, take, _ in held],
                                          [result for _, _, result in held])
        each_s = (time.perf_counter() - started) / len(held)
        for (job, _, _), result in zip(held, results, strict=True):
            result.metrics["check_s"] = round(float(result.metrics.get("check_s", 0.0))
                                              + each_s, 4)
            complete_check(self.library, job, result, self.settings)
        self._set_state("busy", None, done=len(held))

    def close(self) -> None:
        """Hear the held takes before stopping (SIGTERM finishes the work at
        hand); a worker killed outright leaves them to their leases."""
        if self._held and self.checker is not None:
            held, self._held = self._held, []
            self._guarded([job for job, _, _ in held], lambda: self._again(held))
        super().close()

    def _takes(self, jobs: list[CheckJob]) -> tuple[dict[int, _Take], dict[int, CheckResult]]:
        """The claimed takes to check, by job id, and a failing result for
        each job whose take file cannot be read."""
        unreadable: dict[int, CheckResult] = {}
        takes: dict[int, _Take] = {}
        rates: dict[int, tuple[tuple[float, int], ...]] = {}
        sizes: dict[int, int] = {}
        for job in jobs:
            try:
                samples, rate = audio.read_audio(self.library.path(job.path), f"take {job.take_id}")
            except UserError as err:
                unreadable[job.id] = CheckResult(
                    verdict="fail", score=0.0,
                    reasons=(f"its audio file cannot be read ({err}): it is rendered again",))
                continue
            if job.project_id not in rates:
                rates[job.project_id] = project_rates(self.library, job.project_id)
            takes[job.id] = _Take(TakeToCheck(
                key=job.id, audio=samples, rate=rate, language=job.language, speed=job.speed,
                text=job.text, spoken=_respelled(job),
                project_rates=rates[job.project_id], prompt=self._prompt(job),
                voice_embeddings=self.checks.voice_embeddings(job.project_id, job.voice_id,
                                                              exclude=job.take_id),
                project_size=sizes.setdefault(job.project_id,
                                              self.library.segment_count(job.project_id))))
        return takes, unreadable

    def _prompt(self, job: CheckJob) -> tuple[audio.Audio, int] | None:
        if job.voice_kind != "clone" or not job.prompt_path:
            return None
        try:
            return audio.read_audio(self.library.path(job.prompt_path))
        except UserError:
            return None


def _respelled(job: CheckJob) -> str:
    """The words the voice was given where the lexicon changed them, else ""
    (the take is held to its script's words, :attr:`TakeToCheck.spoken`)."""
    said = spoken_words(job.speech or job.text)
    return "" if said == job.text else said


class _LazySpeakerCheck:
    """The speaker check, loaded (torch and all) the first time a take needs
    it; if it cannot load, identity goes unchecked (logged once)."""

    def __init__(self, settings: QaSettings, threads: int) -> None:
        self.settings, self.threads = settings, threads
        self._loaded: SpeakerCheck | bool | None = False

    def check(self, take: TakeToCheck, embeddings: Sequence[Any]) -> IdentityFinding:
        if self._loaded is False:
            self._loaded = _identity(self.settings, self.threads)
        if not isinstance(self._loaded, SpeakerCheck):
            return IdentityFinding("pass", metrics={"identity": "not checked (no model)"})
        return self._loaded.check(take, embeddings)


def _identity(settings: QaSettings, threads: int) -> SpeakerCheck | None:
    """The speaker check, if it is on and its model is installed (it is an
    optional extra: without it, identity is reported as not checked)."""
    if not settings.check_identity:
        return None
    why = SpeakerCheck.unavailable()
    if why:
        log.warning("speaker identity is not checked: %s", why)
        return None
    try:
        return SpeakerCheck(settings, threads=threads)
    except QaUnavailable as err:
        log.warning("speaker identity is not checked: %s", err)
        return None
