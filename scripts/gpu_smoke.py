#!/usr/bin/env python3
"""Prove the cosyvoice2 backend on a real GPU with real weights.

    .venv/bin/python scripts/gpu_smoke.py MODEL_DIR [--fp16] [--jit] [--trt]
        [--workers N] [--prompt CLIP --transcript TEXT] [--library DIR]

Clones a voice (by default from a clip the bundled Piper voice speaks, with
its transcript), renders a three-segment Chinese/English project with it
through the real engine (supervisor, NVML placement, worker processes), and
prints the real-time factor of each segment and the GPU memory each worker
process held at its peak. The joined audio and subtitles are exported so a
person can listen.

Exit codes: 0 rendered; 2 it cannot run here (no weights, no runtime, no
GPU), with the reason and the fix; 3 a segment failed to render.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from studio.backends.cosyvoice2 import CosyVoice2Backend
from studio.core.export import ExportSettings, export_project
from studio.core.jobs import JobQueue
from studio.core.planning import plan_project
from studio.core.prompts import import_voice
from studio.core.store import Library
from studio.engine.client import start_engine, stop_engine
from studio.errors import UserError
from studio.service import engine, render

SCRIPT = """你好，欢迎来到语音工作室，这个声音是从一小段录音克隆出来的。

The same cloned voice now reads English, with the same warmth and the same pace.

