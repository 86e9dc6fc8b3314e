"""The one render service both front ends call (filled in by the next step)."""
