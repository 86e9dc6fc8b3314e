"""``/metrics``: the Prometheus text format, written by hand (a few counters
and one histogram do not need a client library).

Counted by the server: requests by route and status, their latency, audio
seconds it delivered. Read from the library at each scrape: jobs by state
and kind, workers by state and backend, take QA verdicts.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

from studio.core.store import Library

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
           300.0, 600.0)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """What the server counts (thread-safe; the loop and pool threads add)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[str, list[int]] = {}
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.latency_count: dict[str, int] = defaultdict(int)
        self.audio_seconds: dict[str, float] = defaultdict(float)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """One answered request."""
        with self._lock:
            self.requests[(route, method, status)] += 1
            counts = self.latency.setdefault(route, [0] * len(BUCKETS))
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[index] += 1
            self.latency_sum[route] += seconds
            self.latency_count[route] += 1

    def add_audio(self, endpoint: str, seconds: float) -> None:
        """Audio delivered by ``endpoint``."""
        with self._lock:
            self.audio_seconds[endpoint] += seconds

    def render(self, library: Library) -> str:
        """The exposition text, with the library's gauges read now."""
        lines: list[str] = []
        with self._lock:
            lines += ["# HELP studio_http_requests_total HTTP requests answered, by route "
                      "and status.", "# TYPE studio_http_requests_total counter"]
            for (route, method, status), count in sorted(self.requests.items()):
                lines.append(f'studio_http_requests_total{{route="{_label(route)}",'
                             f'method="{method}",status="{status}"}} {count}')
            lines += ["# HELP studio_http_request_duration_seconds Time to answer a request.",
                      "# TYPE studio_http_request_duration_seconds histogram"]
            for route, counts in sorted(self.latency.items()):
                name = _label(route)
                for bound, count in zip(BUCKETS, counts):
                    lines.append(f'studio_http_request_duration_seconds_bucket{{route="{name}",'
                                 f'le="{bound:g}"}} {count}')
                lines.append(f'studio_http_request_duration_seconds_bucket{{route="{name}",'
                             f'le="+Inf"}} {self.latency_count[route]}')
                lines.append(f'studio_http_request_duration_seconds_sum{{route="{name}"}} '
                             f'{self.latency_sum[route]:.6f}')
                lines.append(f'studio_http_request_duration_seconds_count{{route="{name}"}} '
                             f'{self.latency_count[route]}')
            lines += ["# HELP studio_audio_seconds_total Seconds of audio the server delivered.",
                      "# TYPE studio_audio_seconds_total counter"]
            for endpoint in ("speech", "synthesize", "project"):
                lines.append(f'studio_audio_seconds_total{{endpoint="{endpoint}"}} '
                             f"{self.audio_seconds.get(endpoint, 0.0):.3f}")
        lines += library_gauges(library)
        return "\n".join(lines) + "\n"


def library_gauges(library: Library) -> list[str]:
    """Queue depth, workers and QA verdicts, read from the library."""
    from studio.service import qa, queue
    from studio.service.engine import engine_running, worker_rows

    lines = ["# HELP studio_queue_jobs Jobs in the queue, by state and kind.",
             "# TYPE studio_queue_jobs gauge"]
    counts: dict[tuple[str, str], int] = {
        (state, kind): 0 for state in ("queued", "running", "failed", "dead")
        for kind in ("render", "check")}
    counts.update(queue.by_state_and_kind(library))
    for (state, kind), count in sorted(counts.items()):
        lines.append(f'studio_queue_jobs{{state="{state}",kind="{kind}"}} {count}')
    running = engine_running(library.root) is not None
    lines += ["# HELP studio_engine_running Whether the engine runs for this library.",
              "# TYPE studio_engine_running gauge", f"studio_engine_running {int(running)}",
              "# HELP studio_workers Engine workers, by state and backend.",
              "# TYPE studio_workers gauge"]
    workers: dict[tuple[str, str], int] = defaultdict(int)
    for state in ("starting", "loaded", "busy", "failed"):
        workers[(state, "piper")] += 0
    for row in worker_rows(library):
        state = row["state"] if running or row["state"] == "failed" else "stopped"
        workers[(state, row["backend"])] += 1
    for (state, backend), count in sorted(workers.items()):
        lines.append(f'studio_workers{{state="{state}",backend="{_label(backend)}"}} {count}')
    lines += ["# HELP studio_qa_verdicts Take QA verdicts on current takes, by verdict.",
              "# TYPE studio_qa_verdicts gauge"]
    verdicts: dict[str, Any] = {v: 0 for v in ("pass", "review", "fail", "unchecked")}
    verdicts.update(qa.verdicts(library))
    for verdict, count in verdicts.items():
        lines.append(f'studio_qa_verdicts{{verdict="{verdict}"}} {count}')
    return lines
