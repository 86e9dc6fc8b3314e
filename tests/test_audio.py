"""Audio primitives on real speech: limiter, loudness, fades, trimming."""

from __future__ import annotations

import numpy as np

from studio import audio

RATE = 22050


def test_limiter_holds_the_ceiling_and_leaves_quiet_audio_alone(speech) -> None:
    x = speech(4.0) * 3.6  # peaks at 1.8: far over the ceiling
    ceiling = 10 ** (-1.5 / 20)
    gain = audio.limiter_gain(x, RATE, ceiling_db=-1.5)
    assert np.max(np.abs(x * gain)) <= ceiling * (1 + 1e-5)  # the envelope alone holds it
    assert np.all(np.abs(np.diff(gain)) < 0.01)  # and moves smoothly: no clicks
    assert np.mean(gain > 0.999) > 0.2  # untouched where there is no peak
    y = audio.limit_peaks(x, RATE, ceiling_db=-1.5)
    assert np.max(np.abs(y)) <= ceiling + 1e-6
    quiet = speech(4.0) * 0.2
    assert np.array_equal(audio.limit_peaks(quiet, RATE), quiet)


def test_loudness_normalization_hits_target_without_clipping(speech) -> None:
    x = speech(6.0) * 0.3
    ceiling = 10 ** (audio.PEAK_CEILING_DB / 20) + 1e-6
    for target in (-30.0, -23.0, -16.0):
        y, measured = audio.normalize_loudness(x, RATE, target)
        assert abs(audio.loudness_lufs(y, RATE) - target) < 0.2
        assert measured == audio.loudness_lufs(y, RATE)
        assert np.max(np.abs(y)) <= ceiling
    # louder than the ceiling allows for speech: as loud as it gets, never clipped
    loud, _ = audio.normalize_loudness(x, RATE, -8.0)
    assert audio.loudness_lufs(loud, RATE) > -16.0
    assert np.max(np.abs(loud)) <= ceiling


def test_fades_reach_zero_at_both_ends(speech) -> None:
    y = audio.fade(speech(1.0), RATE, 0.01, 0.01)
    assert abs(y[0]) < 1e-6 and abs(y[-1]) < 1e-6
    assert np.allclose(y[1000:-1000], speech(1.0)[1000:-1000])


def test_trim_keeps_speech_and_drops_silence(speech) -> None:
    x = np.concatenate([np.zeros(RATE, np.float32), speech(2.0), np.zeros(RATE, np.float32)])
    y = audio.trim_silence(x, RATE)
    assert 1.8 * RATE < len(y) < 2.3 * RATE


def test_encode_roundtrip_wav_and_flac(tmp_path, speech) -> None:
    x = speech(1.0)
    for suffix in (".wav", ".flac"):
        path = tmp_path / f"x{suffix}"
        audio.write_audio(path, x, RATE)
        y, rate = audio.read_audio(path)
        assert rate == RATE and len(y) == len(x)
        assert np.max(np.abs(y - x)) < 1e-3
