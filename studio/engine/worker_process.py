"""A worker process's entry point: ``python -m studio.engine.worker_process``.

The supervisor starts one per slot of its plan. By ``--backend`` it runs a
render worker (:class:`~studio.engine.worker.Worker`) or, for take QA's pool,
a check worker (:class:`~studio.engine.check_worker.CheckWorker`); with
``--build`` it runs the backend's one-off build and exits. The process dies
with its supervisor and runs at a lower priority than the desktop.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from pathlib import Path

from studio.backends import backend_class
from studio.core.jobs import QA_POOL
from studio.core.store import Library
from studio.engine.worker import LOG_FORMAT, Worker
from studio.process import die_with_parent

log = logging.getLogger("studio.engine.worker_process")


def build(root: Path, backend: str, device: str) -> int:
    """Run ``backend``'s one-off build (e.g. TensorRT plans) with the library's options."""
    from studio.core.planning import backend_options

    with Library.open(root) as library:
        options = backend_options(library, backend)
    instance = backend_class(backend)()
    instance.configure(options)
    started = time.monotonic()
    try:
        instance.build(device)
    except Exception as err:
        log.error("build of %s failed: %s: %s", backend, type(err).__name__, err)
        return 1
    log.info("built %s in %.1f s", backend, time.monotonic() - started)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of a worker process."""
    parser = argparse.ArgumentParser(prog="studio-worker")
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--slot", type=int, default=-1)
    parser.add_argument("--build", action="store_true",
                        help="run the backend's one-off build, then exit")
    parser.add_argument("--backend", required=True)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--parent", type=int, default=0, help="the supervisor's pid")
    parser.add_argument("--preload", action="store_true",
                        help="a check worker: load the models before the first batch")
    args = parser.parse_args(argv)
    die_with_parent()
    if args.parent and os.getppid() != args.parent:
        return 0  # the supervisor died before we could ask to die with it
    with contextlib.suppress(OSError, AttributeError):
        os.nice(5)  # rendering is background work: the desktop stays responsive
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    if args.build:
        return build(args.library, args.backend, args.device)
    worker: Worker
    if args.backend == QA_POOL:
        from studio.engine.check_worker import CheckWorker  # render workers load no recognizer

        worker = CheckWorker(args.library, args.slot, args.threads or 1, preload=args.preload)
    else:
        worker = Worker(args.library, args.slot, args.backend, args.device,
                        args.threads or None)
    worker.load()
    worker.run(parent=args.parent or None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
