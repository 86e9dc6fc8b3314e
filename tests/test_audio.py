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


def test_lossy_and_24_bit_formats_read_back(tmp_path, speech) -> None:
    """MP3 (libsndfile's LAME) at its constant bitrate, AAC in M4B (PyAV's
    FFmpeg) with chapter marks and title, WAV 24-bit: real encoders, files
    read back by their own decoders."""
    import av
    import soundfile as sf

    x = audio.resample(speech(6.0), RATE, 44100)
    mp3 = tmp_path / "x.mp3"
    audio.write_audio(mp3, x, 44100, kbps=96)
    y, rate = audio.read_audio(mp3)
    assert rate == 44100 and abs(len(y) - len(x)) < 0.01 * 44100  # gapless: LAME's header
    assert abs(mp3.stat().st_size * 8 / 6.0 / 1000 - 96) < 3  # constant 96 kb/s
    assert abs(audio.loudness_lufs(y, rate) - audio.loudness_lufs(x, 44100)) < 0.5

    m4b = tmp_path / "x.m4b"
    marks = [audio.Chapter(0.0, 2.5, "One"), audio.Chapter(2.5, 6.0, "Deux — twó")]
    audio.write_audio(m4b, x, 44100, kbps=64, chapters=marks, title="Book")
    with av.open(str(m4b)) as container:
        assert container.metadata["major_brand"] == "M4B "
        assert container.metadata["title"] == "Book"
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "aac" and stream.sample_rate == 44100
        assert [(c["start"] * c["time_base"], c["end"] * c["time_base"], c["metadata"]["title"])
                for c in container.chapters()] == [(0, 2.5, "One"), (2.5, 6, "Deux — twó")]
        assert abs(container.duration / av.time_base - 6.0) < 0.01  # the edit list's length
        decoded = np.concatenate([f.to_ndarray()[0] for f in container.decode(stream)])
    assert 0 <= len(decoded) - len(x) <= 1024  # raw frames: up to one frame of padding
    m4a = tmp_path / "x.m4a"
    audio.write_audio(m4a, x[:44100], 44100)
    with av.open(str(m4a)) as container:
        assert container.metadata["major_brand"] == "M4A " and not container.chapters()
    assert abs(audio.loudness_lufs(decoded.astype(np.float32), 44100)
               - audio.loudness_lufs(x, 44100)) < 0.5

    wav = tmp_path / "x.wav"
    audio.write_audio(wav, x, 48000, bits=24)
    assert sf.info(str(wav)).subtype == "PCM_24"


def test_bad_encoder_settings_are_refused_in_one_line() -> None:
    import pytest

    from studio.errors import UserError

    x = np.zeros(4410, np.float32)
    with pytest.raises(UserError, match=r"unknown audio format \.ogg: name the output "
                                        r"\.wav, \.flac, \.mp3, \.m4b, \.m4a"):
        audio.encode(x, RATE, ".ogg")
    with pytest.raises(UserError, match="MP3 cannot be written at 96000 Hz"):
        audio.encode(x, 96000, ".mp3")
    with pytest.raises(UserError, match="cannot write 8-bit WAV"):
        audio.encode(x, RATE, ".wav", bits=8)


def test_a_missing_aac_encoder_is_one_line_saying_what_to_do(monkeypatch) -> None:
    import sys

    import pytest

    from studio.errors import UserError

    monkeypatch.setitem(sys.modules, "av", None)  # import av raises ImportError
    with pytest.raises(UserError) as missing:
        audio.encode(np.zeros(4410, np.float32), RATE, ".m4b")
    assert str(missing.value) == ("writing M4B/M4A needs PyAV (the 'av' package), which is "
                                  "missing: install it: pip install av, or export .mp3, .wav "
                                  "or .flac")
