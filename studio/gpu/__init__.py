"""GPU inventory (NVML) and the VRAM placement planner.

Filled in with the engine supervisor; the renderer runs on the CPU until then.
"""
