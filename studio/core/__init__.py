"""The studio's domain, without Qt, torch or processes.

The library store (SQLite), the job queue, projects and their segments, review,
export, voice prompts and settings. Front ends (``studio.cli``, ``studio.ui``)
and the engine's processes build on it; it builds on ``studio.backends``,
``studio.text``, ``studio.audio`` and the base modules only.
"""
