"""Where to put worker processes: a pure function, tested on fake inventories.

Two modes, as the request says:

* **memory** (``per_model_mb > 0``): each worker needs that much VRAM; GPUs are
  filled most-free-first, one worker at a time, never beyond ``free - reserve``.
  If ``workers`` is None, as many as fit.
* **even** (``per_model_mb == -1``): ``workers`` spread round-robin over all
  GPUs whatever their memory (the caller knows the model fits).

With no GPU, or a backend that needs none (``per_model_mb == 0``), the plan
is for the CPU: ``workers`` processes (default: one per core, at most 8),
threads split between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.gpu.probe import Gpu

EVEN = -1
MAX_CPU_WORKERS = 8
# the math libraries' thread pools, sized by these variables when they load
THREAD_POOLS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Placement:
    """One worker: where it runs and why."""

    slot: int
    device: str  # "cpu" or "cuda"
    gpu_uuid: str | None
    gpu_index: int | None
    budget_mb: int
    threads: int
    reason: str

    @property
    def env(self) -> dict[str, str]:
        """Environment the worker must start with: its GPU (before CUDA
        initializes), and for a CPU worker its share of the cores for the
        math libraries' own thread pools (before they are sized). Left
        alone, every CPU worker's BLAS and OpenMP pools took all the cores
        and spun in each other's way: on 2 cores with two renderers and two
        check workers, a render with take QA took 65 s instead of 49
        (benchmarks/qa_cost.py). A GPU worker's pools are left as they are:
        its model's CPU side has not been measured so."""
        pools = ({name: str(self.threads) for name in THREAD_POOLS}
                 if self.device == "cpu" and self.threads > 0 else {})
        if self.gpu_uuid is None:
            return {"CUDA_VISIBLE_DEVICES": "", **pools}
        uuid = self.gpu_uuid if self.gpu_uuid.startswith("GPU-") else f"GPU-{self.gpu_uuid}"
        return {"CUDA_VISIBLE_DEVICES": uuid, "CUDA_DEVICE_ORDER": "PCI_BUS_ID", **pools}


@dataclass(frozen=True)
class Plan:
    """Placements plus the workers that could not be placed, with reasons."""

    placements: tuple[Placement, ...]
    unplaced: tuple[str, ...] = field(default=())
    mode: str = "cpu"


def plan(
    gpus: list[Gpu],
    per_model_mb: int,
    workers: int | None = None,
    reserve_mb: int = 512,
    cpu_cores: int = 1,
    cpu_threads: int | None = None,
) -> Plan:
    """Place ``workers`` workers needing ``per_model_mb`` each on ``gpus``."""
    if workers is not None and workers < 1:
        raise ValueError("workers must be at least 1")
    if per_model_mb == 0 or not gpus:
        return _cpu_plan(workers, cpu_cores, "no GPU" if not gpus else "backend runs on the CPU",
                         cpu_threads)
    if per_model_mb == EVEN:
        count = workers or len(gpus)
        spread = tuple(
            Placement(
                slot, "cuda", gpus[slot % len(gpus)].uuid, gpus[slot % len(gpus)].index,
                0, 1, f"even spread: {slot + 1} of {count} over {len(gpus)} GPU(s)",
            )
            for slot in range(count)
        )
        return Plan(spread, mode="even")
    if per_model_mb < 0:
        raise ValueError("per_model_mb must be positive, 0 (CPU) or -1 (even spread)")

    left = {gpu.uuid: gpu.free_mb - reserve_mb for gpu in gpus}
    placements: list[Placement] = []
    unplaced: list[str] = []
    target = workers if workers is not None else 10_000
    slot = 0
    while slot < target:
        best = max(gpus, key=lambda g: (left[g.uuid], -g.index))
        if left[best.uuid] < per_model_mb:
            if workers is None:
                break
            unplaced += [
                f"worker {n + 1}: no GPU has {per_model_mb} MB free "
                f"(most free: {best.name} #{best.index}, {max(0, left[best.uuid])} MB "
                f"after a {reserve_mb} MB reserve)"
                for n in range(slot, target)
            ]
            break
        left[best.uuid] -= per_model_mb
        placements.append(
            Placement(
                slot, "cuda", best.uuid, best.index, per_model_mb, 1,
                f"{best.name} #{best.index}: {per_model_mb} MB of "
                f"{left[best.uuid] + per_model_mb} MB free after the reserve",
            )
        )
        slot += 1
    if not placements and workers is None:
        unplaced.append(
            f"no GPU has {per_model_mb} MB free after a {reserve_mb} MB reserve "
            f"(largest: {max(g.free_mb for g in gpus)} MB free)"
        )
    return Plan(tuple(placements), tuple(unplaced), mode="memory")


def _cpu_plan(workers: int | None, cpu_cores: int, why: str,
              threads: int | None = None) -> Plan:
    cores = max(1, cpu_cores)
    count = workers or min(cores, MAX_CPU_WORKERS)
    threads = max(1, threads or cores // count)
    return Plan(
        tuple(
            Placement(slot, "cpu", None, None, 0, threads,
                      f"CPU ({why}): {threads} thread(s) of {cores} core(s)")
            for slot in range(count)
        ),
        mode="cpu",
    )
