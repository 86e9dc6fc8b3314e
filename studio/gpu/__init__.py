"""GPU inventory (NVML) and the VRAM placement planner.

:func:`probe` reads the GPUs; :func:`plan` is a pure function from an
inventory and a request to worker placements, each with its reason.
"""

import os

from studio.gpu.planner import Placement, Plan, plan
from studio.gpu.probe import Gpu, probe

__all__ = ["Gpu", "Placement", "Plan", "device_label", "plan", "probe"]


def device_label(device: str) -> str:
    """Where a worker renders, as a take records it: ``cpu``, or ``cuda:N``
    with N the GPU it was given (``CUDA_VISIBLE_DEVICES``)."""
    if device == "cpu":
        return "cpu"
    return f"{device}:{os.environ.get('CUDA_VISIBLE_DEVICES') or '0'}"
