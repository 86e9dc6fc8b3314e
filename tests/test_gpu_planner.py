"""The VRAM planner over many fake inventories (a pure function: no GPU needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.gpu import Gpu, plan, probe


def gpu(index: int, free: int, total: int = 81920, name: str = "H100") -> Gpu:
    return Gpu(index, name, f"GPU-{index:04d}-uuid", total, free)


def test_no_gpu_gives_a_cpu_plan_sized_to_the_cores() -> None:
    result = plan([], 5000, cpu_cores=2)
    assert result.mode == "cpu" and len(result.placements) == 2
    assert all(p.device == "cpu" and p.threads == 1 for p in result.placements)
    assert plan([], 5000, cpu_cores=32).placements[0].threads == 4  # 8 workers x 4 threads
    assert len(plan([], 0, workers=3, cpu_cores=2).placements) == 3
    assert plan([gpu(0, 80000)], 0, cpu_cores=4).mode == "cpu"  # a CPU backend


def test_one_gpu_in_memory_mode_fits_what_fits() -> None:
    result = plan([gpu(0, 20000)], 5000, reserve_mb=512)
    assert len(result.placements) == 3  # 19488 MB / 5000
    assert {p.env["CUDA_VISIBLE_DEVICES"] for p in result.placements} == {"GPU-0000-uuid"}
    assert "5000 MB" in result.placements[0].reason


def test_requested_workers_beyond_memory_are_reported_not_oversubscribed() -> None:
    result = plan([gpu(0, 12000)], 5000, workers=4, reserve_mb=1000)
    assert len(result.placements) == 2 and len(result.unplaced) == 2
    assert "no GPU has 5000 MB free" in result.unplaced[0]


def test_nearly_full_gpu_gets_nothing() -> None:
    result = plan([gpu(0, 3000), gpu(1, 70000)], 5000)
    assert all(p.gpu_index == 1 for p in result.placements)
    assert len(plan([gpu(0, 3000)], 5000).placements) == 0
    assert "largest: 3000 MB free" in plan([gpu(0, 3000)], 5000).unplaced[0]


def test_eight_mixed_gpus_fill_most_free_first() -> None:
    gpus = [gpu(i, free, name="A100" if i % 2 else "L4") for i, free in
            enumerate([22000, 78000, 10000, 40000, 5500, 78000, 0, 15000])]
    result = plan(gpus, 5000, workers=8)
    assert [p.gpu_index for p in result.placements][:3] == [1, 5, 1]
    assert len(result.placements) == 8 and not result.unplaced


def test_mig_like_small_devices() -> None:
    slices = [gpu(i, 9728, total=10240, name="MIG 1g.10gb") for i in range(7)]
    result = plan(slices, 5000)
    assert len(result.placements) == 7  # one per 10 GB slice after the reserve
    assert len({p.gpu_uuid for p in result.placements}) == 7


def test_even_mode_spreads_round_robin() -> None:
    result = plan([gpu(0, 100), gpu(1, 100), gpu(2, 100)], -1, workers=5)
    assert [p.gpu_index for p in result.placements] == [0, 1, 2, 0, 1]
    assert all(p.env["CUDA_DEVICE_ORDER"] == "PCI_BUS_ID" for p in result.placements)


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValueError):
        plan([gpu(0, 1000)], -7)
    with pytest.raises(ValueError):
        plan([], 100, workers=0)


@given(
    st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=8),
    st.integers(min_value=100, max_value=30_000),
    st.one_of(st.none(), st.integers(min_value=1, max_value=40)),
    st.integers(min_value=0, max_value=4096),
)
def test_memory_mode_never_oversubscribes(frees, need, workers, reserve) -> None:
    gpus = [gpu(i, free) for i, free in enumerate(frees)]
    result = plan(gpus, need, workers=workers, reserve_mb=reserve)
    for g in gpus:
        used = sum(p.budget_mb for p in result.placements if p.gpu_uuid == g.uuid)
        assert used <= max(0, g.free_mb - reserve)
    if workers is not None:
        assert len(result.placements) + len(result.unplaced) == workers


def test_probe_on_this_machine_is_a_normal_answer() -> None:
    gpus, note = probe()
    assert isinstance(gpus, list) and note
