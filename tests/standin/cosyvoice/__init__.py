"""A stand-in for the CosyVoice2 runtime package (tests only; see cli/cosyvoice.py)."""
