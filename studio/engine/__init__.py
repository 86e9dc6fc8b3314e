"""Synthesis: backends now; the supervisor, workers and job queue build on them.

Nothing here imports Qt; a backend imports its heavy runtime (onnxruntime,
torch) only inside :meth:`~studio.backends.Backend.load`.
"""
