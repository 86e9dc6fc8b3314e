"""Taking a farm worker's result into the library, once, after every check.

A result counts only while SQLite still gives its job to the farm under the
result's token; then the take's audio must be what the result says it is
(checked from the file's header before a sample is decoded: a small FLAC of
silence can decode to gigabytes), and the take is recorded in the one
transaction a local worker's take is. Which segment, seed and retake it is
for comes from SQLite; what the segment said when the job was handed out
(its text, lexicon applied, voice and speed) from the desktop's own record
of the hand-over. Every result not taken is logged with why.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import numpy as np

from studio.backends import backend_class
from studio.core.jobs import JobQueue
from studio.core.planning import save_take_audio
from studio.core.storage.records import Job
from studio.core.store import Library
from studio.errors import UserError
from studio.farm import protocol
from studio.farm.protocol import BadMessage, JobMessage, ResultMeta

log = logging.getLogger("studio.farm.bridge")


def take_in(library: Library, queue: JobQueue, fields: dict[bytes, Any],
            handed: JobMessage | None) -> int | None:
    """Record one result (``handed``: the desktop's record of the hand-over
    it answers, if any); the job id it was for, if it names one."""
    try:
        meta = ResultMeta.parse(fields.get(b"meta"))
    except BadMessage as err:
        claimed = protocol.loads(fields.get(b"meta"))
        job_id, token = claimed.get("job_id"), claimed.get("token")
        log.warning("dropped a result that does not follow the farm's protocol: %s", err)
        if isinstance(job_id, int) and 0 < job_id < 2**63 and isinstance(token, str):
            queue.fail_from_farm(job_id, token, f"the farm's worker: {err}")
            return job_id
        return None
    if not queue.held_by_farm(meta.job_id, meta.token):
        state = queue.store.job_state(meta.job_id)
        why = {None: "no longer exists", "cancelled": "was cancelled",
               "done": "is done already (a second delivery)"}.get(
            state, "was handed out again since")
        log.info("job %d %s: dropped the result %s sent", meta.job_id, why, meta.worker)
        return meta.job_id
    if meta.error is not None:
        state = queue.fail_from_farm(meta.job_id, meta.token, f"{meta.error} (on {meta.host})",
                                     dead=meta.dead)
        log.warning("job %d failed on %s (%s): %s", meta.job_id, meta.worker, state, meta.error)
        return meta.job_id
    try:
        if handed is None or handed.token != meta.token:
            raise BadMessage("the farm has no record of handing out this job")
        samples = checked_audio(meta, fields.get(b"audio"), handed)
    except BadMessage as err:
        state = queue.fail_from_farm(meta.job_id, meta.token,
                                     f"the take from {meta.host} was refused: {err}")
        log.warning("job %d: refused the take from %s (%s): %s", meta.job_id, meta.worker,
                    state, err)
        return meta.job_id
    row = queue.store.farm_job(meta.job_id)
    assert row is not None
    job = Job(id=meta.job_id, segment_id=row["segment_id"], backend=row["backend"],
              seed=row["seed"], attempts=row["attempts"], max_attempts=row["max_attempts"],
              text=handed.text, voice_id=handed.voice_id, retake=row["retake"],
              speech=handed.speech, speed=handed.speed)
    path = save_take_audio(library, samples, meta.sample_rate)
    take = queue.complete(job, path=path, backend=row["backend"], sample_rate=meta.sample_rate,
                          frames=meta.frames, host=meta.host, device=meta.device,
                          token=meta.token)
    if take is None:
        log.info("job %d was cancelled meanwhile: dropped the take %s sent", meta.job_id,
                 meta.worker)
    elif queue.store.job_state(meta.job_id) == "queued":
        log.info("job %d: its segment changed while %s rendered it; rendering again",
                 meta.job_id, meta.worker)
    return meta.job_id


def checked_audio(meta: ResultMeta, data: Any, handed: JobMessage) -> np.ndarray:
    """The take's samples, if the audio is what the result says it is."""
    import soundfile as sf

    if handed.backend != meta.backend:
        raise BadMessage(f"made by {meta.backend}, not {handed.backend}")
    if not isinstance(data, bytes) or not data:
        raise BadMessage("no audio")
    if len(data) > protocol.MAX_AUDIO_BYTES:
        raise BadMessage(f"{len(data)} bytes of audio (the limit is "
                         f"{protocol.MAX_AUDIO_BYTES // 2**20} MB)")
    if meta.sha256 != protocol.sha256(data):
        raise BadMessage("the audio does not match its checksum")
    try:
        expected = backend_class(meta.backend).sample_rate
    except UserError:
        expected = None
    if expected and meta.sample_rate != expected:
        raise BadMessage(f"{meta.sample_rate} Hz where {meta.backend} speaks at {expected} Hz")
    try:
        with sf.SoundFile(io.BytesIO(data)) as file:  # the header first: no sample decoded
            if file.channels != 1:
                raise BadMessage(f"{file.channels} channels, not mono")
            if file.samplerate != meta.sample_rate or file.frames != meta.frames:
                raise BadMessage(f"{file.frames} frames at {file.samplerate} Hz, where the "
                                 f"result says {meta.frames} at {meta.sample_rate}")
            if not 0 < file.frames <= protocol.MAX_TAKE_S * file.samplerate:
                raise BadMessage(f"{file.frames / file.samplerate:.0f} s long (the limit is "
                                 f"{protocol.MAX_TAKE_S:.0f} s)")
            samples = file.read(file.frames, dtype="float32")
    except BadMessage:
        raise
    except Exception as err:  # libsndfile's own words for what is wrong with the file
        raise BadMessage(f"unreadable audio ({err})") from None
    if len(samples) != meta.frames or not np.isfinite(samples).all():
        raise BadMessage("the audio is shorter than its header says, or holds values that "
                         "are not numbers")
    return np.asarray(samples, dtype=np.float32)
