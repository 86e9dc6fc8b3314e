"""Who speaks a take: speaker similarity against the voice's own reference.

The speaker model is the small voice encoder that ships its weights inside
the ``resemblyzer`` wheel (a 3-layer LSTM over 40-band mel frames, 256-number
unit embeddings, 17 MB). Only the weights file is read from that package:
its own module imports an audio-analysis stack and a compiled voice-activity
detector that this check does without, so the front end (16 kHz, volume
normalization, long silences shortened, mel frames, 1.6 s partials) is
redone here with numpy and scipy, frame for frame. The network runs on
torch, imported inside the methods: this module loads in the engine's check
workers only, never in the core.

How a take is judged (thresholds measured by ``scripts/identity_measure.py``):

* A cloned voice has a prompt clip. Its calibration is the similarity of the
  prompt's two halves (how alike this voice sounds to itself, which varies
  by voice, recording and length). A take whose similarity to the whole
  prompt falls more than ``QaSettings.similarity_margin`` under it fails:
  "voice similarity 0.61 (this voice: 0.83)".
* Any voice, preset or cloned, drifts against the project's own takes of it:
  with five or more known embeddings, the take is compared with their
  centroid. A preset voice (no prompt) fails when it falls more than the
  margin under the takes' typical similarity to that centroid; any voice
  whose similarity is a clear outlier among the project's is sent to review.
* A take with too little speech to embed reliably is not judged and gives
  no embedding (it would only blur the project's centroid).
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.ndimage import binary_dilation

from studio.audio import resample
from studio.qa import QaSettings, QaUnavailable, TakeToCheck

Vector = npt.NDArray[np.float32]

#: The distribution that carries the weights, and the file inside it.
MODEL_PACKAGE = "resemblyzer"
MODEL_FILE = "pretrained.pt"
MODEL_NAME = "resemblyzer-0.1.4 voice encoder"
EMBEDDING_SIZE = 256

# The encoder's front end, as it was trained.
RATE = 16000
N_FFT = 400  # 25 ms window
HOP = 160  # 10 ms step
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s per partial utterance
PARTIAL_RATE = 1.3  # partials per second
PARTIAL_MIN_COVERAGE = 0.75
NORM_DBFS = -30.0  # quieter audio is raised to this RMS level
VAD_FRAME = 480  # 30 ms
VAD_AVERAGE = 8  # frames smoothed together
VAD_MAX_SILENCE = 6  # frames of silence kept around speech

# Judging (see the module docstring; measured, not guessed).
MIN_SPEECH_S = 1.0  # less voiced audio than this: too short to judge
MIN_PROJECT = 5  # project embeddings needed for the drift check
# a take shorter than this is not judged against the project's takes: in a
# long-text run, a clean 1.3 s take came out 0.12 under typical
MIN_DRIFT_SPEECH_S = 2.0
OUTLIER_Z = 4.0  # robust deviations under the project's typical similarity: review
OUTLIER_MIN_DROP = 0.10  # ... and this far under it (clean takes of a long project dipped 0.08)
PROMPT_MIN_HALF_S = 2.0  # each half of the prompt needs this much speech to calibrate
DEFAULT_SELF_SIMILARITY = 0.85  # calibration of a prompt too short to split


@dataclass(frozen=True)
class VoiceReference:
    """A prompt's embedding and its calibration (its two halves' similarity)."""

    embedding: Vector = field(repr=False)
    self_similarity: float  # similarity of the prompt's halves; a default if too short
    calibrated: bool  # False: the prompt was too short to split, the default stands
    speech_s: float  # voiced seconds in the prompt


@dataclass(frozen=True)
class IdentityFinding:
    """What the identity check found in one take."""

    verdict: str  # "pass", "review" or "fail" (never "unchecked": that is the caller's)
    reasons: tuple[str, ...] = ()
    metrics: dict[str, Any] = field(default_factory=dict)  # JSON-able
    embedding: bytes | None = None  # float32 unit vector; None: too little speech

    @property
    def failed(self) -> bool:
        return self.verdict == "fail"


def embedding_to_bytes(vector: Vector) -> bytes:
    """The stored form of an embedding (``CheckResult.embedding``)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def embedding_from_bytes(data: bytes) -> Vector:
    """An embedding read back from :func:`embedding_to_bytes`."""
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


