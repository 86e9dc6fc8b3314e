"""How the window shows take QA: a glyph and a colour per verdict, the
verdict in words, and the reasons a person reads.

The verdicts are the engine's (``studio.qa.VERDICTS``, plus 'checking' while
a check is on its way); this is the one place that says how each looks, for
the table, the document view's tooltips and the segment panel.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

# a glyph each, told apart by shape as well as colour
QA_GLYPHS = {"pass": "✓", "review": "⚠", "fail": "✗", "unchecked": "?", "checking": "…"}
QA_COLORS = {"pass": "#2e7d32", "review": "#f9a825", "fail": "#c62828", "unchecked": "#757575",
             "checking": "#757575"}

_LABELS = {
    "pass": QT_TRANSLATE_NOOP("Qa", "QA passed"),
    "review": QT_TRANSLATE_NOOP("Qa", "QA: a person should listen"),
    "fail": QT_TRANSLATE_NOOP("Qa", "QA failed"),
    "unchecked": QT_TRANSLATE_NOOP("Qa", "Not checked"),
    "checking": QT_TRANSLATE_NOOP("Qa", "Being checked…"),
}

_SPOTS = {
    "missing": QT_TRANSLATE_NOOP("Qa", "missing"),
    "extra": QT_TRANSLATE_NOOP("Qa", "extra"),
    "changed": QT_TRANSLATE_NOOP("Qa", "changed"),
    "repeat": QT_TRANSLATE_NOOP("Qa", "repeat"),
    "silence": QT_TRANSLATE_NOOP("Qa", "silence"),
    "noise": QT_TRANSLATE_NOOP("Qa", "noise"),
    "click": QT_TRANSLATE_NOOP("Qa", "click"),
    "clipping": QT_TRANSLATE_NOOP("Qa", "clipping"),
}


def spot_label(kind: str) -> str:
    """A problem spot's kind in the interface's language (an unknown one as it is)."""
    label = _SPOTS.get(kind)
    return QCoreApplication.translate("Qa", str(label)) if label else kind


def qa_label(verdict: str | None) -> str:
    """A verdict in the interface's language ('' for none)."""
    label = _LABELS.get(verdict or "")
    return QCoreApplication.translate("Qa", str(label)) if label else (verdict or "")


def qa_reasons(row: dict[str, Any]) -> list[str]:
    """A segment row's QA reasons (stored as a JSON list; none if unreadable)."""
    raw = row.get("qa_reasons")
    if not raw:
        return []
    try:
        reasons = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    return [str(reason) for reason in reasons] if isinstance(reasons, list) else []


def qa_tooltip(row: dict[str, Any]) -> str | None:
    """The verdict and its reasons, one a line (None: nothing checked)."""
    verdict = row.get("qa")
    if not verdict:
        return None
    return "\n".join([qa_label(verdict), *qa_reasons(row)])


def format_metrics(metrics: dict[str, Any]) -> str:
    """The key measurements of a take in one line: error rate (words, or
    characters for a language written without spaces), speaking rate,
    speaker similarity (those present)."""
    parts = []
    for key, name in (("wer", "WER"), ("cer", "CER")):
        value = metrics.get(key)
        if isinstance(value, int | float):
            parts.append(f"{name} {value * 100:.0f}%")
    rate = metrics.get("chars_per_s", metrics.get("rate"))
    if isinstance(rate, int | float) and rate > 0:
        parts.append(QCoreApplication.translate("Qa", "%.1f characters/s") % rate)
    # to the voice's prompt (a cloned voice), else to the project's other takes
    similarity = metrics.get("similarity", metrics.get("project_similarity"))
    if isinstance(similarity, int | float):
        parts.append(QCoreApplication.translate("Qa", "voice similarity %.2f") % similarity)
    return " · ".join(parts)
