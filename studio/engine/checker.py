"""A check worker: take QA on the CPU, beside the rendering workers.

Started by the supervisor like any worker (``--backend qa``). It loads the
recognizer once, then claims check jobs in batches (as many takes as fit in
the recognizer's 30-second window: it hears a full window whatever the
clip's length, so packing is what keeps QA cheap), checks them, and
completes each job in its own transaction (:func:`studio.core.checks.complete_check`).
The lease of every claimed job is renewed while the batch is checked; a
check killed mid-batch goes back to the queue and its result is written
once, keyed by take.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from studio import audio
from studio.core.checks import (
    CheckJob,
    claim_checks,
    complete_check,
    project_rates,
    voice_embeddings,
)
from studio.core.jobs import QA_POOL, qa_settings
from studio.engine.worker import Heartbeat, Worker
from studio.errors import UserError
from studio.qa import CheckResult, QaSettings, QaUnavailable, TakeToCheck
from studio.qa.asr import WINDOW_S, Recognizer
from studio.qa.checker import Checker
from studio.qa.identity import IdentityFinding, SpeakerCheck

log = logging.getLogger("studio.engine.checker")


class CheckWorker(Worker):
    """Claims and checks batches of takes."""

    def __init__(self, root: Path, slot: int, threads: int = 1, preload: bool = False) -> None:
        super().__init__(root, slot, QA_POOL, "cpu", threads)
        self.preload = preload
        self._warm: Recognizer | None = None  # loaded before the first batch
        self.checker: Checker | None = None
        self.settings: QaSettings = qa_settings(self.library)

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
        """Claim and check one batch; False when there was nothing to check."""
        assert self.heartbeat, "call load() first"
        self.settings = qa_settings(self.library)  # a threshold changed: the next batch sees it
        jobs = claim_checks(self.library, self.pid, now=now, max_audio_s=WINDOW_S)
        if not jobs:
            return False
        self._checker().settings = self.settings
        self._set_state("busy", jobs[0].id)
        self.heartbeat.jobs = tuple(job.id for job in jobs)
        try:
            results = self._check(jobs)
            self.heartbeat.jobs = ()
            for job, result in zip(jobs, results):
                complete_check(self.library, job, result, self.settings)
            self._set_state("loaded", None, done=len(jobs))
        except Exception as err:
            self.heartbeat.jobs = ()
            message = f"{type(err).__name__}: {err}"
            for job in jobs:
                self.queue.fail_attempt(job.id, job.attempts, job.max_attempts, message)
            log.warning("checks %s failed: %s\n%s", [job.id for job in jobs], message,
                        traceback.format_exc(limit=3))
            self._set_state("loaded")
        return True

    def _check(self, jobs: list[CheckJob]) -> list[CheckResult]:
        unreadable: dict[int, CheckResult] = {}
        takes: list[TakeToCheck] = []
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
            takes.append(TakeToCheck(
                key=job.id, audio=samples, rate=rate, text=job.text, language=job.language,
                project_rates=rates[job.project_id], prompt=self._prompt(job),
                voice_embeddings=voice_embeddings(self.library, job.project_id, job.voice_id,
                                                  exclude=job.take_id),
                project_size=sizes.setdefault(job.project_id, self._size(job.project_id))))
        started = time.perf_counter()
        assert self.checker is not None
        checked = self.checker.check(takes) if takes else []
        each_s = (time.perf_counter() - started) / max(1, len(takes))
        for result in checked:  # what a check costs, for benchmarks/qa_cost.py
            result.metrics["check_s"] = round(each_s, 4)
        by_job = {take.key: result for take, result in zip(takes, checked)}
        return [unreadable.get(job.id) or by_job[job.id] for job in jobs]

    def _size(self, project_id: int) -> int:
        row = self.library.conn.execute(
            "SELECT COUNT(*) FROM segments WHERE project_id = ? AND position IS NOT NULL",
            (project_id,)).fetchone()
        return int(row[0])

    def _prompt(self, job: CheckJob) -> tuple[audio.Audio, int] | None:
        if job.voice_kind != "clone" or not job.prompt_path:
            return None
        try:
            return audio.read_audio(self.library.path(job.prompt_path))
        except UserError:
            return None


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