def weights_path() -> Path | None:
    """Where the installed model weights are, without importing their package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / MODEL_FILE
        if path.is_file():
            return path
    return None


# --- front end ---------------------------------------------------------------


def _hz_to_mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Slaney's mel scale: linear under 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / (200.0 / 3)
    log_region = hz >= 1000.0
    mel[log_region] = 15.0 + np.log(hz[log_region] / 1000.0) / (np.log(6.4) / 27.0)
    return mel


def _mel_to_hz(mel: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * (200.0 / 3)
    log_region = mel >= 15.0
    hz[log_region] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel[log_region] - 15.0))
    return hz


def mel_filters() -> npt.NDArray[np.float32]:
    """Triangular, area-normalized (Slaney) mel filters: (N_MELS, N_FFT // 2 + 1)."""
    fft_hz = np.linspace(0.0, RATE / 2, N_FFT // 2 + 1)
    edges = np.array([0.0, RATE / 2], dtype=np.float64)
    mel_edges = _hz_to_mel(edges)
    points = _mel_to_hz(np.linspace(mel_edges[0], mel_edges[1], N_MELS + 2))
    widths = np.diff(points)
    ramps = points[:, None] - fft_hz[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (points[2:] - points[:-2]))[:, None]
    return weights.astype(np.float32)


_MEL = mel_filters()
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)


def mel_frames(wav: Vector) -> Vector:
    """Power mel spectrogram (not log), frames × bands, centred zero-padded frames."""
    padded = np.pad(wav.astype(np.float32), (N_FFT // 2, N_FFT // 2))
    count = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(count, N_FFT), strides=(padded.strides[0] * HOP, padded.strides[0])
    )
    power = np.abs(np.fft.rfft(frames * _WINDOW, axis=1)) ** 2
    return np.asarray(power @ _MEL.T, dtype=np.float32)


def _normalize_volume(wav: Vector) -> Vector:
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64))))
    if rms <= 1e-9:
        return wav
    change_db = NORM_DBFS - 20 * np.log10(rms)
    if change_db < 0:
        return wav
    return (wav * np.float32(10 ** (change_db / 20))).astype(np.float32)


