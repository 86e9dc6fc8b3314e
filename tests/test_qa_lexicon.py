"""Take QA holds a take to what the script says, not to a lexicon respelling.

A lexicon alias changes what the voice is given ("Yosemite" said as
"yo semm it tee") but not what the listener should hear: the recognizer
writes the place as the script spells it. Real library (SQLite), real
lexicon, the real Piper voice saying the respelling, the real check worker
and recognizer in this process.
"""

from __future__ import annotations

import json
import sqlite3
import time

from studio.backends import VoiceRef
from studio.core.jobs import JobQueue
from studio.core.planning import plan_project, save_take_audio
from studio.core.store import Library
from studio.engine.check_worker import CheckWorker
from studio.text import lexicon as lex

SCRIPT = "We drove to Yosemite in the spring."
ALIAS = "yo semm it tee"  # heard as "yosemite" in every render tried (3 of 3)


def test_a_name_respelled_for_the_voice_passes_when_heard_as_the_script_spells_it(
        library: Library, piper) -> None:
    """Before the fix the check compared the heard words with the respelling
    and failed this clean take ("missing: 'semm it tee'")."""
    with library.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO settings VALUES ('qa.enabled', 'true')")
    library.set_lexicon([lex.check_entry("Yosemite", ALIAS)])
    planned = plan_project(library, SCRIPT, "trip")
    queue = JobQueue(library)
    queue.enqueue([planned.todo[0].id], "piper", seeds=[1])
    job = queue.claim("piper", 4242)
    assert job is not None and ALIAS in job.speech  # the voice is given the respelling
    audio = piper.synthesize(job.speech, VoiceRef("joe", "preset", "en"), seed=1)
    path = save_take_audio(library, audio, piper.sample_rate)
    assert queue.complete(job, path=path, backend="piper", sample_rate=piper.sample_rate,
                          frames=len(audio))

    worker = CheckWorker(library.root, slot=0, threads=2)
    worker.load()
    try:
        assert worker.step(now=time.time() + 60)
    finally:
        worker.close()
    conn = sqlite3.connect(library.root / "studio.db")
    try:
        verdict, reasons, recognized, metrics = conn.execute(
            "SELECT verdict, reasons, recognized, metrics FROM take_checks").fetchone()
    finally:
        conn.close()
    assert "yosemite" in recognized  # the recognizer wrote the script's word
    assert verdict == "pass", (recognized, reasons)
    assert json.loads(metrics)["wer"] == 0.0
