"""The render farm: remote machines take jobs through Redis (docs/farm.md).

The library stays the one source of truth; Redis carries jobs, takes and
heartbeats between the desktop (:mod:`studio.farm.bridge`) and the workers
(:mod:`studio.farm.worker`, started by :mod:`studio.farm.pool`).
"""