def voiced(wav: Vector) -> Vector:
    """The audio with long silences shortened to at most ~0.2 s: 30 ms frames
    over an energy gate (40 dB under the loudest frame), smoothed and dilated
    as the encoder's training data was."""
    usable = len(wav) - len(wav) % VAD_FRAME
    if usable == 0:
        return wav[:0]
    frames = wav[:usable].reshape(-1, VAD_FRAME).astype(np.float64)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    flags = (level > max(float(level.max()) - 40.0, -70.0)).astype(np.float64)
    padded = np.concatenate((np.zeros((VAD_AVERAGE - 1) // 2), flags, np.zeros(VAD_AVERAGE // 2)))
    smooth = np.convolve(padded, np.ones(VAD_AVERAGE) / VAD_AVERAGE, mode="valid")
    mask = binary_dilation(np.round(smooth).astype(bool), np.ones(VAD_MAX_SILENCE + 1))
    kept: Vector = wav[:usable][np.repeat(mask, VAD_FRAME)]
    return kept


def prepare(audio: Vector, rate: int) -> Vector:
    """Audio as the encoder hears it: 16 kHz mono float32, volume raised, long
    silences shortened."""
    wav = resample(np.asarray(audio, dtype=np.float32), rate, RATE)
    return voiced(_normalize_volume(wav))


def partial_slices(samples: int) -> list[slice]:
    """Mel-frame ranges of the 1.6 s partials that cover ``samples`` of audio."""
    frames = int(np.ceil((samples + 1) / HOP))
    step = round((RATE / PARTIAL_RATE) / HOP)
    starts = range(0, max(1, frames - PARTIAL_FRAMES + step + 1), step)
    slices = [slice(i, i + PARTIAL_FRAMES) for i in starts]
    last = slices[-1]
    coverage = (samples - last.start * HOP) / (PARTIAL_FRAMES * HOP)
    if coverage < PARTIAL_MIN_COVERAGE and len(slices) > 1:
        slices.pop()
    return slices


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two vectors."""
    denom = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b) / denom) if denom > 0 else 0.0


def _round(value: float) -> float:
    return round(float(value), 3)


# --- the check ---------------------------------------------------------------


class SpeakerCheck:
    """Speaker embeddings and the identity verdict, in a check worker.

    One instance per worker process: it loads the encoder once (about 0.3 s)
    and caches the prompt references it has computed, by content.
    """

    @staticmethod
    def unavailable() -> str | None:
        """One line saying why the speaker model cannot load here, or None."""
        if importlib.util.find_spec("torch") is None:
            return (
                "the voice identity check needs torch (CPU is enough): "
                "install the studio's identity extra"
            )
        if weights_path() is None:
            return (
                f"the voice identity check needs the {MODEL_PACKAGE} package "
                "(its speaker model weights): install the studio's identity extra"
            )
        return None

    def __init__(self, settings: QaSettings, threads: int = 1) -> None:
        problem = self.unavailable()
        if problem is not None:
            raise QaUnavailable(problem)
        self.settings = settings
        self._references: dict[str, VoiceReference] = {}
        self._model = _load_encoder(threads)

    # embeddings

    def embed_prepared(self, wav: Vector) -> Vector:
        """Embedding of audio already through :func:`prepare` (unit norm)."""
        import torch

        slices = partial_slices(len(wav))
        needed = slices[-1].stop * HOP
        if needed > len(wav):
            wav = np.pad(wav, (0, needed - len(wav)))
        mel = mel_frames(wav)
        batch = np.stack([mel[s] for s in slices])
        with torch.inference_mode():
            partials = self._model(torch.from_numpy(batch)).numpy()
        mean = partials.mean(axis=0)
        return np.asarray(mean / max(float(np.linalg.norm(mean)), 1e-12), dtype=np.float32)

    def embed(self, audio: Vector, rate: int) -> Vector:
        """Speaker embedding of a clip: unit-norm float32, 256 numbers."""
        return self.embed_prepared(prepare(audio, rate))

    def reference(self, prompt_audio: Vector, rate: int) -> VoiceReference:
        """The prompt's embedding and calibration, cached by the clip's content."""
        key = hashlib.sha1(np.ascontiguousarray(prompt_audio, dtype=np.float32).tobytes())
        key.update(str(rate).encode())
        digest = key.hexdigest()
        cached = self._references.get(digest)
        if cached is not None:
            return cached
        wav = prepare(prompt_audio, rate)
        embedding = self.embed_prepared(wav)
        half = len(wav) // 2
        if half >= PROMPT_MIN_HALF_S * RATE:
            self_similarity = cosine(
                self.embed_prepared(wav[:half]), self.embed_prepared(wav[half:])
            )
            calibrated = True
        else:
            self_similarity, calibrated = DEFAULT_SELF_SIMILARITY, False
        found = VoiceReference(embedding, self_similarity, calibrated, len(wav) / RATE)
        self._references[digest] = found
        return found

    def check(self, take: TakeToCheck, project_embeddings: Sequence[Vector]) -> IdentityFinding:
        """Judge one take against its voice's prompt (if any) and the project's
        other takes of the same voice (embeddings of passed takes, any order)."""
        wav = prepare(take.audio, take.rate)
        speech_s = len(wav) / RATE
        metrics: dict[str, Any] = {"speech_s": _round(speech_s)}
        if speech_s < MIN_SPEECH_S:
            metrics["identity"] = "too short to judge"
            return IdentityFinding("pass", (), metrics, None)
        embedding = self.embed_prepared(wav)
        ref = self.reference(*take.prompt) if take.prompt is not None else None
        similarity: float | None = None
        if ref is not None:
            similarity = cosine(embedding, ref.embedding)
            metrics.update(
                similarity=_round(similarity),
                reference_similarity=_round(ref.self_similarity),
                reference_calibrated=ref.calibrated,
            )
        known = [np.asarray(e, dtype=np.float32) for e in project_embeddings]
        drift = (project_drift(embedding, known)
                 if len(known) >= MIN_PROJECT and speech_s >= MIN_DRIFT_SPEECH_S else None)
        if drift is not None:
            metrics.update(
                project_similarity=_round(drift.similarity),
                project_typical=_round(drift.typical),
                project_z=_round(drift.z),
            )
        verdict, reasons = judge(similarity, ref, drift, self.settings.similarity_margin)
        return IdentityFinding(verdict, tuple(reasons), metrics, embedding_to_bytes(embedding))


def judge(
    similarity: float | None, reference: VoiceReference | None, drift: Drift | None,
    margin: float,
) -> tuple[str, list[str]]:
    """The verdict on a take from its similarity to the voice's prompt (a
    cloned voice) and its place among the project's takes (any voice with
    enough of them). Fail: the prompt's similarity more than ``margin`` under
    the prompt's own; for a voice with no prompt, the project's similarity
    that far under its typical. Review: a clear outlier among the project's
    takes (:data:`OUTLIER_Z` and :data:`OUTLIER_MIN_DROP`) that did not fail."""
    verdict, reasons = "pass", []
    own = reference.self_similarity if reference is not None else None
    if similarity is not None and own is not None and similarity < own - margin:
        verdict = "fail"
        reasons.append(f"voice similarity {similarity:.2f} (this voice: {own:.2f})")
    if drift is None:
        return verdict, reasons
    if reference is None and drift.similarity < drift.typical - margin:
        verdict = "fail"
        reasons.append(
            f"voice similarity {drift.similarity:.2f} "
            f"(this voice in this project: {drift.typical:.2f})"
        )
    elif verdict == "pass" and drift.outlier:
        verdict = "review"
        reasons.append(
            f"voice drifts from this project's takes: similarity "
            f"{drift.similarity:.2f} (usual: {drift.typical:.2f})"
        )
    return verdict, reasons


@dataclass(frozen=True)
class Drift:
    """Where a take stands among the project's takes of its voice."""

    similarity: float  # the take against the project's centroid
    typical: float  # median of the project's takes against the centroid without them
    z: float  # robust deviations of the take from typical (negative: less alike)
    outlier: bool


def project_drift(embedding: Vector, known: list[Vector]) -> Drift:
    """The take against the centroid of ``known`` (the voice's other takes)."""
    stack = np.stack(known).astype(np.float64)
    stack /= np.maximum(np.linalg.norm(stack, axis=1, keepdims=True), 1e-12)
    total = stack.sum(axis=0)
    # each known take against the centroid of the others, so its own weight
    # does not flatter it; the new take against all of them
    others = total[None, :] - stack
    others /= np.maximum(np.linalg.norm(others, axis=1, keepdims=True), 1e-12)
    own = np.einsum("ij,ij->i", stack, others)
    typical = float(np.median(own))
    spread = 1.4826 * float(np.median(np.abs(own - typical)))
    similarity = cosine(embedding, total.astype(np.float32))
    z = (similarity - typical) / max(spread, 0.01)
    outlier = z < -OUTLIER_Z and similarity < typical - OUTLIER_MIN_DROP
    return Drift(similarity, typical, z, outlier)


def _load_encoder(threads: int) -> Any:
    """The encoder network with the packaged weights, on the CPU."""
    import torch
    from torch import nn

    torch.set_num_threads(max(1, threads))
    path = weights_path()
    assert path is not None  # unavailable() said so

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(N_MELS, 256, 3, batch_first=True)
            self.linear = nn.Linear(256, EMBEDDING_SIZE)

        def forward(self, mels: Any) -> Any:
            _, (hidden, _) = self.lstm(mels)
            raw = torch.relu(self.linear(hidden[-1]))
            return raw / torch.norm(raw, dim=1, keepdim=True).clamp_min(1e-12)

    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
        state = {
            k: v for k, v in checkpoint["model_state"].items() if k.startswith(("lstm.", "linear."))
        }
        model = Encoder()
        model.load_state_dict(state, strict=True)
    except Exception as err:  # a damaged or different file: one clear line
        raise QaUnavailable(
            f"the speaker model at {path} cannot be loaded ({type(err).__name__}: {err})",
            f"reinstall the {MODEL_PACKAGE} package",
        ) from None
    model.eval()
    return model
