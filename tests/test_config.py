"""``studio config``: known settings only, typed values, nothing stored on a mistake."""

from __future__ import annotations

from studio.core.store import Library
from tests.conftest import snapshot


def test_set_list_and_unset_a_backend_option(studio, library_dir) -> None:
    run = studio("config", "set", "cosyvoice2.fp16", "on")
    assert run.returncode == 0 and run.stdout.strip() == "cosyvoice2.fp16 = true"
    assert studio("config", "set", "cosyvoice2.vram_mb", "7200").returncode == 0
    listing = studio("config", "list").stdout
    assert "cosyvoice2.fp16              true\n" in listing
    assert "cosyvoice2.trt               false (default)" in listing
    with Library.open(library_dir) as library:
        from studio.backends.cosyvoice2 import CosyVoice2Backend
        from studio.core.planning import backend_options

        options = backend_options(library, "cosyvoice2")
        assert options == {"fp16": True, "vram_mb": 7200}
        assert CosyVoice2Backend.vram_need(options) == 7200  # what the planner budgets
    assert studio("config", "unset", "cosyvoice2.fp16").stdout.endswith("false (default)\n")


def test_bad_keys_and_values_are_refused_and_store_nothing(studio, library_dir) -> None:
    studio("config", "set", "engine.workers", "2")
    before = snapshot(library_dir)
    cases = {
        ("cosyvoice2.fp61", "on"): "no setting named 'cosyvoice2.fp61'",
        ("cosyvoice2.fp16", "maybe"): "takes a true/false value, not 'maybe'",
        ("cosyvoice2.device", "gpu"): "is one of cuda, cpu, not 'gpu'",
        ("engine.workers", "two"): "takes an int value, not 'two'",
    }
    for (key, value), message in cases.items():
        run = studio("config", "set", key, value)
        assert run.returncode == 2 and message in run.stderr, run.stderr
    assert snapshot(library_dir) == before
