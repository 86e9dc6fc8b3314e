"""Export presets: a format, sample rate and loudness for a destination,
defined once here for the export dialog and the ``studio`` command.

- ``video``: WAV 24-bit at 48 kHz, the rate of video production; −16 LUFS
  (online video; use ``--lufs -23`` for EBU R128 broadcast delivery).
- ``podcast``: MP3, mono, 96 kb/s constant bitrate at 44.1 kHz, −16 LUFS
  (the loudness podcast platforms play speech at). Constant bitrate so that
  every player seeks and shows the duration right; 44.1 kHz because it is
  MP3's native rate; 96 kb/s mono leaves speech without audible artefacts
  (64 kb/s mono is the usual floor for spoken word) at 0.72 MB a minute.
- ``audiobook``: M4B (AAC-LC 64 kb/s mono, 44.1 kHz) with a chapter per
  paragraph (or per heading, see :func:`studio.core.export.chapters`),
  −18 LUFS with peaks under −3 dBFS, inside the audiobook stores' usual
  spec (RMS −18 to −23 dB, peaks under −3 dBFS).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from studio import audio
from studio.core.export import ExportSettings
from studio.errors import UserError


@dataclass(frozen=True)
class Preset:
    """Where an export is going, and what it needs."""

    name: str
    description: str
    suffix: str
    sample_rate: int
    lufs: float
    bits: int | None = None  # PCM depth (WAV, FLAC)
    kbps: int | None = None  # bitrate (MP3, AAC)
    peak_db: float = audio.PEAK_CEILING_DB


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset("video", "WAV 24-bit, 48 kHz, -16 LUFS", ".wav", 48000, -16.0, bits=24),
        Preset("podcast", "MP3 96 kb/s mono, 44.1 kHz, -16 LUFS", ".mp3", 44100, -16.0,
               kbps=96),
        Preset("audiobook", "M4B (AAC 64 kb/s), chapters, 44.1 kHz, -18 LUFS, peaks -3 dBFS",
               ".m4b", 44100, -18.0, kbps=64, peak_db=-3.0),
    )
}


def preset(name: str) -> Preset:
    """The preset called ``name``; :class:`UserError` listing them if there is none."""
    try:
        return PRESETS[name]
    except KeyError:
        raise UserError(f"no export preset named {name!r}",
                        f"choose one of: {', '.join(PRESETS)}") from None


def resolve(
    name: str | None = None,
    *,
    suffix: str | None = None,
    sample_rate: int | None = None,
    lufs: float | None = None,
    base: ExportSettings | None = None,
) -> tuple[str, ExportSettings]:
    """The output suffix and settings of a preset with explicit choices on top.

    An explicit ``suffix``, ``sample_rate`` or ``lufs`` overrides the
    preset's. The preset's bit depth or bitrate applies only to its own
    format: ``--preset video --out x.flac`` is FLAC at 48 kHz with FLAC's
    defaults. Without a preset: WAV, the takes' own rate, −16 LUFS.
    """
    base = base or ExportSettings()
    chosen = preset(name) if name else None
    out_suffix = (suffix or (chosen.suffix if chosen else ".wav")).lower()
    fmt = audio.format_for(out_suffix)  # an unknown format is refused, listing the known
    if sample_rate is not None:
        allowed = audio.LOSSY_RATES if fmt.lossy else range(8000, 192001)
        if sample_rate not in allowed:
            raise UserError(
                f"cannot write {fmt.label} at {sample_rate} Hz",
                f"choose one of {', '.join(map(str, audio.LOSSY_RATES))} Hz" if fmt.lossy
                else "choose a sample rate from 8000 to 192000 Hz",
            )
    settings = replace(base, sample_rate=sample_rate, lufs=base.lufs if lufs is None else lufs)
    if chosen is not None:
        own = out_suffix == chosen.suffix
        settings = replace(
            settings,
            sample_rate=sample_rate or chosen.sample_rate,
            lufs=chosen.lufs if lufs is None else lufs,
            peak_db=chosen.peak_db,
            bits=chosen.bits if own else None,
            kbps=chosen.kbps if own else None,
        )
    return out_suffix, settings
