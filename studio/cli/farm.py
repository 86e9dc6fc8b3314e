"""``studio farm``: connect a library to a render farm, look at it, and run a
machine's farm workers (docs/farm.md)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from studio.cli.common import open_library
from studio.farm.protocol import PASSWORD_ENV


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``studio farm connect|disconnect|status|worker``."""
    farm = sub.add_parser("farm", parents=[common],
                          help="render on other machines through Redis")
    fsub = farm.add_subparsers(dest="action", metavar="ACTION", required=True)
    password = argparse.ArgumentParser(add_help=False)
    password.add_argument("--password-file", metavar="FILE",
                          help=f"the Redis password's file (default: ${PASSWORD_ENV})")
    connect = fsub.add_parser("connect", parents=[common, password],
                              help="hand this library's jobs to a farm too")
    connect.add_argument("url", help="redis://HOST:PORT/DB, rediss://… (TLS) or unix:///…")
    fsub.add_parser("disconnect", parents=[common],
                    help="leave the farm; its jobs go back to this machine")
    status = fsub.add_parser("status", parents=[common], help="the farm and its workers")
    status.add_argument("--json", action="store_true")
    worker = fsub.add_parser("worker", parents=[common, password],
                             help="render a farm's jobs on this machine (no library here)")
    worker.add_argument("--redis", required=True, metavar="URL", help="the farm's Redis")
    worker.add_argument("--backend", default="piper", help="the backend to serve")
    worker.add_argument("--workers", type=int, metavar="N",
                        help="how many (default: by the VRAM plan, or one per core)")
    worker.add_argument("--cache", type=Path, metavar="DIR",
                        help="where fetched voice prompts are kept")
    worker.add_argument("--name", help="this machine's name in the farm (default: its hostname)")


def cmd_farm(args: argparse.Namespace) -> int:
    """``studio farm …``."""
    from studio.service import farm

    if args.action == "worker":
        import logging

        from studio.farm.worker import LOG_FORMAT
        from studio.paths import farm_cache_dir

        # a long-running service: what it starts, restarts and reclaims is worth a line
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, force=True)

        return farm.run_workers(args.redis, args.password_file, args.backend, args.workers,
                                args.cache or farm_cache_dir(), args.name)
    with open_library(args) as library:
        if args.action == "connect":
            link = farm.connect(library, args.url, args.password_file)
            print(f"connected to the farm at {link.url}: the engine hands jobs to its workers")
            return 0
        if args.action == "disconnect":
            count = farm.disconnect(library)
            print(f"left the farm; {count} job(s) it held go back to this machine")
            return 0
        state = farm.status(library)
    if args.json:
        print(json.dumps(state.as_json(), indent=2))
        return 0
    if state.url is None:
        print("not connected to a farm (studio farm connect redis://HOST:PORT/DB)")
        return 0
    print(f"farm: {state.url}" + ("" if state.reachable else f" — {state.problem}"))
    print(f"jobs handed to the farm: {state.held}; results waiting: {state.waiting}")
    if state.reachable and not state.workers:
        print("no workers yet (studio farm worker --redis URL, on each machine)")
    for w in state.workers:
        job = f", job {w.job}" if w.job else ""
        print(f"  {w.name:<28} {w.device:<8} {w.backend:<11} {w.state}{job}, "
              f"{w.jobs_done} done, seen {w.seen_s:.0f} s ago"
              + (f" — {w.error}" if w.error else ""))
    return 0
