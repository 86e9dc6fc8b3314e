"""How much longer the embedded Piper voice speaks at each length scale.

Prints (length of the speech at this scale / at 1.0, length scale) pairs: the
table ``_DURATION_TO_LENGTH_SCALE`` in studio/backends/piper.py, from which a
segment's speed (a [speed 0.8] span asks for 1.25x the length) is turned into
the scale Piper is given. Run after changing the voice:

    .venv/bin/python scripts/piper_speed_calibration.py
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from studio.backends.piper import PiperBackend

TEXTS = (
    "We read this line slowly, word by word, so that every listener can follow what is said.",
    "The river ran past the old mill for many miles, and nobody knew where it began.",
)
SCALES = (0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
TAKES = 4


def main() -> None:
    piper = PiperBackend()
    piper.load()

    def seconds(scale: float, text: str) -> float:
        config = replace(piper._config, length_scale=scale)
        chunks = [c.audio_float_array for c in piper._voice.synthesize(text, config)]
        return len(np.concatenate(chunks)) / piper.sample_rate

    base = {text: np.mean([seconds(1.0, text) for _ in range(TAKES)]) for text in TEXTS}
    for scale in SCALES:
        ratio = np.mean([np.mean([seconds(scale, t) for _ in range(TAKES)]) / base[t]
                         for t in TEXTS])
        print(f"({ratio:.3f}, {scale:.2f}),")


if __name__ == "__main__":
    main()
