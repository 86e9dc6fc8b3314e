"""Voice Studio: voiceovers with neural text-to-speech and voice cloning.

The packages are layered: ``studio`` (this core: store, text, audio, render,
export, cli) imports no Qt and no torch; ``studio.engine`` runs synthesis;
``studio.gpu`` reads the GPUs; ``studio.ui`` is the only place Qt lives.
"""

__version__ = "0.1.0"
