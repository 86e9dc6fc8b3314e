"""The text pipeline: validate and clean a script, normalize it for speech,
split it into segments.

``prepare_script`` is the one entry point: raw text in, a
:class:`~studio.text.segment.Script` of segments out, whose joined text is
the normalized script.
"""

from studio.text.clean import MAX_SCRIPT_BYTES, clean_text, decode_script
from studio.text.lang import LANGUAGE_NAMES, detect_language
from studio.text.segment import Pause, Script, SegmentPlan, prepare_script

__all__ = [
    "LANGUAGE_NAMES",
    "MAX_SCRIPT_BYTES",
    "Pause",
    "Script",
    "SegmentPlan",
    "clean_text",
    "decode_script",
    "detect_language",
    "prepare_script",
]