最后，我们再用中文说一句话，看看切换是否自然。"""

PROMPT_TEXT = ("The quick brown fox jumps over the lazy dog, "
               "and the studio records every word of it.")


def fail(message: str, code: int = 2) -> int:
    print(f"gpu_smoke: {message}", file=sys.stderr)
    return code


def default_prompt(folder: Path) -> Path:
    """About six seconds of the bundled English voice, saying PROMPT_TEXT."""
    from studio.backends import VoiceRef
    from studio.backends.piper import PiperBackend

    piper = PiperBackend()
    piper.load("cpu")
    audio = piper.synthesize(PROMPT_TEXT, VoiceRef("joe", "preset", "en"), seed=0)
    path = folder / "prompt.wav"
    sf.write(path, audio, piper.sample_rate)
    return path


class VramSampler:
    """Peak GPU memory of each worker process, sampled from NVML twice a second."""

    def __init__(self, library_root: Path) -> None:
        self.root = library_root
        self.peak_mb: dict[int, float] = {}
        self.device: dict[int, str] = {}
        self.note = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> VramSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            import pynvml

            pynvml.nvmlInit()
        except Exception as err:  # no NVML: say so in the report
            self.note = f"NVML unavailable ({err})"
            return
        library = Library.open(self.root)
        try:
            while not self._stop.wait(0.5):
                pids = {row[0]: row[1] for row in library.conn.execute(
                    "SELECT pid, device FROM workers WHERE pid IS NOT NULL")}
                for index in range(pynvml.nvmlDeviceGetCount()):
                    handle = pynvml.nvmlDeviceGetHandleByIndex(index)
                    for proc in pynvml.nvmlDeviceGetComputeRunningProcesses(handle):
                        if proc.pid in pids and proc.usedGpuMemory:
                            used = proc.usedGpuMemory / 2**20
                            self.peak_mb[proc.pid] = max(self.peak_mb.get(proc.pid, 0), used)
                            self.device[proc.pid] = pids[proc.pid]
        finally:
            library.close()
            pynvml.nvmlShutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path, help="the CosyVoice2-0.5B model folder")
    parser.add_argument("--fp16", action="store_true")
    parser.add_argument("--jit", action="store_true")
    parser.add_argument("--trt", action="store_true", help="TensorRT (built once first)")
    parser.add_argument("--workers", type=int, help="workers (default: as the VRAM plan fits)")
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda",
                        help="cpu runs without a GPU (very slow; for checking the script)")
    parser.add_argument("--prompt", type=Path, help="a 3-30 s clip to clone")
    parser.add_argument("--transcript", help="what the clip says")
    parser.add_argument("--library", type=Path, help="library folder (default: a temp one)")
    args = parser.parse_args(argv)

    options = {"model_dir": str(args.model_dir.resolve()), "device": args.device,
               "fp16": args.fp16, "jit": args.jit, "trt": args.trt}
    problem = CosyVoice2Backend.model_problem(options) or CosyVoice2Backend.available(options)
    if problem:
        return fail(f"cannot run here: {problem}")
    if args.prompt and not args.transcript:
        return fail("--prompt needs --transcript (what the clip says)")

    work = Path(tempfile.mkdtemp(prefix="gpu-smoke-"))
    root = args.library or work / "library"
    with Library.open(root) as library:
        for key, value in options.items():
            library.set_setting(f"cosyvoice2.{key}", value)
        try:
            prompt = args.prompt or default_prompt(work)
            voice, warnings = import_voice(library, "smoke-clone", prompt,
                                           args.transcript or PROMPT_TEXT)
            planned = plan_project(library, SCRIPT, "gpu-smoke", voice.name)
        except UserError as err:
            return fail(str(err))
        for warning in warnings:
            print(f"prompt: {warning}", file=sys.stderr)
        project = planned.sync.project
        render.queue_project(library, project)
        print(f"rendering {len(planned.todo)} segments with {voice.name} on "
              f"{planned.backend.name} ({args.device}, fp16={args.fp16}, jit={args.jit}, "
              f"trt={args.trt})", file=sys.stderr)
        started = time.monotonic()
        with VramSampler(root) as vram:
            start_engine(root, workers=args.workers, idle_exit_s=30)
            progress = engine.wait(library, project)
            wall = time.monotonic() - started
            workers = library.conn.execute(
                "SELECT slot, pid, device, state, last_error, jobs_done FROM workers "
                "ORDER BY slot").fetchall()
        stop_engine(root)
        if progress.rendered < progress.total:
            for row in workers:
                if row["last_error"]:
                    print(f"worker {row['slot']}: {row['last_error']}", file=sys.stderr)
            for job in JobQueue(library).jobs(state="dead", project_id=project.id):
                print(f"segment {job['segment']}: {job['error']}", file=sys.stderr)
            return fail(f"{progress.total - progress.rendered} of {progress.total} segments "
                        f"did not render; see {root / 'logs' / 'engine.log'}", 3)

        rows = library.conn.execute(
            "SELECT s.position + 1 AS idx, s.language, s.text, t.frames, t.sample_rate, "
            "j.updated_at - j.started_at AS render_s FROM segments s "
            "JOIN takes t ON t.id = s.current_take_id "
            "JOIN jobs j ON j.segment_id = s.id AND j.state = 'done' "
            "WHERE s.project_id = ? AND s.position IS NOT NULL ORDER BY s.position",
            (project.id,)).fetchall()
        print("\nsegment  lang  audio s  render s    RTF  text")
        audio_total = render_total = 0.0
        for row in rows:
            seconds = row["frames"] / row["sample_rate"]
            audio_total += seconds
            render_total += row["render_s"]
            text = row["text"] if len(row["text"]) <= 40 else row["text"][:39] + "…"
            print(f"{row['idx']:>7}  {row['language']:<4} {seconds:>8.2f} "
                  f"{row['render_s']:>9.2f} {row['render_s'] / seconds:>6.3f}  {text}")
        print(f"\nreal-time factor: {render_total / audio_total:.3f} "
              f"({render_total:.1f} s of rendering for {audio_total:.1f} s of audio; "
              f"wall clock {wall:.1f} s including model load)")
        print("GPU memory per worker (peak, from NVML):")
        for row in workers:
            peak = vram.peak_mb.get(row["pid"])
            shown = f"{peak:,.0f} MB" if peak else (vram.note or "not seen on a GPU")
            print(f"  worker {row['slot']} (pid {row['pid']}, {row['device']}): {shown}, "
                  f"{row['jobs_done']} job(s)")
        result = export_project(library, project, work / "gpu-smoke.wav",
                                work / "gpu-smoke.srt", ExportSettings())
        takes = [library.take(s.current_take_id) for s in library.segments(project.id)
                 if s.current_take_id]
        rates = {t.sample_rate for t in takes}
        audio, rate = sf.read(result.audio_path)
        print(f"takes at {sorted(rates)} Hz; export {result.audio_path} "
              f"({len(audio) / rate:.1f} s, {result.lufs:.1f} LUFS, "
              f"rms {float(np.sqrt(np.mean(np.square(audio)))):.3f}) and {result.srt_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
