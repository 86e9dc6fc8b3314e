"""GPU inventory (NVML) and the VRAM placement planner.

:func:`probe` reads the GPUs; :func:`plan` is a pure function from an
inventory and a request to worker placements, each with its reason.
"""

from studio.gpu.planner import Placement, Plan, plan
from studio.gpu.probe import Gpu, probe

__all__ = ["Gpu", "Placement", "Plan", "plan", "probe"]
