"""Score the spoken-form normalizer on the held-out sentences, and time it.

The held-out sets (``tests/data/spoken_forms/heldout_en.tsv`` and
``heldout_zh.tsv``) were written before the rules of ``studio.text`` were
tuned and are never tuned against, so the share read right here is an honest
estimate of how the rules do on text they were not made for. Prints the
share per language, every miss (written, heard, expected), and the cost per
sentence on a realistic English and Chinese paragraph. ``--wetext`` does the
same for plain wetext, the normalizer as it was before the rules (the
baseline of docs/normalization.md). The sentences are read the way ``studio
script`` reads a script (split into segments, each normalized, joined), so
the share is that of the command. Exit status 1 if a language is under 90%.

    .venv/bin/python scripts/spoken_forms_heldout.py [--wetext]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from studio.text.lang import detect_language  # noqa: E402
from studio.text.normalize import _normalizer, normalize_sentence  # noqa: E402
from studio.text.segment import prepare_script, split_sentences  # noqa: E402
from tests.test_spoken_forms import load_cases, reads_right  # noqa: E402

PARAGRAPHS = {
    "en": (
        "On March 5, 2024, Dr. Smith flew from New York to London on flight 214, a trip of "
        "approx. 3,459 miles. The ticket cost $1,249.99, about 12% more than last year. She "
        "landed at 7:45 a.m. and took the No. 3 bus to St. Paul's. Henry VIII built much of it "
        "in the 1530s; today 2.5 million people visit each year. Her talk, Chapter IV of the "
        "report, is online at https://example.org/report. Call 555-0199 or e-mail "
        "info@example.org for a copy. The weather was mild, and the crowd was large. Nobody "
        "expected the results to matter so much to so many people."
    ),
    "zh": (
        "2024年3月5日，张医生从北京飞往上海，全程约1,200公里。机票价格是¥1,249.50，比去年贵了12%。"
        "她在上午7:45落地，然后乘坐3号线到达会场。会议的第4章讨论了GDP增长6.5%的原因。"
        "报告全文请访问www.example.com，或拨打电话13812345678索取。天气很好，来的人也很多。"
    ),
}


def plain_wetext(text: str) -> str:
    """The normalizer as it was before the rules: wetext alone."""
    text = " ".join(text.split())
    lang = detect_language(text)
    if not text or lang not in ("en", "zh"):
        return text
    try:
        spoken: str = _normalizer().normalize(text, lang=lang)
    except Exception:
        return text
    return spoken.replace('\\"', '"').replace("\\\\", "\\").strip() or text


def as_studio_script_reads(text: str) -> str:
    """What ``studio script`` says a one-line script is: its segments' spoken text."""
    return prepare_script(text).text


def score(language: str, reader: Callable[[str], str]) -> float:
    """Print the misses of one language's held-out set; return the share right."""
    cases = load_cases(f"heldout_{language}.tsv")
    right = 0
    for written, accepted in cases:
        ok, spoken = reads_right(written, accepted, reader)
        right += ok
        if not ok:
            print(f"  MISS {written}\n       heard:    {spoken}\n       expected: {accepted[0]}")
    share = right / len(cases)
    print(f"{language}: {right}/{len(cases)} read right ({share:.0%})")
    return share


def time_per_sentence(language: str, reader: Callable[[str], str], rounds: int = 30) -> float:
    """Milliseconds per sentence of the language's paragraph (after a warm-up)."""
    sentences = split_sentences(PARAGRAPHS[language])
    for sentence in sentences:
        reader(sentence)
    start = time.perf_counter()
    for _ in range(rounds):
        for sentence in sentences:
            reader(sentence)
    return (time.perf_counter() - start) / (rounds * len(sentences)) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wetext", action="store_true", help="score plain wetext instead")
    wetext = parser.parse_args().wetext
    reader = plain_wetext if wetext else normalize_sentence
    shares = [score(language, plain_wetext if wetext else as_studio_script_reads)
              for language in ("en", "zh")]
    for language in ("en", "zh"):
        print(f"{language}: {time_per_sentence(language, reader):.2f} ms per sentence")
    return 0 if min(shares) >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
