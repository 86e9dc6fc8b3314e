"""``studio engine``, ``studio gpu`` and ``studio jobs``: the render engine,
where its workers would run, and its queue."""

from __future__ import annotations

import argparse
import json
from typing import Any

from studio.cli.common import open_library
from studio.errors import UserError


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio engine``, ``studio gpu`` and ``studio jobs``."""
    engine = sub.add_parser("engine", parents=[common], help="the render engine (workers)")
    esub = engine.add_subparsers(dest="action", metavar="ACTION", required=True)
    estart = esub.add_parser("start", parents=[common], help="start the engine in the background")
    estart.add_argument("--workers", type=int, help="number of workers (default: the plan's)")
    esub.add_parser("stop", parents=[common], help="finish current jobs, then stop")
    estatus = esub.add_parser("status", parents=[common], help="workers and queue")
    estatus.add_argument("--json", action="store_true")

    gpu = sub.add_parser("gpu", parents=[common], help="GPUs and the worker placement plan")
    gsub = gpu.add_subparsers(dest="action", metavar="ACTION", required=True)
    gplan = gsub.add_parser("plan", parents=[common], help="show where workers would run")
    gplan.add_argument("--per-model-mb", type=int, default=5000,
                       help="VRAM per worker in MB, -1 to spread evenly, 0 for the CPU")
    gplan.add_argument("--workers", type=int, help="number of workers (default: as fit)")
    gplan.add_argument("--reserve-mb", type=int, default=512, help="VRAM left free per GPU")
    gplan.add_argument("--json", action="store_true")

    jobs = sub.add_parser("jobs", parents=[common], help="the render queue")
    jsub = jobs.add_subparsers(dest="action", metavar="ACTION", required=True)
    jlist = jsub.add_parser("list", parents=[common], help="list jobs")
    jlist.add_argument("--state", choices=["queued", "running", "done", "failed", "dead",
                                           "cancelled"])
    jlist.add_argument("--project")
    jlist.add_argument("--json", action="store_true")
    jretry = jsub.add_parser("retry", parents=[common], help="queue a job again")
    jretry_which = jretry.add_mutually_exclusive_group(required=True)
    jretry_which.add_argument("id", nargs="?", type=int)
    jretry_which.add_argument("--dead", action="store_true", help="every dead job")
    jcancel = jsub.add_parser("cancel", parents=[common], help="cancel jobs")
    jcancel_which = jcancel.add_mutually_exclusive_group(required=True)
    jcancel_which.add_argument("id", nargs="?", type=int)
    jcancel_which.add_argument("--project", help="every active job of a project")
    for name, text in (("pause", "stop claiming a project's jobs"),
                       ("resume", "claim a paused project's jobs again")):
        jp = jsub.add_parser(name, parents=[common], help=text)
        jp.add_argument("--project", required=True)


def cmd_engine(args: argparse.Namespace) -> int:
    """``studio engine start|stop|status``."""
    from studio.service import engine

    with open_library(args) as library:
        root = library.root
        if args.action == "start":
            pid = engine.start_engine(root, workers=args.workers)
            print(f"engine started for {root} (pid {pid})")
            return 0
        if args.action == "stop":
            stopped = engine.stop_engine(root)
            print(f"engine stopped (pid {stopped})" if stopped else "the engine is not running")
            return 0
        status = engine.engine_status(library) | {"projects": engine.projects_at_work(library)}
    if args.json:
        print(json.dumps(status, indent=2))
        return 0
    print(f"engine: {'running, pid ' + str(status['pid']) if status['running'] else 'stopped'}")
    for w in status["workers"]:
        uptime = f"{w['uptime_s']:.0f} s" if w["uptime_s"] and status["running"] else "-"
        print(f"  worker {w['slot']}: {w['state']:<8} pid {w['pid'] or '-':<7} "
              f"{w['backend']} on {w['device']}, job {w['current_job'] or '-'}, "
              f"{w['jobs_done']} done, {w['restarts']} restart(s), up {uptime}"
              + (f"\n    last error: {w['last_error']}" if w["last_error"] else ""))
    counts = ", ".join(f"{n} {state}" for state, n in sorted(status["jobs"].items()))
    print(f"jobs: {counts or 'none'}")
    for p in status["projects"]:
        left = "" if p["eta_s"] is None else f", about {p['eta_s']:.0f} s left"
        checks = f", {p['checks_left']} take(s) to check" if p["checks_left"] else ""
        print(f"  project {p['name']!r}: {p['state']}, {p['rendered']} of {p['segments']} "
              f"rendered{checks}{left}")
    for name, problem in sorted(status["backend_problems"].items()):
        print(f"backend {name}: not available: {problem}")
    return 0


def cmd_gpu(args: argparse.Namespace) -> int:
    """``studio gpu plan``."""
    import dataclasses
    import os

    from studio.gpu import plan, probe

    gpus, note = probe()
    result = plan(gpus, args.per_model_mb, args.workers, args.reserve_mb,
                  cpu_cores=os.cpu_count() or 1)
    if args.json:
        print(json.dumps({
            "gpus": [dataclasses.asdict(g) for g in gpus], "note": note, "mode": result.mode,
            "placements": [dataclasses.asdict(p) | {"env": p.env} for p in result.placements],
            "unplaced": list(result.unplaced),
        }, indent=2))
        return 0
    print(f"GPUs: {note}")
    for g in gpus:
        print(f"  #{g.index} {g.name} {g.uuid}: {g.free_mb} of {g.total_mb} MB free")
    print(f"plan ({result.mode}):")
    for p in result.placements:
        print(f"  worker {p.slot + 1}: {p.reason}")
    for line in result.unplaced:
        print(f"  not placed: {line}")
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    """``studio jobs list|retry|cancel|pause|resume``."""
    from studio.service import queue

    with open_library(args) as library:
        project = None
        if getattr(args, "project", None):
            project = library.find_project(args.project)
            if project is None:
                raise UserError(f"no project named {args.project!r}", "see `studio projects list`")
        if args.action == "retry":
            count = queue.retry(library, None if args.dead else args.id)
            print(f"{count} job(s) queued again")
        elif args.action == "cancel":
            count = queue.cancel(library, args.id, project)
            print(f"{count} job(s) cancelled")
        elif args.action in ("pause", "resume"):
            assert project is not None
            queue.set_paused(library, project, args.action == "pause")
            print(f"project {project.name!r} {args.action}d")
        else:
            rows = queue.jobs(library, args.state, project)
            if args.json:
                print(json.dumps(rows, ensure_ascii=False, indent=2))
            for row in [] if args.json else rows:
                error = f"  {row['error']}" if row["error"] else ""
                print(f"{row['id']:>6} {row['kind']:<7} {row['state']:<9} "
                      f"{row['project']}#{row['segment']:<5} "
                      f"attempts {row['attempts']}/{row['max_attempts']}{error}")
    return 0
