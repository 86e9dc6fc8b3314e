"""Read the machine's NVIDIA GPUs through NVML (``nvidia-ml-py``).

No NVML library, no driver or no GPU is a normal case: :func:`probe` returns
an empty list and the reason, and the studio plans for the CPU.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Gpu:
    """One GPU as NVML reports it (memory in MB)."""

    index: int
    name: str
    uuid: str
    total_mb: int
    free_mb: int
    driver: str = ""


def probe() -> tuple[list[Gpu], str]:
    """The GPUs NVML can see, and a note on what was found (or why none)."""
    try:
        import pynvml
    except ImportError:
        return [], "nvidia-ml-py is not installed"
    try:
        pynvml.nvmlInit()
    except Exception as err:  # NVMLError_LibraryNotFound, DriverNotLoaded, …
        return [], f"no NVIDIA driver ({err})"
    try:
        driver = pynvml.nvmlSystemGetDriverVersion()
        driver = driver.decode() if isinstance(driver, bytes) else str(driver)
        gpus = []
        for index in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(index)
            name = pynvml.nvmlDeviceGetName(handle)
            uuid = pynvml.nvmlDeviceGetUUID(handle)
            memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
            gpus.append(
                Gpu(
                    index=index,
                    name=name.decode() if isinstance(name, bytes) else str(name),
                    uuid=uuid.decode() if isinstance(uuid, bytes) else str(uuid),
                    total_mb=int(memory.total) // 2**20,
                    free_mb=int(memory.free) // 2**20,
                    driver=driver,
                )
            )
        return gpus, f"{len(gpus)} GPU(s), driver {driver}" if gpus else "NVML found no GPU"
    except Exception as err:
        return [], f"NVML failed ({err})"
    finally:
        with contextlib.suppress(Exception):
            pynvml.nvmlShutdown()
